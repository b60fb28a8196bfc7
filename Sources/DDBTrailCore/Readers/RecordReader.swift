/// What a reader makes of one element of its input.
public enum Unwrapped: Sendable {
    /// A CloudTrail record: the parsed object and its byte-exact text.
    case cloudTrail(JSONObject, raw: [UInt8])
    /// A CloudTrail digest file body.
    case digest(JSONObject, raw: [UInt8])
    /// A change to one item (stream record, Lambda/Kinesis delivery, export line), recognised
    /// but not yet normalised, and its byte-exact text.
    case change(ChangeShape, JSONObject, raw: [UInt8])
    /// Metadata naming the table of change records that do not name it (describe-stream, export manifest).
    case context(ContextShape, JSONObject)
    /// What verifying digests needs: public keys, a digest's signature.
    case integrity(IntegrityShape, JSONObject)
    /// CloudWatch metric evidence: a stream line, an output page, or a request.
    case metrics(MetricShape, JSONObject)
    /// Not importable, with the reason (reported and recorded, never silently dropped).
    case rejected(String)
}

/// One input format. Adding a format is one new file with a type conforming to this protocol
/// plus one line in `ReaderRegistry.all`.
public protocol RecordReader: Sendable {
    /// Kebab-case format name, stored with each source file.
    var name: String { get }
    /// Cheap content check on the first bytes of the input. Returns nil when the input is not in
    /// this format, else why it is (shown when several readers claim one input).
    func sniff(_ head: Head) -> String?
    /// How the input is cut into elements.
    func layout(for head: Head) -> Layout
    /// Turns one element into a record (or a digest, or a rejection).
    func unwrap(_ element: RawElement) -> Unwrapped
    /// When set, the input is recognised but cannot be imported by this version: the reason.
    var unsupported: String? { get }
}

extension RecordReader {
    public var unsupported: String? { nil }
    public func layout(for head: Head) -> Layout { .document(containers: []) }
    public func unwrap(_ element: RawElement) -> Unwrapped { .rejected(unsupported ?? "not importable") }
}

/// What a reader makes of one element of its input.
public enum Unwrapped: Sendable {
    /// A CloudTrail record: the parsed object and its byte-exact text.
    case cloudTrail(JSONObject, raw: [UInt8])
    /// A CloudTrail digest file body.
    case digest(JSONObject, raw: [UInt8])
    /// A change to one item (stream record, Lambda/Kinesis delivery, export line) and its byte-exact text.
    case change(ChangeRecord, raw: [UInt8])
    /// Metadata naming the table of change records that do not name it (describe-stream, export manifest).
    case context(ChangeContext)
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

/// What the first bytes of an input look like, computed once and shared by every reader's sniff.
public struct Head: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// The input held nothing but whitespace.
    public var isBlank: Bool
    /// The first element, parsed, when it fits in the head: the first member of a container
    /// array, the first element of a top-level array, the first line of a line-oriented input,
    /// or the whole first value.
    public var firstElement: JSON?
    /// The whole first top-level value, when it fits in the head.
    public var firstValue: JSON?
    /// The container the first element came from ("Records", "Events", "events", "logEvents").
    public var container: String?
    public var topLevelArray: Bool
    /// The first line is a complete JSON value and more follows: JSON lines.
    public var jsonLines: Bool
    /// Lines look like `<timestamp> {json}` (CloudWatch Logs export to S3).
    public var timestampPrefixedLines: Bool

    /// Every container member name any reader uses, so the head can find a first element.
    static let knownContainers = ["Records", "Events", "events", "logEvents"]

    init(path: String, bytes: ArraySlice<UInt8>, complete: Bool) {
        self.path = path
        self.bytes = Array(bytes)
        let firstNonBlank = bytes.firstIndex { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
        isBlank = firstNonBlank == nil
        firstElement = nil
        firstValue = nil
        container = nil
        topLevelArray = false
        jsonLines = false
        timestampPrefixedLines = false
        guard let first = firstNonBlank else { return }
        let text = Array(bytes[first...])

        // First line, on its own.
        let lineEnd = text.firstIndex(of: 0x0A) ?? text.count
        let firstLine = Array(text[..<lineEnd])
        let rest = text[min(lineEnd + 1, text.count)...]
        let moreAfterFirstLine = rest.contains { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
        if let value = try? JSONParser.parse(firstLine) {
            if moreAfterFirstLine {
                jsonLines = true
                firstElement = value
                return
            }
        } else if text.first != UInt8(ascii: "{"), text.first != UInt8(ascii: "["),
                  let brace = firstLine.firstIndex(of: UInt8(ascii: "{")), brace > 0,
                  !firstLine[..<brace].contains(UInt8(ascii: "\"")),
                  let value = try? JSONParser.parse(Array(firstLine[brace...])) {
            timestampPrefixedLines = true
            firstElement = value
            return
        }

        if complete || text.count < 64 * 1024 {
            firstValue = try? JSONParser.parse(text)
        }
        // Cut the head like a document to find the first element of a container or array.
        let splitter = RecordSplitter(source: MemoryBytes(text))
        splitter.start(.document(containers: Self.knownContainers))
        if case .element(let element)? = try? splitter.next() {
            firstElement = try? JSONParser.parse(element.bytes)
        }
        container = splitter.container
        topLevelArray = splitter.sawTopLevelArray
    }
}

extension JSONObject {
    /// True when the object has any of the members (names compared ignoring case).
    func hasAny(_ names: String...) -> Bool { names.contains { self[$0] != nil } }
}

extension JSON {
    /// Whether this looks like a CloudTrail event record (including sparse and lower-cased ones).
    var looksLikeCloudTrailRecord: Bool {
        guard let o = object else { return false }
        if let source = o["eventSource"]?.string, source.hasPrefix("aws:") { return false } // stream records
        if o["dynamodb"]?.object != nil { return false } // a change record (e.g. decoded Kinesis) without eventSource
        return o.hasAny("eventName", "eventSource") || (o["eventID"] != nil && o["eventTime"] != nil)
    }
}

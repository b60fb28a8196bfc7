/// Every input format, in one list. A new format is one file plus one line here.
public enum ReaderRegistry {
    public static let all: [any RecordReader] = [
        CloudTrailLogFileReader(),
        CloudTrailJSONReader(),
        LookupEventsReader(),
        EventBridgeReader(),
        CloudWatchLogsReader(),
        CloudWatchLogsExportReader(),
        DigestFileReader(),
        DynamoDBStreamRecordsReader(),
        KinesisDynamoDBReader(),
        DescribeStreamReader(),
        DynamoDBExportReader(),
        RecognisedUnsupportedReader(),
    ]

    public enum Detection {
        case reader(any RecordReader)
        case blank
        case unrecognised(String)
        case ambiguous([String])
    }

    public static func detect(_ head: Head) -> Detection {
        if head.isBlank { return .blank }
        let matches = all.compactMap { reader in reader.sniff(head).map { (reader, $0) } }
        if matches.count == 1 { return .reader(matches[0].0) }
        if matches.count > 1 { return .ambiguous(matches.map { "\($0.0.name) (\($0.1))" }) }
        return .unrecognised(describeUnrecognised(head))
    }

    /// Says what the input looked like, so a responder knows why nothing matched.
    static func describeUnrecognised(_ head: Head) -> String {
        let b = head.bytes
        if b.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive; unzip it and import the files inside" }
        if b.starts(with: [0x42, 0x5A, 0x68]) { return "a bzip2 file; only gzip and plain files are read" }
        if b.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "an xz file; only gzip and plain files are read" }
        if b.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "a zstd file; only gzip and plain files are read" }
        if let element = head.firstElement?.object ?? head.firstValue?.object {
            let keys = element.keys.prefix(8).joined(separator: ", ")
            return "JSON object with members [\(keys)] matches no known evidence format"
        }
        if head.firstValue != nil || head.firstElement != nil { return "JSON that is not an object or a list of objects" }
        let first = b.first(where: { $0 > 0x20 }) ?? 0
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "starts like JSON but does not parse as JSON" }
        return "not JSON (starts with \(quotedPrefix(b)))"
    }

    static func quotedPrefix(_ bytes: [UInt8]) -> String {
        let prefix = bytes.prefix(24).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
        return "'\(prefix)'"
    }
}

/// The unwrapping shared by every reader whose elements carry CloudTrail records: a record
/// may arrive bare, as an EventBridge `detail`, inside a lookup-events `CloudTrailEvent` string,
/// or as a CloudWatch Logs `message` string. Whatever the file's format, each element is
/// unwrapped by its own shape, so mixed inputs still import. The same holds for DynamoDB change
/// records (a stream record, a Kinesis DynamoDB record, or a Kinesis record carrying one), such
/// as a consumer function's log messages: they unwrap through `ChangeRecordParser`.
enum CloudTrailUnwrap {
    static func unwrap(_ element: RawElement) -> Unwrapped {
        let parsed: JSON
        do {
            parsed = try JSONParser.parse(element.bytes, deferring: deferredMembers)
        } catch {
            return .rejected("broken JSON: \(error)")
        }
        return unwrap(parsed, raw: element.bytes)
    }

    /// Members of a CloudTrail record that are checked but built only when read: the identity
    /// (the normaliser usually knows it by its bytes) and members nothing reads on most calls.
    static let deferredMembers = ["userIdentity", "responseElements", "tlsDetails", "additionalEventData",
                                  "serviceEventDetails", "edgeDeviceDetails", "insightDetails"]

    static func unwrap(_ value: JSON, raw: [UInt8]) -> Unwrapped {
        guard let object = value.object else { return .rejected("element is not a JSON object") }
        if let inner = object["CloudTrailEvent"] {
            guard let text = inner.string else { return .rejected("CloudTrailEvent is not a string") }
            return embedded(text, what: "CloudTrailEvent")
        }
        if object["detail-type"] != nil, let detail = object["detail"] {
            guard let range = detail.textRange else { return .rejected("EventBridge detail is not an object") }
            // Parsed again on its own bytes, so that ranges inside are offsets into the stored record.
            let bytes = Array(raw[range])
            guard let record = (try? JSONParser.parse(bytes, deferring: deferredMembers))?.object else {
                return .rejected("EventBridge detail is not an object")
            }
            return check(record, raw: bytes)
        }
        if let message = object["message"], object.hasAny("timestamp", "ingestionTime", "logStreamName", "id") {
            guard let text = message.string else { return .rejected("log event message is not a string") }
            return embedded(text, what: "log event message")
        }
        return check(object, raw: raw)
    }

    private static func embedded(_ text: String, what: String) -> Unwrapped {
        var bytes = Array(text.utf8)
        // CloudWatch Logs export lines may carry a timestamp prefix inside the message too.
        if let brace = bytes.firstIndex(of: UInt8(ascii: "{")), brace > 0,
           !bytes[..<brace].contains(UInt8(ascii: "\"")) {
            bytes.removeFirst(brace)
        }
        do {
            let inner = try JSONParser.parse(bytes, deferring: deferredMembers)
            guard let record = inner.object else { return .rejected("\(what) is not a JSON object") }
            return check(record, raw: bytes)
        } catch {
            return .rejected("\(what) is not valid JSON: \(error)")
        }
    }

    private static func check(_ record: JSONObject, raw: [UInt8]) -> Unwrapped {
        // CloudTrail first, the common case: the test turns away stream and Kinesis records.
        if JSON.object(record).looksLikeCloudTrailRecord { return .cloudTrail(record, raw: raw) }
        if let change = ChangeRecordParser.unwrapStreamOrKinesis(record, raw: raw) { return change }
        if record.hasAny("digestStartTime"), record.hasAny("logFiles") { return .digest(record, raw: raw) }
        let keys = record.keys.prefix(6).joined(separator: ", ")
        return .rejected("not a CloudTrail record (no eventName, eventSource or eventID; members: [\(keys)])")
    }
}

/// The unwrapping of the change readers: the reader's own shapes first, then anything
/// `CloudTrailUnwrap` knows (a change record inside a log event, a stray CloudTrail record).
enum ChangeUnwrap {
    static func unwrap(_ element: RawElement, expected: String,
                       shapes: (JSONObject, [UInt8]) -> Unwrapped?) -> Unwrapped {
        let parsed: JSON
        do {
            parsed = try JSONParser.parse(element.bytes)
        } catch {
            return .rejected("broken JSON: \(error)")
        }
        guard let object = parsed.object else { return .rejected("element is not a JSON object") }
        if let own = shapes(object, element.bytes) { return own }
        let other = CloudTrailUnwrap.unwrap(parsed, raw: element.bytes)
        if case .rejected = other {
            let keys = object.keys.prefix(6).joined(separator: ", ")
            return .rejected("not \(expected) (members: [\(keys)])")
        }
        return other
    }
}

extension Head {
    /// The first element (or whole value) as an object.
    var firstObject: JSONObject? { firstElement?.object ?? firstValue?.object }

    /// The first non-blank byte opens a JSON object or array.
    var startsLikeJSON: Bool {
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// A plain-text check on the head, for sniffing when the first element is too large to parse.
    func mentions(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i + needle.count <= b.count {
                if b[i] == needle[0], Array(b[i..<(i + needle.count)]) == needle { return true }
                i += 1
            }
            return false
        }
    }
}

/// The unwrapping shared by every reader whose elements carry CloudTrail records: a record
/// may arrive bare, as an EventBridge `detail`, inside a lookup-events `CloudTrailEvent` string,
/// or as a CloudWatch Logs `message` string. Whatever the file's format, each element is
/// unwrapped by its own shape, so mixed inputs still import. The same holds for DynamoDB change
/// records (a stream record, a Kinesis DynamoDB record, or a Kinesis record carrying one), such
/// as a consumer function's log messages: they unwrap through `ChangeShapes`.
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
        if let change = ChangeShapes.streamOrKinesis(record, raw: raw) { return change }
        if record.hasAny("digestStartTime"), record.hasAny("logFiles") { return .digest(record, raw: raw) }
        let keys = record.keys.prefix(6).joined(separator: ", ")
        return .rejected("not a CloudTrail record (no eventName, eventSource or eventID; members: [\(keys)])")
    }
}

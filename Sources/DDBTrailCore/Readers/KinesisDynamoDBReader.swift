/// Kinesis Data Streams for DynamoDB: Lambda Kinesis events (`{"Records":[{"kinesis":{"data":
/// "<base64>"},"eventSourceARN":"arn:aws:kinesis:…"}]}`) and `aws kinesis get-records` output
/// whose payloads are DynamoDB change records, and already-decoded records (`tableName` +
/// `dynamodb`) one per line, in an array or alone. The raw text kept for a Kinesis record is
/// its decoded payload.
struct KinesisDynamoDBReader: RecordReader {
    let name = "kinesis-dynamodb"

    /// Whether the head is Kinesis records carrying DynamoDB changes: true, false (Kinesis
    /// records carrying something else), or nil (not Kinesis records).
    static func carriesDynamoDB(_ head: Head) -> Bool? {
        guard !head.timestampPrefixedLines else { return nil }
        guard head.container == "Records" || head.container == nil else { return nil }
        if let first = head.container == nil ? head.firstObject : head.firstElement?.object {
            guard let payload = ChangeShapes.kinesisPayload(first) else { return nil }
            return payload.change != nil
        }
        // A first record too large for the head: a DynamoDB item of up to 400 KB, base64'd.
        if head.container == "Records", head.firstValue == nil,
           head.mentions("\"aws:kinesis\"") || head.mentions("\"kinesisSchemaVersion\"") { return true }
        return nil
    }

    func sniff(_ head: Head) -> String? {
        if Self.carriesDynamoDB(head) == true {
            return head.container == "Records" ? "a Records array of Kinesis records carrying DynamoDB changes"
                : "Kinesis records carrying DynamoDB changes"
        }
        guard !head.timestampPrefixedLines, let first = head.container == nil ? head.firstObject : head.firstElement?.object,
              head.container == nil || head.container == "Records",
              ChangeShapes.isKinesisChange(first) else { return nil }
        return head.container == "Records" ? "a Records array of decoded Kinesis DynamoDB records"
            : head.jsonLines ? "JSON lines of decoded Kinesis DynamoDB records" : "decoded Kinesis DynamoDB records"
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: ["Records"])
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        ChangeUnwrap.unwrap(element, expected: "a Kinesis DynamoDB record", shapes: ChangeShapes.streamOrKinesis)
    }
}

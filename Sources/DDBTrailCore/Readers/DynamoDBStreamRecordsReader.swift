/// DynamoDB Streams records: `aws dynamodbstreams get-records` output and Lambda DynamoDB events
/// (`{"Records":[…]}`, including tumbling-window events), or such records one per line, in a
/// JSON array or alone (what a consumer function logs or archives).
struct DynamoDBStreamRecordsReader: RecordReader {
    let name = "dynamodb-stream-records"

    func sniff(_ head: Head) -> String? {
        guard !head.timestampPrefixedLines else { return nil }
        if head.container == "Records" {
            if let first = head.firstElement?.object {
                return ChangeShapes.isStreamRecord(first) ? "a Records array of DynamoDB stream records" : nil
            }
            // A first record too large for the head.
            guard head.firstElement == nil, head.firstValue == nil else { return nil }
            return head.mentions("\"aws:dynamodb\"") && !head.mentions("\"aws:kinesis\"")
                ? "a Records array mentioning aws:dynamodb" : nil
        }
        guard head.container == nil, let first = head.firstObject, ChangeShapes.isStreamRecord(first) else { return nil }
        if head.jsonLines { return "JSON lines of DynamoDB stream records" }
        if head.topLevelArray { return "a JSON array of DynamoDB stream records" }
        return "a single DynamoDB stream record"
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: ["Records"])
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        ChangeUnwrap.unwrap(element, expected: "a DynamoDB stream record", shapes: ChangeShapes.streamOrKinesis)
    }
}

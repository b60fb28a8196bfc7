/// `aws dynamodbstreams describe-stream` output (`{"StreamDescription":{…}}`): no changes, but
/// it names the table (and key attributes) of GetRecords pages, which do not name it.
struct DescribeStreamReader: RecordReader {
    let name = "dynamodb-describe-stream"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.timestampPrefixedLines, !head.jsonLines else { return nil }
        if let value = head.firstValue?.object ?? head.firstObject {
            return ChangeShapes.isDescribeStream(value) ? "an object with StreamDescription" : nil
        }
        // Many shards: larger than the head.
        return head.bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") && head.mentions("\"StreamDescription\"")
            && head.mentions("\"StreamArn\"") ? "an object mentioning StreamDescription" : nil
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        ChangeUnwrap.unwrap(element, expected: "describe-stream output") { object, _ in
            ChangeShapes.isDescribeStream(object) ? .context(.describeStream, object) : nil
        }
    }
}

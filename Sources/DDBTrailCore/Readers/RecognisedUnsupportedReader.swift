/// Evidence that is recognised but not imported by this version, so the summary can say what
/// it is instead of "unrecognised". Formats move out of here as readers for them are written.
struct RecognisedUnsupportedReader: RecordReader {
    let name = "recognised-unsupported"

    func sniff(_ head: Head) -> String? { reason(head) }

    var unsupported: String? { "recognised, but not imported by this version" }

    func reason(_ head: Head) -> String? {
        let first = head.firstObject
        let value = head.firstValue?.object
        if let source = first?["eventSource"]?.string, source == "aws:dynamodb" || source == "aws:kinesis" {
            return "DynamoDB change records (\(source)); change-data import is not available yet"
        }
        if first?["dynamodb"] != nil, first?["tableName"] != nil { return "a Kinesis Data Streams for DynamoDB record; change-data import is not available yet" }
        if value?["StreamDescription"] != nil { return "DynamoDB Streams DescribeStream output; change-data import is not available yet" }
        if value?["Streams"] != nil || value?["ShardIterator"] != nil { return "DynamoDB Streams API output (ListStreams/GetShardIterator) with no change records" }
        if first?["Item"] != nil, first?.members.count == 1 { return "a DynamoDB export data line; export import is not available yet" }
        if first?["Metadata"]?["WriteTimestampMicros"] != nil { return "a DynamoDB incremental export line; export import is not available yet" }
        if let v = value, v["exportArn"] != nil || v["dataFileS3Key"] != nil { return "a DynamoDB export manifest; export import is not available yet" }
        if value?["PublicKeyList"] != nil || value?["publicKeyList"] != nil { return "CloudTrail public keys (list-public-keys output), kept for digest validation later; nothing to import" }
        if value?["QueryResultRows"] != nil { return "CloudTrail Lake query results; Lake import is not available yet" }
        if let v = value, v["hashSignature"] != nil, v["files"] != nil { return "a CloudTrail Lake result sign file; nothing to import" }
        if value?["awslogs"] != nil { return "a CloudWatch Logs subscription envelope (base64 gzip); decode it first" }
        return nil
    }
}

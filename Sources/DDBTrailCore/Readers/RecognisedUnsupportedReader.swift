/// Evidence that is recognised but not imported by this version, so the summary can say what
/// it is instead of "unrecognised". Formats move out of here as readers for them are written.
struct RecognisedUnsupportedReader: RecordReader {
    let name = "recognised-unsupported"

    func sniff(_ head: Head) -> String? { reason(head) }

    var unsupported: String? { "recognised, but not imported by this version" }

    func reason(_ head: Head) -> String? {
        let first = head.firstObject
        let value = head.firstValue?.object
        if KinesisDynamoDBReader.carriesDynamoDB(head) == false {
            return "Kinesis records whose data is not a DynamoDB change record; nothing to import"
        }
        if value?["Streams"] != nil || value?["ShardIterator"] != nil { return "DynamoDB Streams API output (ListStreams/GetShardIterator) with no change records" }
        if head.container == nil, let records = first?["Records"]?.array, let r = records.first?.object,
           ChangeShapes.isStreamRecord(r) || ChangeShapes.kinesisData(r) != nil {
            return "whole Lambda events one per line or in an array; import each event as its own file"
        }
        if first?["dataFileS3Key"] != nil { return "a DynamoDB export manifest listing (manifest-files.json); nothing to import" }
        if head.startsWith("$ion_1_0") { return "an ION export; re-export as DYNAMODB_JSON" }
        if value?["QueryResultRows"] != nil { return "CloudTrail Lake query results; Lake import is not available yet" }
        if let v = value, v["hashSignature"] != nil, v["files"] != nil { return "a CloudTrail Lake result sign file; nothing to import" }
        if value?["awslogs"] != nil { return "a CloudWatch Logs subscription envelope (base64 gzip); decode it first" }
        return nil
    }
}

extension Head {
    /// The input starts (after whitespace) with `text`.
    func startsWith(_ text: String) -> Bool {
        guard let start = bytes.firstIndex(where: { $0 > 0x20 }) else { return false }
        return bytes[start...].starts(with: Array(text.utf8))
    }
}

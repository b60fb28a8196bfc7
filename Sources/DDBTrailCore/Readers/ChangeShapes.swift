/// The shapes of change-data objects (DynamoDB Streams records, Kinesis Data Streams for
/// DynamoDB records bare or base64 in a Kinesis record, export lines and manifests,
/// `describe-stream` output), recognised without normalising them: every change reader and
/// `CloudTrailUnwrap` use them, so a stream record is recognised the same way whether it came
/// from GetRecords output, a Lambda event, a Kinesis payload or a consumer function's log line.
enum ChangeShapes {
    /// A DynamoDB Streams record (GetRecords item, Lambda event record, or one logged by a consumer).
    static func isStreamRecord(_ o: JSONObject) -> Bool {
        guard o["dynamodb"]?.object != nil, o["tableName"] == nil else { return false }
        return o["eventSource"]?.string.map { JSONObject.equalIgnoringASCIICase($0, "aws:dynamodb") } ?? false
    }

    /// A decoded Kinesis Data Streams for DynamoDB record (`tableName` + `dynamodb`).
    static func isKinesisChange(_ o: JSONObject) -> Bool {
        o["dynamodb"]?.object != nil && o["tableName"]?.string != nil
    }

    /// The base64 payload of a Kinesis record: a Lambda Kinesis event record (`kinesis.data`)
    /// or an `aws kinesis get-records` item (`Data` beside `PartitionKey` and `SequenceNumber`).
    static func kinesisData(_ o: JSONObject) -> String? {
        if let k = o["kinesis"]?.object { return k["data"]?.string }
        if o["PartitionKey"] != nil, o["SequenceNumber"] != nil, o["dynamodb"] == nil { return o["Data"]?.string }
        return nil
    }

    /// The decoded payload of a Kinesis record and whether it is a DynamoDB change; nil when the
    /// object is not a Kinesis record at all.
    static func kinesisPayload(_ o: JSONObject) -> (bytes: [UInt8]?, change: JSONObject?)? {
        guard let data = kinesisData(o) else { return nil }
        guard let bytes = Base64.decode(data) else { return (nil, nil) }
        guard let inner = (try? JSONParser.parse(bytes))?.object, isKinesisChange(inner) else { return (bytes, nil) }
        return (bytes, inner)
    }

    static func isIncrementalExportLine(_ o: JSONObject) -> Bool {
        o["Metadata"]?["WriteTimestampMicros"] != nil
    }

    static func isFullExportLine(_ o: JSONObject) -> Bool {
        o.members.count == 1 && o.members[0].key == "Item" && o.members[0].value.object != nil
    }

    static func isExportManifestSummary(_ o: JSONObject) -> Bool {
        o["exportArn"]?.string != nil && o["tableArn"]?.string != nil
    }

    static func isDescribeStream(_ o: JSONObject) -> Bool {
        o["StreamDescription"]?.object != nil
    }

    /// A stream record, a decoded Kinesis DynamoDB record or a Kinesis record carrying one;
    /// nil when the object has none of those shapes (so the caller can try others).
    static func streamOrKinesis(_ o: JSONObject, raw: [UInt8]) -> Unwrapped? {
        if isStreamRecord(o) { return .change(.streamRecord, o, raw: raw) }
        if isKinesisChange(o) { return .change(.kinesisRecord(kinesisStreamARN: nil), o, raw: raw) }
        if kinesisData(o) != nil { return kinesisEnvelope(o) }
        return nil
    }

    /// A Kinesis record whose base64 `data` holds a DynamoDB change. The raw bytes kept are the
    /// decoded JSON.
    static func kinesisEnvelope(_ o: JSONObject) -> Unwrapped {
        guard let payload = kinesisPayload(o) else { return .rejected("not a Kinesis record (no data)") }
        guard let bytes = payload.bytes else { return .rejected("Kinesis record data is not base64") }
        guard let inner = payload.change else {
            if let parsed = (try? JSONParser.parse(bytes))?.object {
                let keys = parsed.keys.prefix(6).joined(separator: ", ")
                return .rejected("Kinesis record data is not a DynamoDB change record (members: [\(keys)])")
            }
            return .rejected("Kinesis record data is not a JSON object (\(bytes.count) bytes)")
        }
        return .change(.kinesisRecord(kinesisStreamARN: o["eventSourceARN"]?.string), inner, raw: bytes)
    }
}

/// Which kind of change-data object a reader found: the readers recognise the shape, and
/// `ChangeNormaliser` turns an object of that shape into a `ChangeRecord`.
public enum ChangeShape: Sendable, Equatable {
    /// A DynamoDB Streams record (GetRecords item, Lambda event record, or one logged by a consumer).
    case streamRecord
    /// A decoded Kinesis Data Streams for DynamoDB record; `kinesisStreamARN` is the enclosing
    /// Kinesis record's `eventSourceARN`, when it came in one.
    case kinesisRecord(kinesisStreamARN: String?)
    /// One line of an incremental export to S3 (`Metadata.WriteTimestampMicros`).
    case incrementalExportLine
    /// One line of a full DYNAMODB_JSON export (`{"Item":{…}}`).
    case fullExportLine
}

/// Which kind of object names the table of change records that do not name it.
public enum ContextShape: Sendable, Equatable {
    /// An export's `manifest-summary.json`.
    case exportManifest
    /// `aws dynamodbstreams describe-stream` output.
    case describeStream
}

/// Which kind of object helps verify CloudTrail digests (it holds no records).
public enum IntegrityShape: Sendable, Equatable {
    /// `aws cloudtrail list-public-keys` output.
    case publicKeys
    /// A digest's S3 user metadata (its signature), bare or inside `aws s3api head-object` output.
    case digestMetadata
}

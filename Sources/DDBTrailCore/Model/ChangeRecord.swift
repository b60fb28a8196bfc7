/// One change to one item, from any change-data format (DynamoDB Streams GetRecords output,
/// Lambda and Kinesis deliveries, exports to S3), in the form the writer stores.
public struct ChangeRecord: Sendable {
    /// `INSERT`, `MODIFY`, `REMOVE`, or `SNAPSHOT` for a full-export item (state at export time).
    public var changeType: String
    /// The stream record's eventID (dedupes Lambda retries and repeated pages); nil for exports.
    public var eventID: String?
    /// The table, when the record or its envelope names it (Lambda `eventSourceARN`, Kinesis
    /// `tableName`); nil for GetRecords pages and export lines, which take it from a context file.
    public var table: TableIdentity?
    public var streamARN: String?
    public var awsRegion: String?
    /// When the change happened, normalised UTC (`Timestamp` form; a fraction when finer than seconds).
    public var time: String?
    /// The same instant in microseconds since the epoch.
    public var timeMicros: Int64?
    /// `second` (streams: rounded down), `millisecond`/`microsecond` (Kinesis, exports), or `none`.
    public var precision: String
    /// Stream sequence number (decimal text, ≤ 40 digits), ordering changes within a shard.
    public var sequenceNumber: String?
    public var shardID: String?
    public var keys: [(String, AttributeValue)]
    public var oldImage: [(String, AttributeValue)]?
    public var newImage: [(String, AttributeValue)]?
    /// The service identity of TTL deletions (`Service` / `dynamodb.amazonaws.com`).
    public var identityType: String?
    public var identityPrincipal: String?
    public var sizeBytes: Int64?
    public var viewType: String?
    /// Which format it came from (`dynamodb-streams`, `lambda-dynamodb`, `kinesis-dynamodb`, `export-incremental`, `export-full`).
    public var source: String
    /// Tolerated oddities (non-canonical values, empty sets…), recorded as import warnings.
    public var warnings: [String] = []

    public init(changeType: String, source: String, precision: String, keys: [(String, AttributeValue)]) {
        self.changeType = changeType
        self.source = source
        self.precision = precision
        self.keys = keys
    }
}

/// Metadata that names the table (and key schema) for change records that do not name it
/// themselves: `describe-stream` output next to GetRecords pages, an export's `manifest-summary.json`.
public struct ChangeContext: Sendable {
    /// `describe-stream` or `export-manifest`.
    public var kind: String
    public var table: TableIdentity
    public var streamARN: String?
    public var streamLabel: String?
    public var viewType: String?
    /// (attribute name, HASH/RANGE, S/N/B or nil)
    public var keySchema: [(name: String, keyType: String, type: String?)]
    public var exportARN: String?
    /// Full exports: the snapshot instant (normalised UTC).
    public var exportTime: String?

    public init(kind: String, table: TableIdentity) {
        self.kind = kind
        self.table = table
        keySchema = []
    }
}

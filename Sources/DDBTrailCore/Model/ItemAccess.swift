import Foundation

/// One (table, item key) an API call touched. `key` is nil for Query/Scan and for writes whose
/// key CloudTrail does not show (PartiQL INSERT, redacted literals).
public struct ItemAccess: Sendable, Equatable {
    public var table: TableIdentity
    /// The API (`PutItem`) or, inside batches and transactions, the per-item operation (`Put`, `Delete`, …).
    public var operation: String
    /// The key as logged (compact JSON), when there is one.
    public var keyRaw: String?
    /// Key attributes, typed as far as the record tells; canonicalised when written.
    public var key: [ItemKey.Attribute]?
    /// Attribute names the request declared (PutItem `item`, update expression names), compact JSON.
    public var attributeNames: String?
    public var indexName: String?
    /// 0-based position of the item within a batch/transaction request, nil for single-item calls.
    public var position: Int?
    /// `key` canonicalised as typed by the record alone (set by `prepareForWriting`).
    public var canonicalKey: String?
}

/// A table a call referred to, and in which role (`tableName`, `targetTableName`, `backupArn`, …).
public struct TableReference: Sendable, Equatable, Hashable {
    public var table: TableIdentity
    public var role: String
}

/// Key schema facts learned from CreateTable/DescribeTable/UpdateTable records.
public struct KeySchema: Sendable, Equatable {
    public var table: TableIdentity
    /// (attribute name, HASH/RANGE, S/N/B or nil)
    public var attributes: [(name: String, keyType: String, type: String?)]
    public static func == (a: KeySchema, b: KeySchema) -> Bool {
        a.table == b.table && a.attributes.elementsEqual(b.attributes) { $0 == $1 }
    }
}

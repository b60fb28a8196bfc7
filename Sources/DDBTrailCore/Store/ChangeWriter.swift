import DDBTrailSQLite
import Foundation

/// Writes change records and their contexts. Table ids and learned key schemas come from the
/// `CaseWriter` the event writer uses too, so CloudTrail keys and change keys canonicalise the same way.
final class ChangeWriter {
    var db: Database { store.db }
    let store: CaseWriter
    /// `--table`: the table of change records that name none and have no context file.
    let tableOverride: String?
    /// Contexts by the folder they were found in.
    private var contexts: [String: ChangeContext] = [:]
    /// Key attribute names per table, from contexts and CloudTrail CreateTable/DescribeTable records.
    private var keyNames: [TableIdentity: [String]] = [:]
    private let feed: RowFeed
    /// Row id of the last change stored.
    private var lastChangeID: Int64

    init(store: CaseWriter, tableOverride: String?) throws {
        let db = store.db
        self.store = store
        self.tableOverride = tableOverride
        feed = try RowFeed(database: db, storingInto: "changes", columns: """
            dedupe_key, stream_event_id, table_id, item_key, change_type, change_time, change_time_us, time_precision, \
            sequence_number, shard_id, stream_arn, aws_region, user_identity_type, user_identity_principal, keys, \
            old_image, new_image, diff, size_bytes, view_type, source_format, \
            source_file_id, record_index, record_offset, record_length, record_line
            """, onConflict: .ignore)
        lastChangeID = try db.scalar("SELECT coalesce(max(id), 0) FROM changes").int64Value ?? 0
        for row in try db.rows("""
            SELECT c.directory, c.kind, t.account_id, t.region, t.name, c.stream_arn, c.export_time
            FROM change_contexts c JOIN ddb_tables t ON t.id = c.table_id
            """) {
            var context = ChangeContext(kind: row[1].stringValue ?? "", table: TableIdentity(
                account: row[2].stringValue ?? "", region: row[3].stringValue ?? "", name: row[4].stringValue ?? ""))
            context.streamARN = row[5].stringValue
            context.exportTime = row[6].stringValue
            contexts[row[0].stringValue ?? ""] = context
        }
        for row in try db.rows("""
            SELECT t.account_id, t.region, t.name, k.attribute_name FROM key_schemas k JOIN ddb_tables t ON t.id = k.table_id
            ORDER BY t.id, k.key_type DESC, k.attribute_name
            """) {
            let t = TableIdentity(account: row[0].stringValue ?? "", region: row[1].stringValue ?? "", name: row[2].stringValue ?? "")
            keyNames[t, default: []].append(row[3].stringValue ?? "")
        }
    }

    static func directory(of path: String) -> String { (path as NSString).deletingLastPathComponent }

    func writeContext(_ c: ChangeContext, fileID: Int64, path: String) throws {
        let directory = Self.directory(of: path)
        contexts[directory] = c
        let tableID = try store.tableID(c.table)
        try db.run("""
            INSERT INTO change_contexts(source_file_id, kind, table_id, stream_arn, stream_label, view_type, export_arn, export_time, directory)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(fileID), .string(c.kind), .integer(tableID), .optional(c.streamARN), .optional(c.streamLabel),
                  .optional(c.viewType), .optional(c.exportARN), .optional(c.exportTime), .string(directory)])
        if !c.keySchema.isEmpty {
            keyNames[c.table] = c.keySchema.map(\.name)
            try store.learnKeySchema(KeySchema(table: c.table, attributes: c.keySchema), from: nil)
        }
    }

    /// The context for a file: the nearest one in its folder or a folder above it.
    func context(forFileAt path: String) -> ChangeContext? {
        var directory = Self.directory(of: path)
        while true {
            if let c = contexts[directory] { return c }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory || parent.isEmpty { return nil }
            directory = parent
        }
    }

    /// The table a record belongs to: named by the record, else by a context file, else `--table`.
    func resolveTable(_ c: ChangeRecord, path: String) throws -> TableIdentity? {
        if var t = c.table {
            if t.account.isEmpty, let known = try uniqueTable(named: t.name, region: t.region) { t = known }
            return t
        }
        if let context = context(forFileAt: path) { return context.table }
        if let name = tableOverride {
            if name.hasPrefix("arn:") { return TableIdentity(dynamoDBARN: name) }
            return try uniqueTable(named: name, region: c.awsRegion)
                ?? TableIdentity(account: "", region: c.awsRegion ?? "", name: name)
        }
        return nil
    }

    private func uniqueTable(named name: String, region: String?) throws -> TableIdentity? {
        var rows = try db.rows("SELECT account_id, region, name FROM ddb_tables WHERE name = ?", [.string(name)])
        if rows.count > 1, let region { rows = rows.filter { $0[1].stringValue == region } }
        guard rows.count == 1 else { return nil }
        return TableIdentity(account: rows[0][0].stringValue ?? "", region: rows[0][1].stringValue ?? "", name: name)
    }

    /// The canonical key of a change; for full-export items, picked out of the item by the table's key schema.
    func canonicalKey(_ c: ChangeRecord, text: ChangeText, table: TableIdentity?) -> (key: String, json: String) {
        if let key = text.canonicalKey { return (key, text.keysJSON) }
        var keys = c.keys
        if let table, let names = keyNames[table], let item = c.newImage ?? c.oldImage {
            keys = names.compactMap { name in item.first { $0.0 == name } }
        }
        return (Self.canonical(keys), AttributeValue.plainJSON(item: keys))
    }

    /// Canonical key text of typed key attributes (the same form as CloudTrail item keys).
    static func canonical(_ keys: [(String, AttributeValue)]) -> String {
        let attributes = keys.map { name, value -> ItemKey.Attribute in
            switch value {
            case .s(let s): return ItemKey.Attribute(name: name, type: "S", value: s)
            case .n(let n): return ItemKey.Attribute(name: name, type: "N", value: n)
            case .b(let b): return ItemKey.Attribute(name: name, type: "B", value: Base64.encode(b))
            default: return ItemKey.Attribute(name: name, type: nil, value: value.typedJSON)
            }
        }
        return ItemKey.canonical(attributes)
    }

    /// A change record to store, as the reading thread prepared it (`text` nil: still to render).
    struct Pending {
        let change: ChangeRecord
        let text: ChangeText?
        let raw: [UInt8]
        let element: RawElement
    }

    /// Stores a batch of change records of one file in one statement, each unless it is stored
    /// already; returns what happened to each.
    func write(_ batch: [Pending], fileID: Int64, path: String) throws -> [CaseWriter.Outcome] {
        guard !batch.isEmpty else { return [] }
        var dedupes: [[UInt8]] = []
        dedupes.reserveCapacity(batch.count)
        for pending in batch {
            let c = pending.change
            let text = pending.text ?? ChangeText(c, raw: pending.raw)
            let table = try resolveTable(c, path: path)
            let key = canonicalKey(c, text: text, table: table)
            dedupes.append(text.dedupe)
            feed.append(blob: text.dedupe)
            feed.append(c.eventID)
            feed.append(try table.map(store.tableID))
            feed.append(key.key)
            feed.append(c.changeType)
            feed.append(c.time)
            feed.append(c.timeMicros)
            feed.append(c.precision)
            feed.append(text.paddedSequence)
            feed.append(c.shardID)
            feed.append(c.streamARN)
            feed.append(c.awsRegion)
            feed.append(c.identityType)
            feed.append(c.identityPrincipal)
            feed.append(key.json)
            feed.append(text.oldImage)
            feed.append(text.newImage)
            feed.append(text.diff)
            feed.append(c.sizeBytes)
            feed.append(c.viewType)
            feed.append(c.source)
            CaseWriter.appendProvenance(to: feed, fileID: fileID, element: pending.element)
        }
        let ids = try store.storeDeduplicated(feed, into: "changes", dedupes: dedupes, lastID: &lastChangeID)
        return try zip(batch, zip(ids, dedupes)).map { pending, stored in
            if let id = stored.0 {
                if !CaseWriter.isWholeElement(pending.raw, pending.element) { try store.storeText(pending.raw, of: .change, id: id) }
                return .imported(id)
            }
            return try store.existingCopy(in: "changes", dedupe: stored.1, element: pending.element, fileID: fileID)
        }
    }

    /// After an import: gives changes whose table was unknown the table of a context file read
    /// later in the same import (or `--table`), and reports, per file, those still unknown.
    func resolvePendingTables() throws -> [(fileID: Int64, path: String, count: Int)] {
        var unresolved: [Int64: (String, Int)] = [:]
        for row in try db.rows("SELECT c.id, c.source_file_id, f.path, c.aws_region FROM changes c JOIN source_files f ON f.id = c.source_file_id WHERE c.table_id IS NULL") {
            let path = row[2].stringValue ?? ""
            var probe = ChangeRecord(changeType: "", source: "", precision: "none", keys: [])
            probe.awsRegion = row[3].stringValue
            if let table = try resolveTable(probe, path: path) {
                try db.run("UPDATE changes SET table_id = ? WHERE id = ?", [.integer(try store.tableID(table)), row[0]])
            } else {
                let fileID = row[1].int64Value ?? 0
                unresolved[fileID, default: (path, 0)].1 += 1
            }
        }
        // SNAPSHOT items stored before their manifest was read have no key yet.
        for row in try db.rows("SELECT id, table_id, new_image FROM changes WHERE item_key = '{}' AND table_id IS NOT NULL AND new_image IS NOT NULL") {
            guard let tableRow = try db.rows("SELECT account_id, region, name FROM ddb_tables WHERE id = ?", [row[1]]).first,
                  let text = row[2].stringValue, let image = try? JSONParser.parse(text).object else { continue }
            let table = TableIdentity(account: tableRow[0].stringValue ?? "", region: tableRow[1].stringValue ?? "", name: tableRow[2].stringValue ?? "")
            guard let names = keyNames[table] else { continue }
            let attributes = names.compactMap { name -> ItemKey.Attribute? in
                guard let v = image[name] else { return nil }
                if case .number(let n) = v { return ItemKey.Attribute(name: name, type: "N", value: n) }
                return v.string.map { ItemKey.Attribute(name: name, type: nil, value: $0) }
            }
            try db.run("UPDATE changes SET item_key = ? WHERE id = ?", [.string(ItemKey.canonical(attributes)), row[0]])
        }
        return unresolved.map { (fileID: $0.key, path: $0.value.0, count: $0.value.1) }.sorted { $0.fileID < $1.fileID }
    }
}

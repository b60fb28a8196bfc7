import DDBTrailSQLite

/// What every writer of evidence shares: table and principal ids, the key schemas learned so
/// far (CloudTrail keys and change keys canonicalise the same way), storing rows deduplicated by
/// their dedupe key with their provenance, and recording problems in `import_errors`.
final class CaseWriter {
    let db: Database
    /// The evidence files the case keeps, and record bytes read back from them.
    let files: StoredFiles
    private var principalIDs: [String: Int64] = [:]
    private var tableIDs: [TableIdentity: Int64] = [:]
    /// Known key attribute types per table, for typing CloudTrail's untyped keys.
    private(set) var keyTypes: [TableIdentity: [String: String]] = [:]
    /// Tables whose key types were learned during this run, with the last item access stored
    /// before they were: accesses up to it are re-canonicalised, later ones were typed already.
    private var tablesWithNewKeyTypes: [TableIdentity: Int64] = [:]
    /// Row id of the last item access stored (kept by `EventWriter`).
    var lastAccessID: Int64

    /// What happened to one record: stored under a new row id, a copy of a stored row, a copy
    /// whose content differs from the stored row's (events only; `reason` says how, for the
    /// warning), or a row this file already stored (an interrupted import being completed).
    enum Outcome { case imported(Int64), duplicate(Int64), conflictingCopy(Int64, reason: String), alreadyFromThisFile(Int64) }

    init(db: Database) throws {
        files = StoredFiles(db: db)
        self.db = db
        lastAccessID = try db.scalar("SELECT coalesce(max(id), 0) FROM item_accesses").int64Value ?? 0
        let rows = try db.rows("""
            SELECT t.account_id, t.region, t.name, k.attribute_name, k.attribute_type
            FROM key_schemas k JOIN ddb_tables t ON t.id = k.table_id WHERE k.attribute_type IS NOT NULL
            """)
        for row in rows {
            let t = TableIdentity(account: row[0].stringValue ?? "", region: row[1].stringValue ?? "", name: row[2].stringValue ?? "")
            keyTypes[t, default: [:]][row[3].stringValue ?? ""] = row[4].stringValue
        }
    }

    func tableID(_ t: TableIdentity) throws -> Int64 {
        if let id = tableIDs[t] { return id }
        try db.run("INSERT OR IGNORE INTO ddb_tables(account_id, region, name) VALUES (?, ?, ?)",
                   [.string(t.account), .string(t.region), .string(t.name)])
        let id = try db.scalar("SELECT id FROM ddb_tables WHERE account_id = ? AND region = ? AND name = ?",
                               [.string(t.account), .string(t.region), .string(t.name)]).int64Value!
        tableIDs[t] = id
        return id
    }

    func principalID(_ p: Principal, key: String? = nil) throws -> Int64 {
        let key = key ?? p.identityKey
        if let id = principalIDs[key] { return id }
        try db.run("""
            INSERT OR IGNORE INTO principals(identity_key, type, arn, account_id, principal_id, user_name, role_name,
              session_name, access_key_id, source_identity, identity_center_user, invoked_by, session_issuer_arn, identity_provider)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.string(key), .optional(p.type), .optional(p.arn), .optional(p.accountId), .optional(p.principalId),
                  .optional(p.userName), .optional(p.roleName), .optional(p.sessionName), .optional(p.accessKeyId),
                  .optional(p.sourceIdentity), .optional(p.identityCenterUser), .optional(p.invokedBy),
                  .optional(p.sessionIssuerArn), .optional(p.identityProvider)])
        let id = try db.scalar("SELECT id FROM principals WHERE identity_key = ?", [.string(key)]).int64Value!
        principalIDs[key] = id
        return id
    }

    /// The columns every evidence row ends with, appended to a feed: source file, record index,
    /// offset, length, line, and the raw record.
    static func appendProvenance(to feed: RowFeed, fileID: Int64, element: RawElement) {
        feed.append(fileID)
        feed.append(Int64(element.index))
        feed.append(element.offset)
        feed.append(Int64(element.bytes.count))
        feed.append(element.line.map(Int64.init))
    }

    /// Whether a record's bytes are its element's, which the stored file holds at the element's
    /// place; else (a record unwrapped from its element) its text is stored on its own.
    static func isWholeElement(_ raw: [UInt8], _ element: RawElement) -> Bool {
        ByteScan.same(raw, element.bytes)
    }

    /// Stores the text of a record that is not its whole element (`isWholeElement`).
    func storeText(_ raw: [UInt8], of kind: RecordKind, id: Int64) throws {
        try db.run("INSERT OR REPLACE INTO \(kind.textTable)(\(kind.textKey), raw) VALUES (?, ?)", [.integer(id), .text(raw)])
    }

    /// Runs `feed`, an INSERT OR IGNORE of rows carrying `dedupes` (in order) into `table`, whose
    /// last row id is `lastID`; returns the row id each row was stored under, nil for a row that
    /// was stored already (before, or earlier in the same feed).
    func storeDeduplicated(_ feed: RowFeed, into table: String, dedupes: [[UInt8]], lastID: inout Int64) throws -> [Int64?] {
        let before = lastID
        try feed.run()
        let stored = db.changes
        if stored > 0 { lastID = db.lastInsertRowID }
        if stored == dedupes.count && lastID - before == Int64(stored) {
            // Every row is new, and row ids were given in order.
            return (0..<Int64(stored)).map { before + 1 + $0 }
        }
        // Rows are stored in the feed's order: the stored ones are matched by dedupe key.
        var ids = [Int64?](repeating: nil, count: dedupes.count)
        var position = 0
        for row in try db.rows("SELECT id, dedupe_key FROM \(table) WHERE id > ? ORDER BY id", [.integer(before)]) {
            guard case .blob(let key) = row[1] else { continue }
            while position < dedupes.count && dedupes[position] != key { position += 1 }
            if position < dedupes.count { ids[position] = row[0].int64Value; position += 1 }
        }
        return ids
    }

    /// What an insert that changed nothing met: the stored row with the same dedupe key, either
    /// this very record (an interrupted import of this file being completed) or an earlier copy.
    func existingCopy(in table: String, dedupe: [UInt8], element: RawElement, fileID: Int64) throws -> Outcome {
        let existing = try db.rows("SELECT id, source_file_id, record_index FROM \(table) WHERE dedupe_key = ?", [.blob(dedupe)])[0]
        let id = existing[0].int64Value!
        if existing[1].int64Value == fileID, existing[2].int64Value == Int64(element.index) { return .alreadyFromThisFile(id) }
        return .duplicate(id)
    }

    /// Records a table's key schema (from a CloudTrail record, or a stream/export context when
    /// `from` is nil) and remembers its attribute types for typing CloudTrail keys.
    func learnKeySchema(_ schema: KeySchema, from eventID: Int64?) throws {
        let tableID = try tableID(schema.table)
        for attribute in schema.attributes {
            try db.run("""
                INSERT INTO key_schemas(table_id, attribute_name, key_type, attribute_type, learned_from) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(table_id, attribute_name) DO UPDATE SET attribute_type = coalesce(excluded.attribute_type, attribute_type)
                """, [.integer(tableID), .string(attribute.name), .string(attribute.keyType), .optional(attribute.type), .optional(eventID)])
            if let type = attribute.type, keyTypes[schema.table]?[attribute.name] != type {
                keyTypes[schema.table, default: [:]][attribute.name] = type
                tablesWithNewKeyTypes[schema.table] = lastAccessID
            }
        }
    }

    /// Re-types stored keys of tables whose key schema became known during this run, so keys
    /// logged before the CreateTable/DescribeTable record was read canonicalise the same way.
    func recanonicaliseKeys() throws -> Int {
        var updated = 0
        for (table, learnedAfter) in tablesWithNewKeyTypes {
            let types = keyTypes[table] ?? [:]
            let tableID = try tableID(table)
            let rows = try db.rows("SELECT id, key_raw, item_key FROM item_accesses WHERE table_id = ? AND id <= ? AND key_raw IS NOT NULL",
                                   [.integer(tableID), .integer(learnedAfter)])
            for row in rows {
                guard let raw = row[1].stringValue, let parsed = try? JSONParser.parse(raw), let object = parsed.object else { continue }
                let canonical = ItemKey.canonical(ItemKey.attributes(from: object, types: types))
                if canonical != row[2].stringValue {
                    try db.run("UPDATE item_accesses SET item_key = ? WHERE id = ?", [.string(canonical), row[0]])
                    updated += 1
                }
            }
        }
        tablesWithNewKeyTypes.removeAll()
        return updated
    }

    func recordProblem(fileID: Int64, severity: Severity, element: RawElement?, eventID: Int64? = nil, reason: String,
                       excerpt: [UInt8]?, changeID: Int64? = nil) throws {
        try db.run("""
            INSERT INTO import_errors(source_file_id, severity, record_index, record_offset, record_line, event_id, reason, excerpt, change_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(fileID), .string(severity.rawValue), .optional(element.map { Int64($0.index) }), .optional(element?.offset),
                  .optional(element?.line.map(Int64.init)), .optional(eventID), .string(reason),
                  excerpt.map { .blob(Array($0.prefix(512))) } ?? .null, .optional(changeID)])
    }
}

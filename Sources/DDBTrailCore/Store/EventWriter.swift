import DDBTrailSQLite

/// Writes normalised evidence into the case database with cached statements and in-memory
/// lookups for principals and tables. Callers group writes into transactions.
final class EventWriter {
    let db: Database
    private var principalIDs: [String: Int64] = [:]
    private var tableIDs: [TableIdentity: Int64] = [:]
    /// Known key attribute types per table, for typing CloudTrail's untyped keys.
    private(set) var keyTypes: [TableIdentity: [String: String]] = [:]
    /// Tables whose key types were learned during this run, with the last item access stored
    /// before they were: accesses up to it are re-canonicalised, later ones were typed already.
    private var tablesWithNewKeyTypes: [TableIdentity: Int64] = [:]
    /// Row id of the last item access stored.
    private var lastAccessID: Int64

    /// Data-event span per table id, gathered during an import and merged by `flushCoverage()`.
    private var coverage: [Int64: (first: String, last: String)] = [:]

    func flushCoverage() throws {
        for (table, span) in coverage {
            try db.run("""
                INSERT INTO data_event_coverage(table_id, first_data_event, last_data_event) VALUES (?, ?, ?)
                ON CONFLICT(table_id) DO UPDATE SET
                  first_data_event = min(coalesce(first_data_event, excluded.first_data_event), excluded.first_data_event),
                  last_data_event = max(coalesce(last_data_event, excluded.last_data_event), excluded.last_data_event)
                """, [.integer(table), .string(span.first), .string(span.last)])
        }
        coverage.removeAll()
    }

    enum Outcome { case imported(Int64), duplicate(Int64), alreadyFromThisFile(Int64) }

    init(db: Database) throws {
        self.db = db
        eventFeed = try RowFeed(database: db, storingInto: "events", columns: Self.eventColumns, onConflict: .ignore)
        accessFeed = try RowFeed(database: db, storingInto: "item_accesses", columns: Self.accessColumns, onConflict: .fail)
        lastAccessID = try db.scalar("SELECT coalesce(max(id), 0) FROM item_accesses").int64Value ?? 0
        lastEventID = try db.scalar("SELECT coalesce(max(id), 0) FROM events").int64Value ?? 0
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

    static let eventColumns = """
        dedupe_key, event_id, event_time, event_version, event_source, event_name, event_type, event_category, \
        read_only, management_event, aws_region, recipient_account_id, request_id, shared_event_id, source_ip, \
        user_agent, error_code, error_message, vpc_endpoint_id, principal_id, \
        source_file_id, record_index, record_offset, record_length, record_line, raw
        """
    static let accessColumns = "event_id, table_id, operation, item_position, item_key, key_raw, attribute_names, index_name"

    private let eventFeed: RowFeed
    private let accessFeed: RowFeed
    /// Row id of the last event stored.
    private var lastEventID: Int64

    /// The columns every evidence row ends with, appended to a feed: source file, record index,
    /// offset, length, line, and the raw record.
    static func appendProvenance(to feed: RowFeed, fileID: Int64, element: RawElement, raw: [UInt8]) {
        feed.append(fileID)
        feed.append(Int64(element.index))
        feed.append(element.offset)
        feed.append(Int64(element.bytes.count))
        feed.append(element.line.map(Int64.init))
        feed.append(text: raw)
    }

    /// An event to store, as the reading thread prepared it; `invalidUTF8` is nil when that
    /// check is still to be done.
    struct Pending {
        let event: NormalisedEvent
        let raw: [UInt8]
        let element: RawElement
        let invalidUTF8: Bool?
    }

    /// Stores a batch of events of one file in one statement (each unless it is already stored),
    /// then their item accesses, table references and key schemas, in the batch's order; returns
    /// what happened to each event.
    func write(_ batch: [Pending], fileID: Int64) throws -> [Outcome] {
        guard !batch.isEmpty else { return [] }
        var dedupes: [[UInt8]] = []
        dedupes.reserveCapacity(batch.count)
        for pending in batch {
            let e = pending.event
            let dedupe = e.dedupe ?? e.dedupeHash(raw: pending.raw)
            dedupes.append(dedupe)
            let feed = eventFeed
            feed.append(blob: dedupe)
            feed.append(e.eventID)
            feed.append(e.eventTime)
            feed.append(e.eventVersion)
            feed.append(e.eventSource)
            feed.append(e.eventName)
            feed.append(e.eventType)
            feed.append(e.eventCategory)
            feed.append(e.readOnly.map { $0 ? 1 : 0 })
            feed.append(e.managementEvent.map { $0 ? 1 : 0 })
            feed.append(e.awsRegion)
            feed.append(e.recipientAccountId)
            feed.append(e.requestID)
            feed.append(e.sharedEventID)
            feed.append(e.sourceIPAddress)
            feed.append(e.userAgent)
            feed.append(e.errorCode)
            feed.append(e.errorMessage)
            feed.append(e.vpcEndpointId)
            feed.append(try e.principal.map { try principalID($0, key: e.principalKey) })
            Self.appendProvenance(to: feed, fileID: fileID, element: pending.element, raw: pending.raw)
        }
        let ids = try storeDeduplicated(eventFeed, into: "events", dedupes: dedupes, lastID: &lastEventID)
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() {
            guard let eventID = ids[index] else {
                let element = pending.element
                let outcome = try existingCopy(in: "events", dedupe: dedupes[index], element: element, fileID: fileID)
                if case .duplicate(let id) = outcome {
                    try db.run("INSERT OR IGNORE INTO event_copies(event_id, source_file_id, record_index, record_offset, record_length) VALUES (?, ?, ?, ?, ?)",
                               [.integer(id), .integer(fileID), .integer(Int64(element.index)), .integer(element.offset), .integer(Int64(element.bytes.count))])
                }
                outcomes.append(outcome)
                continue
            }
            outcomes.append(.imported(eventID))
            let e = pending.event
            for access in e.itemAccesses {
                let table = try tableID(access.table)
                if let time = e.eventTime {
                    let span = coverage[table] ?? (time, time)
                    coverage[table] = (min(span.first, time), max(span.last, time))
                }
                let feed = accessFeed
                feed.append(eventID)
                feed.append(table)
                feed.append(access.operation)
                feed.append(access.position.map(Int64.init))
                feed.append(canonicalKey(access))
                feed.append(access.keyRaw)
                feed.append(access.attributeNames)
                feed.append(access.indexName)
            }
            // Data events name their tables in item_accesses already; other calls get table_references.
            for reference in e.itemAccesses.isEmpty ? e.tableReferences : [] {
                try db.run("INSERT OR IGNORE INTO table_references(event_id, table_id, role) VALUES (?, ?, ?)",
                           [.integer(eventID), .integer(try tableID(reference.table)), .string(reference.role)])
            }
            if !e.keySchemas.isEmpty {
                // Learning key types needs the id of the last access stored before it.
                try storeAccesses()
                for schema in e.keySchemas { try learnKeySchema(schema, from: eventID) }
            }
        }
        try storeAccesses()
        return outcomes
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

    private func storeAccesses() throws {
        guard accessFeed.rowCount > 0 else { return }
        try accessFeed.run()
        lastAccessID = db.lastInsertRowID
    }

    /// The access's key canonicalised with the table's key types where the case knows them.
    private func canonicalKey(_ access: ItemAccess) -> String? {
        guard let key = access.key else { return nil }
        // Only N and B canonicalise differently from S (and from untyped text).
        func form(_ type: String?) -> String { type == "N" || type == "B" ? type! : "S" }
        if let types = keyTypes[access.table], key.contains(where: { a in types[a.name].map { form($0) != form(a.type) } ?? false }) {
            return ItemKey.canonical(ItemKey.retyped(key, with: types))
        }
        return access.canonicalKey ?? ItemKey.canonical(key)
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

    func recordProblem(fileID: Int64, severity: String, element: RawElement?, eventID: Int64? = nil, reason: String,
                       excerpt: [UInt8]?, changeID: Int64? = nil) throws {
        try db.run("""
            INSERT INTO import_errors(source_file_id, severity, record_index, record_offset, record_line, event_id, reason, excerpt, change_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(fileID), .string(severity), .optional(element.map { Int64($0.index) }), .optional(element?.offset),
                  .optional(element?.line.map(Int64.init)), .optional(eventID), .string(reason),
                  excerpt.map { .blob(Array($0.prefix(512))) } ?? .null, .optional(changeID)])
    }

    func writeDigest(_ d: JSONObject, fileID: Int64) throws {
        let files = d["logFiles"]?.array ?? []
        let s: (String) -> SQLValue = { .optional(d[$0]?.scalarText) }
        try db.run("""
            INSERT OR REPLACE INTO digest_files(source_file_id, aws_account_id, digest_start_time, digest_end_time, digest_s3_bucket,
              digest_s3_object, public_key_fingerprint, signature_algorithm, newest_event_time, oldest_event_time,
              previous_digest_s3_bucket, previous_digest_s3_object, previous_digest_hash_value, previous_digest_hash_algorithm,
              previous_digest_signature, log_file_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(fileID), s("awsAccountId"), s("digestStartTime"), s("digestEndTime"), s("digestS3Bucket"),
                  s("digestS3Object"), .optional((d["digestPublicKeyFingerprint"] ?? d["publicKeyFingerprint"])?.scalarText),
                  s("digestSignatureAlgorithm"), s("newestEventTime"), s("oldestEventTime"), s("previousDigestS3Bucket"),
                  s("previousDigestS3Object"), s("previousDigestHashValue"), s("previousDigestHashAlgorithm"),
                  s("previousDigestSignature"), .integer(Int64(files.count))])
        let digestID = db.lastInsertRowID
        for (position, file) in files.enumerated() {
            let f: (String) -> SQLValue = { .optional(file[$0]?.scalarText) }
            try db.run("""
                INSERT OR REPLACE INTO digest_log_files(digest_id, position, s3_bucket, s3_object, hash_value, hash_algorithm,
                  newest_event_time, oldest_event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(digestID), .integer(Int64(position)), f("s3Bucket"), f("s3Object"), f("hashValue"),
                      f("hashAlgorithm"), f("newestEventTime"), f("oldestEventTime")])
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
}

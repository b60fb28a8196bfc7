import DDBTrailSQLite

/// Writes normalised CloudTrail events, their item accesses, table references and key schemas
/// into the case database, a batch at a time. Callers group writes into transactions.
final class EventWriter {
    var db: Database { store.db }
    let store: CaseWriter

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

    init(store: CaseWriter) throws {
        let db = store.db
        self.store = store
        eventFeed = try RowFeed(database: db, storingInto: "events", columns: Self.eventColumns, onConflict: .ignore)
        accessFeed = try RowFeed(database: db, storingInto: "item_accesses", columns: Self.accessColumns, onConflict: .fail)
        lastEventID = try db.scalar("SELECT coalesce(max(id), 0) FROM events").int64Value ?? 0
    }


    static let eventColumns = """
        dedupe_key, event_id, event_time, event_version, event_source, event_name, event_type, event_category, \
        read_only, management_event, aws_region, recipient_account_id, request_id, shared_event_id, source_ip, \
        user_agent, error_code, error_message, vpc_endpoint_id, principal_id, \
        source_file_id, record_index, record_offset, record_length, record_line, record_digest
        """
    static let accessColumns = "event_id, table_id, operation, item_position, item_key, key_raw, attribute_names, index_name"

    private let eventFeed: RowFeed
    private let accessFeed: RowFeed
    /// Row id of the last event stored.
    private var lastEventID: Int64

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
    func write(_ batch: [Pending], fileID: Int64) throws -> [CaseWriter.Outcome] {
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
            feed.append(try e.principal.map { try store.principalID($0, key: e.principalKey) })
            CaseWriter.appendProvenance(to: feed, fileID: fileID, element: pending.element)
            feed.append(blob: e.digest ?? NormalisedEvent.recordDigest(raw: pending.raw))
        }
        let ids = try store.storeDeduplicated(eventFeed, into: "events", dedupes: dedupes, lastID: &lastEventID)
        var outcomes: [CaseWriter.Outcome] = []
        outcomes.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() {
            guard let eventID = ids[index] else {
                outcomes.append(try storeCopy(pending, dedupe: dedupes[index], fileID: fileID))
                continue
            }
            outcomes.append(.imported(eventID))
            let e = pending.event
            if TextPolicy.keepsText(e) || !CaseWriter.isWholeElement(pending.raw, pending.element) {
                try store.storeText(pending.raw, of: .event, id: eventID)
            }
            for access in e.itemAccesses {
                let table = try store.tableID(access.table)
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
                           [.integer(eventID), .integer(try store.tableID(reference.table)), .string(reference.role)])
            }
            if !e.keySchemas.isEmpty {
                // Learning key types needs the id of the last access stored before it.
                try storeAccesses()
                for schema in e.keySchemas { try store.learnKeySchema(schema, from: eventID) }
            }
        }
        try storeAccesses()
        return outcomes
    }

    private func storeAccesses() throws {
        guard accessFeed.rowCount > 0 else { return }
        try accessFeed.run()
        store.lastAccessID = db.lastInsertRowID
    }

    /// The access's key canonicalised with the table's key types where the case knows them.
    private func canonicalKey(_ access: ItemAccess) -> String? {
        guard let key = access.key else { return nil }
        // Only N and B canonicalise differently from S (and from untyped text).
        func form(_ type: String?) -> String { type == "N" || type == "B" ? type! : "S" }
        if let types = store.keyTypes[access.table], key.contains(where: { a in types[a.name].map { form($0) != form(a.type) } ?? false }) {
            return ItemKey.canonical(ItemKey.retyped(key, with: types))
        }
        return access.canonicalKey ?? ItemKey.canonical(key)
    }



}

import DDBTrailSQLite

/// Links each change to the CloudTrail call that caused it, or says why none can be named.
///
/// The evidence shares no identifier, so a call qualifies for a change when all of these hold:
/// same table (account, region, name) and canonical key; the call succeeded; its operation can
/// produce that change (Put/Update → INSERT or MODIFY, Delete → REMOVE, batch and transaction
/// members per item); its time fits the change's within the precision of both clocks; and the
/// attribute names it declared fit the diff. Each call causes at most one change per item.
/// Changes are taken in stream order and calls in time order, so when several qualify the
/// earliest unused one that fits best is chosen; the result is "ambiguous" (naming every call
/// weighed in attribution_candidates) when the best candidates cannot be told apart: same fit,
/// same second. Calls whose records log no key are matched afterwards, by shape (ShapeAttribution).
///
/// Recomputed for the items an import touches (the whole case when that is cheaper), so the
/// order in which streams and CloudTrail were imported cannot change the answer.
enum Attribution {

    /// The operations `operationKind` knows, as an SQL list: the item accesses that can cause a change.
    static let writeOperations = "('PutItem','UpdateItem','DeleteItem','Put','Update','Delete','INSERT','UPDATE','DELETE')"

    /// Recomputes the attributions an import can have changed: those of items with changes or
    /// write calls imported after the given row ids, and those that lacked data events in a table
    /// that gained some. The result is the same as recomputing everything (which is done when
    /// that is cheaper). Returns the number of changes in scope attributed to a call.
    @discardableResult
    static func recompute(_ db: Database, changesAfter: Int64, accessesAfter: Int64) throws -> Int {
        // A case without change records has nothing to attribute (CloudTrail-only imports).
        if try db.rows("SELECT 1 FROM changes LIMIT 1").isEmpty { return 0 }
        // An import that brought a fifth of the case or more is followed by a recompute of
        // everything, without first gathering the items it touched.
        let total = try db.scalar("SELECT coalesce(max(id), 0) FROM changes").int64Value ?? 0
        let newRows = try db.scalar("""
            SELECT (SELECT count(*) FROM changes WHERE id > ?1)
                 + (SELECT count(*) FROM item_accesses WHERE id > ?2 AND item_key IS NOT NULL
                      AND operation IN \(writeOperations))
            """, [.integer(changesAfter), .integer(accessesAfter)]).int64Value ?? 0
        if newRows * 5 >= total { return try recompute(db) }
        try db.execute("DROP TABLE IF EXISTS temp.attribution_scope")
        try db.execute("CREATE TEMP TABLE attribution_scope(item_key TEXT PRIMARY KEY) WITHOUT ROWID")
        try db.run("INSERT OR IGNORE INTO temp.attribution_scope SELECT item_key FROM changes WHERE id > ?", [.integer(changesAfter)])
        // Results that weighed calls across items (by shape, or ambiguous) can change with any
        // import: they are always recomputed, and the shape pass runs again after the keyed one.
        try db.execute("""
            INSERT OR IGNORE INTO temp.attribution_scope
            SELECT c.item_key FROM change_attributions a JOIN changes c ON c.id = a.change_id
            WHERE a.method IN ('matched-by-shape', 'ambiguous')
               OR (a.method = 'no-candidate' AND c.table_id IN (\(keylessWriteTables)))
            """)
        try db.run("""
            INSERT OR IGNORE INTO temp.attribution_scope
            SELECT item_key FROM item_accesses WHERE id > ? AND item_key IS NOT NULL
              AND operation IN \(writeOperations)
            """, [.integer(accessesAfter)])
        // Changes that lacked a table, or data events in a table that now has new ones.
        let tablesWithNewCalls = try db.rows("SELECT DISTINCT table_id FROM item_accesses WHERE id > ?", [.integer(accessesAfter)])
            .compactMap { $0[0].int64Value }
        let newChanges = try db.scalar("SELECT count(*) FROM changes WHERE id > ?", [.integer(changesAfter)]).int64Value ?? 0
        if !tablesWithNewCalls.isEmpty || newChanges > 0 {
            try db.execute("""
                INSERT OR IGNORE INTO temp.attribution_scope
                SELECT c.item_key FROM change_attributions a JOIN changes c ON c.id = a.change_id
                WHERE a.method = 'table-unknown'
                UNION
                SELECT c.item_key FROM change_attributions a JOIN changes c ON c.id = a.change_id
                WHERE a.method = 'no-data-events' AND c.table_id IN (\(tablesWithNewCalls.map(String.init).joined(separator: ",")))
                """)
        }
        let inScope = try db.scalar("SELECT count(*) FROM temp.attribution_scope").int64Value ?? 0
        defer { try? db.execute("DROP TABLE IF EXISTS temp.attribution_scope") }
        if inScope == 0 { return try attributeByShape(db) }
        return try recompute(db, scoped: inScope * 5 < total)
    }

    /// Recomputes every attribution (or, when `scoped`, those of the items in temp.attribution_scope).
    @discardableResult
    static func recompute(_ db: Database, scoped: Bool = false) throws -> Int {
        let scope = scoped ? "WHERE item_key IN (SELECT item_key FROM temp.attribution_scope)" : ""
        for table in ["change_attributions", "attribution_candidates"] {
            try db.execute(scoped
                ? "DELETE FROM \(table) WHERE change_id IN (SELECT id FROM changes \(scope))"
                : "DELETE FROM \(table)")
        }
        // Time span of data events per table: outside it, no call can be expected in the evidence.
        var coverage: [Int64: (Int64, Int64)] = [:]
        for row in try db.rows("SELECT table_id, first_data_event, last_data_event FROM data_event_coverage") {
            if let t = row[0].int64Value, let lo = row[1].stringValue.flatMap(Timestamp.epochSeconds),
               let hi = row[2].stringValue.flatMap(Timestamp.epochSeconds) {
                coverage[t] = (lo, hi)
            }
        }
        // The import's reading thread has finished by now, so SQLite may sort on a second thread
        // (PRAGMA threads). Each sort, and each sorting thread, may hold as much memory as the page
        // cache allows: a 16 MiB cache while they run keeps the import's memory bounded (measured
        // on 1M changes: 10.4 s and 226 MiB peak, against 13.5 s and 237 MiB on one thread at 32 MiB).
        let cacheSize = try db.scalar("PRAGMA cache_size").int64Value ?? -2000
        if !scoped { try db.execute("PRAGMA cache_size = -16384"); try db.execute("PRAGMA threads = 1") }
        defer { if !scoped { try? db.execute("PRAGMA cache_size = \(cacheSize)"); try? db.execute("PRAGMA threads = 0") } }
        // Both sides in (key, table, row id) order. For the whole case, the tables are read in
        // row order and sorted (SQLite's external sort), and events are met in row order too:
        // walking the key indexes instead read one scattered page per row, ten times slower.
        let changes = try db.prepare("""
            SELECT c.id, c.table_id, c.item_key, c.change_type, c.change_time_us, c.time_precision,
                   c.user_identity_principal, c.diff, c.new_image, c.sequence_number
            FROM changes c \(scoped ? "WHERE c.item_key IN (SELECT item_key FROM temp.attribution_scope)" : "NOT INDEXED")
            ORDER BY c.item_key, c.table_id, c.id
            """)
        let writes = try db.prepare("""
            SELECT a.id, a.event_id, a.table_id, a.item_key, a.operation, e.event_time, e.principal_id, a.attribute_names
            FROM item_accesses a \(scoped ? "" : "NOT INDEXED") CROSS JOIN events e ON e.id = a.event_id
            WHERE a.item_key IS NOT NULL AND e.error_code IS NULL
              \(scoped ? "AND a.item_key IN (SELECT item_key FROM temp.attribution_scope)" : "")
              AND a.operation IN \(writeOperations)
            ORDER BY a.item_key, a.table_id, a.id
            """)
        let feed = try RowFeed(database: db, storingInto: "change_attributions",
                               columns: "change_id, event_id, item_access_id, method, confidence, candidates, reason",
                               onConflict: .fail)
        let tiebreak = try db.prepare("""
            SELECT e.event_id, coalesce(a.item_position, 0) FROM item_accesses a JOIN events e ON e.id = a.event_id WHERE a.id = ?
            """)
        let candidateFeed = try RowFeed(database: db, storingInto: "attribution_candidates",
                                        columns: "change_id, item_access_id, event_id", onConflict: .ignore)
        var attributed = 0

        // Changes come in key order, so their ids are scattered: results are inserted a chunk
        // at a time in change id order, which keeps the inserts near each other in the table.
        let resultsPerWrite = 100_000
        var results: [(Int64, Result)] = []
        func writeResults() throws {
            results.sort { $0.0 < $1.0 }
            for (changeID, result) in results {
                feed.append(changeID)
                feed.append(result.eventID)
                feed.append(result.accessID)
                feed.append(result.method)
                feed.append(real: result.confidence)
                feed.append(Int64(result.candidates))
                feed.append(result.reason)
                if result.eventID != nil { attributed += 1 }
                if feed.rowCount == 4096 { try feed.run() }
                for candidate in result.considered ?? [] {
                    candidateFeed.append(changeID)
                    candidateFeed.append(candidate.access)
                    candidateFeed.append(candidate.event)
                }
                if candidateFeed.rowCount >= 4096 { try candidateFeed.run() }
            }
            try feed.run()
            try candidateFeed.run()
            results.removeAll(keepingCapacity: true)
        }
        func collect(_ assigned: [(Int64, Result)]) throws {
            results += assigned
            if results.count >= resultsPerWrite { try writeResults() }
        }

        // This thread reads both sides and stores the results (SQLite wants one thread per
        // connection); a second thread reads the names in diffs, images and declared attributes
        // and assigns each item's changes, in batches of items. The reading thread of the import
        // is done by now, so that core is free.
        let items = BoundedQueue<[Item]>(capacity: 8)
        let assigned = BoundedQueue<[(Int64, Result)]>(capacity: .max)
        let assigner = ProducerThread { [coverage] in
            while let batch = items.take() {
                assigned.put(batch.flatMap { assign($0, coverage: coverage) })
            }
            assigned.close()
        }
        assigner.start()
        var finished = false
        defer {
            // On an error: stop the assigner before the statements go.
            if !finished { items.close(); assigner.finish() }
        }

        var pendingWrite = try nextWrite(writes)
        var batch: [Item] = []
        var item: Item? = nil
        func flush() throws {
            guard var current = item else { return }
            if let table = current.table {
                // Both queries are in SQLite's byte order of (item_key, table_id): merge them.
                while let w = pendingWrite, precedes((w.key, w.table), (current.key, table)) { pendingWrite = try nextWrite(writes) }
                while let w = pendingWrite, w.key == current.key, w.table == table {
                    current.writes.append((w.write, w.names))
                    pendingWrite = try nextWrite(writes)
                }
                // Calls of the same second are ordered by what they are: read only when needed,
                // since a wider sort of every write costs more than these rare lookups.
                var seconds = Set<Int64>(), shared = Set<Int64>()
                if current.writes.count > 1 {
                    for w in current.writes where !seconds.insert(w.write.time ?? .max).inserted { shared.insert(w.write.time ?? .max) }
                }
                if !shared.isEmpty {
                    for i in current.writes.indices where shared.contains(current.writes[i].write.time ?? .max) {
                        try tiebreak.bind([.integer(current.writes[i].write.accessID)])
                        if try tiebreak.step() {
                            current.writes[i].write.tiebreak = tiebreak.withBytes(at: 0, prefixKey)
                            current.writes[i].write.position = tiebreak.int64(at: 1)
                        }
                        tiebreak.reset()
                    }
                }
            }
            batch.append(current)
            item = nil
            if batch.count >= 256 {
                items.put(batch)
                batch = []
                try collect(assigned.takeAvailable().flatMap { $0 })
            }
        }
        while try changes.step() {
            let key = changes.string(at: 2) ?? ""
            let table = changes.isNull(at: 1) ? nil : changes.int64(at: 1)
            if item?.key != key || item?.table != table {
                try flush()
                item = Item(key: key, table: table)
            }
            let change = Change(id: changes.int64(at: 0), sequence: changes.string(at: 9), type: changes.string(at: 3) ?? "",
                                timeMicros: changes.isNull(at: 4) ? nil : changes.int64(at: 4),
                                precision: changes.string(at: 5) ?? "none",
                                ttl: changes.string(at: 6) == "dynamodb.amazonaws.com", diffNames: nil, newNames: nil)
            item!.changes.append((change, changes.isNull(at: 7) ? nil : changes.withBytes(at: 7) { Array($0) },
                                  changes.isNull(at: 8) ? nil : changes.withBytes(at: 8) { Array($0) }))
        }
        try flush()
        if !batch.isEmpty { items.put(batch) }
        items.close()
        while let more = assigned.take() { try collect(more) }
        assigner.finish()
        finished = true
        try writeResults()
        return attributed + (try attributeByShape(db))
    }

    static func precedes(_ a: (String, Int64), _ b: (String, Int64)) -> Bool {
        if a.0 == b.0 { return a.1 < b.1 }
        return a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
    }

    /// The next successful write in (key, table) order, with its declared attribute names as stored.
    private static func nextWrite(_ s: Statement) throws -> (key: String, table: Int64, write: Write, names: [UInt8]?)? {
        guard try s.step() else { return nil }
        let write = Write(accessID: s.int64(at: 0), eventID: s.int64(at: 1), operation: s.string(at: 4) ?? "",
                          time: s.string(at: 5).flatMap(Timestamp.epochSeconds),
                          principal: s.isNull(at: 6) ? nil : s.int64(at: 6), declared: .unknown)
        return (s.string(at: 3) ?? "", s.int64(at: 2), write, s.isNull(at: 7) ? nil : s.withBytes(at: 7) { Array($0) })
    }

}

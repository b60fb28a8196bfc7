import DDBTrailSQLite

/// Links each change to the CloudTrail call that caused it, or says why none can be named.
///
/// The evidence shares no identifier, so a call qualifies for a change when all of these hold:
/// same table (account, region, name) and canonical key; the call succeeded; its operation can
/// produce that change (Put/Update → INSERT or MODIFY, Delete → REMOVE, batch and transaction
/// members per item); its time fits the change's within the precision of both clocks; and the
/// attribute names it declared fit the diff. Each call causes at most one change per item.
/// Changes are taken in stream order and calls in time order, so when several qualify the
/// earliest unused one that fits best is chosen; the result is "ambiguous" only when the best
/// candidates cannot be told apart and were made by different principals.
///
/// Recomputed for the whole case after every import, so the order in which streams and
/// CloudTrail were imported cannot change the answer.
enum Attribution {
    /// Seconds a change may precede (stream clock rounds down; the write completes after it
    /// happens) or follow (clock differences) the CloudTrail eventTime.
    static let windowBefore: Int64 = 3
    static let windowAfter: Int64 = 2

    struct Change {
        var id: Int64
        var sequence: String?
        var type: String
        var timeMicros: Int64?
        var precision: String
        var ttl: Bool
        /// Top-level attributes the diff touches, and the new image's attributes (a name may
        /// repeat: these are checked against the declared sets, never built into sets of their own).
        var diffNames: [String]?
        var newNames: [String]?
    }

    struct Write {
        var accessID: Int64
        var eventID: Int64
        var operation: String
        var time: Int64?       // epoch seconds
        var principal: Int64?
        var declared: Declared
        var used = false
    }

    /// What a request said about the attributes it writes.
    enum Declared {
        case unknown
        /// PutItem's `item` list: the new image has exactly these attributes.
        case wholeItem(Set<String>)
        /// An update expression: the diff touches only these top-level attributes.
        case touches(Set<String>)
    }

    struct Result {
        var eventID: Int64?
        var accessID: Int64?
        var method: String
        var confidence: Double
        var candidates: Int
        var reason: String
    }

    /// The operations `operationKind` knows, as an SQL list: the item accesses that can cause a change.
    static let writeOperations = "('PutItem','UpdateItem','DeleteItem','Put','Update','Delete','INSERT','UPDATE','DELETE')"

    static func operationKind(_ operation: String) -> String? {
        switch operation {
        case "PutItem", "Put", "INSERT": return "put"
        case "UpdateItem", "Update", "UPDATE": return "update"
        case "DeleteItem", "Delete", "DELETE": return "delete"
        default: return nil
        }
    }

    static func compatible(_ kind: String, _ changeType: String) -> Bool {
        switch kind {
        case "put", "update": return changeType == "INSERT" || changeType == "MODIFY"
        case "delete": return changeType == "REMOVE"
        default: return false
        }
    }

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
        if inScope == 0 { return 0 }
        return try recompute(db, scoped: inScope * 5 < total)
    }

    /// Recomputes every attribution (or, when `scoped`, those of the items in temp.attribution_scope).
    @discardableResult
    static func recompute(_ db: Database, scoped: Bool = false) throws -> Int {
        let scope = scoped ? "WHERE item_key IN (SELECT item_key FROM temp.attribution_scope)" : ""
        try db.execute(scoped
            ? "DELETE FROM change_attributions WHERE change_id IN (SELECT id FROM changes \(scope))"
            : "DELETE FROM change_attributions")
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
            }
            try feed.run()
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
        return attributed
    }

    /// One item's changes and the successful writes to it, as read from the database: the
    /// attribute names in diffs, new images and declared attributes are read by `assign(_:coverage:)`.
    struct Item {
        var key: String
        var table: Int64?
        var changes: [(change: Change, diff: [UInt8]?, newImage: [UInt8]?)] = []
        var writes: [(write: Write, names: [UInt8]?)] = []
    }

    /// Reads the names an item's rows carry and assigns its changes (in stream order) to its writes.
    static func assign(_ item: Item, coverage: [Int64: (Int64, Int64)]) -> [(Int64, Result)] {
        // Only the attribute names matter here: they are read without building the values.
        var group = item.changes.map { entry in
            var c = entry.change
            c.diffNames = entry.diff.map { $0.withUnsafeBufferPointer { memberNames($0, depth: 2).map(topLevelName) } }
            c.newNames = entry.newImage.map { $0.withUnsafeBufferPointer { memberNames($0, depth: 1) } }
            return c
        }
        var candidates = item.writes.map { entry in
            var w = entry.write
            w.declared = declared(entry.names.flatMap { try? JSONParser.parse($0) })
            return w
        }
        // The queries come in index order (key, table); order each item's rows here, where
        // groups are small, instead of sorting the whole case in SQLite.
        group.sort { a, b in
            let ta = a.timeMicros ?? .max, tb = b.timeMicros ?? .max
            if ta != tb { return ta < tb }
            if a.sequence != b.sequence { return (a.sequence ?? "") < (b.sequence ?? "") }
            return a.id < b.id
        }
        candidates.sort { ($0.time ?? .max, $0.accessID) < ($1.time ?? .max, $1.accessID) }
        return assign(group, writes: &candidates, table: item.table, coverage: item.table.flatMap { coverage[$0] })
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

    /// The attribute a diff path starts with (`a.b[2]` → `a`; quoted names unquoted).
    static func topLevelName(_ path: String) -> String {
        let utf8 = path.utf8
        if utf8.first == 0x22, let value = try? JSONParser.parse(Array(utf8).prefixJSONString()), let s = value.string {
            return s
        }
        // `.` and `[` are single bytes, so the cut falls on a character boundary.
        guard let end = utf8.firstIndex(where: { $0 == 0x2E || $0 == 0x5B }) else { return path }
        return String(path[..<end])
    }

    /// Reads `item_accesses.attribute_names`: a JSON array (PutItem `item`), or an object with the
    /// update expression and the names it maps (UpdateItem).
    static func declared(_ json: JSON?) -> Declared {
        switch json {
        case .array(let names)?:
            let set = Set(names.compactMap(\.string))
            return set.isEmpty ? .unknown : .wholeItem(set)
        case .object(let o)?:
            guard let expression = o["updateExpression"]?.string else { return .unknown }
            var names = Set((o["names"]?.array ?? []).compactMap(\.string))
            // Bare attribute names written in the expression itself: words that are not
            // placeholders (#n, :v), keywords, numbers or nested member names (after a dot).
            let keywords: Set<String> = ["SET", "REMOVE", "ADD", "DELETE", "if_not_exists", "list_append", "AND"]
            // A word: letters, digits, `_` and any non-ASCII byte; `#` or `:` only first.
            func isWordByte(_ c: UInt8) -> Bool {
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c >= 0x80
            }
            let bytes = Array(expression.utf8)
            var start = 0
            while start < bytes.count {
                let first = bytes[start]
                guard isWordByte(first) || first == 0x23 || first == 0x3A else { start += 1; continue }
                var end = start + 1
                while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
                let afterDot = start > 0 && bytes[start - 1] == 0x2E
                if first != 0x23, first != 0x3A, !(first >= 0x30 && first <= 0x39), !afterDot {
                    let word = String(decoding: bytes[start..<end], as: UTF8.self)
                    if !keywords.contains(word) { names.insert(word) }
                }
                start = end
            }
            return names.isEmpty ? .unknown : .touches(names)
        default:
            return .unknown
        }
    }

    /// Names of the object members `depth` levels into a JSON text (1: the members of the
    /// top-level object; 2: the members of the objects that are its values), in order, with
    /// escapes decoded. Values are skipped, not built; malformed text gives what was found.
    static func memberNames(_ b: UnsafeBufferPointer<UInt8>, depth target: Int) -> [String] {
        var names: [String] = []
        var depth = 0
        var objects: UInt64 = 0      // bit d set: the container at depth d (≤ 63) is an object
        var expectingName = false
        var i = 0
        while i < b.count {
            switch b[i] {
            case 0x22: // a string: find its end, skipping escaped characters
                var j = i + 1
                var escaped = false
                while true {
                    j = ByteScan.quoteOrBackslash(b, from: j)
                    guard j < b.count, b[j] == 0x5C else { break }
                    escaped = true
                    j += 2
                }
                if expectingName && depth == target {
                    let literal = UnsafeBufferPointer(rebasing: b[i..<min(j + 1, b.count)])
                    names.append(escaped ? ((try? JSONParser.parse(Array(literal)))?.string ?? "")
                                         : String(decoding: literal.dropFirst().dropLast(), as: UTF8.self))
                }
                expectingName = false
                i = j + 1
                continue
            case 0x7B: // {
                depth += 1
                if depth > 0 && depth < 64 { objects |= 1 << UInt64(depth) }
                expectingName = true
            case 0x5B: // [
                depth += 1
                if depth > 0 && depth < 64 { objects &= ~(1 << UInt64(depth)) }
                expectingName = false
            case 0x7D, 0x5D: // } ]
                depth -= 1
                expectingName = false
            case 0x2C: // ,
                expectingName = depth > 0 && depth < 64 && objects & (1 << UInt64(depth)) != 0
            default:
                break
            }
            i += 1
        }
        return names
    }

    /// How well a write's declared attributes fit a change: 2 fits, 1 unknown, 0 contradicts.
    static func fit(_ w: Write, _ c: Change) -> Int {
        switch w.declared {
        case .unknown: return 1
        case .wholeItem(let names):
            guard c.type != "REMOVE", let new = c.newNames else { return 1 }
            return new.allSatisfy(names.contains) && names.allSatisfy(new.contains) ? 2 : 0
        case .touches(let names):
            guard let touched = c.diffNames else { return 1 }
            return touched.allSatisfy(names.contains) ? 2 : 0
        }
    }

    static func timeFits(_ w: Write, _ c: Change) -> Bool {
        guard let t = w.time, let micros = c.timeMicros else { return false }
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        return seconds >= t - windowBefore && seconds <= t + windowAfter
    }

    /// Assigns one item's changes (in stream order) to its successful writes.
    static func assign(_ changes: [Change], writes: inout [Write], table: Int64?, coverage: (Int64, Int64)?) -> [(Int64, Result)] {
        var results: [(Int64, Result)] = []
        for c in changes {
            if c.type == "SNAPSHOT" {
                results.append((c.id, Result(method: "snapshot", confidence: 0, candidates: 0,
                                             reason: "state of the item at export time, not a change")))
                continue
            }
            if table == nil {
                results.append((c.id, Result(method: "table-unknown", confidence: 0, candidates: 0,
                                             reason: "the change's table is unknown (no describe-stream, manifest or --table)")))
                continue
            }
            if c.ttl && c.type == "REMOVE" {
                results.append((c.id, Result(method: "ttl", confidence: 1, candidates: 0,
                                             reason: "deleted by DynamoDB Time to Live (service identity dynamodb.amazonaws.com); TTL deletions are not logged in CloudTrail")))
                continue
            }
            let seconds = c.timeMicros.map { $0 / 1_000_000 }
            let covered = coverage.map { range in seconds.map { $0 >= range.0 - 300 && $0 <= range.1 + 300 } ?? false } ?? false
            var scored: [(index: Int, fit: Int, distance: Int64)] = []
            for (i, w) in writes.enumerated() where !w.used {
                guard let kind = operationKind(w.operation), compatible(kind, c.type), timeFits(w, c) else { continue }
                let f = fit(w, c)
                guard f > 0 else { continue }
                let distance = abs((w.time ?? 0) - (seconds ?? 0))
                scored.append((i, f, distance))
            }
            guard !scored.isEmpty else {
                if !covered {
                    results.append((c.id, Result(method: "no-data-events", confidence: 0, candidates: 0,
                        reason: "no CloudTrail data events for this table at this time: data events were not logged (or not collected), so no call can be named")))
                } else {
                    let nearby = writes.filter { w in !w.used && timeFits(w, c) }.count
                    results.append((c.id, Result(method: "no-candidate", confidence: 0, candidates: 0,
                        reason: nearby > 0
                            ? "\(nearby) successful write(s) to this item at this time, but none could produce this \(c.type) (operation or declared attributes do not fit)"
                            : "no successful write to this item within \(windowBefore) s before / \(windowAfter) s after the change in the CloudTrail evidence")))
                }
                continue
            }
            // Best fit first, then nearest in time, then earliest (stream order follows call order).
            scored.sort { ($0.fit, -$0.distance, -$0.index) > ($1.fit, -$1.distance, -$1.index) }
            let best = scored[0]
            let ties = scored.filter { $0.fit == best.fit && $0.distance == best.distance }
            let principals = Set(ties.map { writes[$0.index].principal ?? -1 })
            let chosen = writes[best.index]
            if ties.count > 1 && principals.count > 1 {
                // Take the earliest for the one-call-one-change bookkeeping, but name nobody.
                writes[ties.map(\.index).min()!].used = true
                results.append((c.id, Result(eventID: nil, accessID: nil, method: "ambiguous", confidence: 0, candidates: scored.count,
                    reason: "\(ties.count) calls by different principals fit equally (same second, same operation, declared attributes fit both)")))
                continue
            }
            writes[ties.count > 1 ? ties.map(\.index).min()! : best.index].used = true
            let taken = ties.count > 1 ? writes[ties.map(\.index).min()!] : chosen
            var confidence: Double
            var reason: String
            if scored.count == 1 {
                confidence = best.fit == 2 ? 0.99 : 0.9
                reason = best.fit == 2 ? "the only call that fits; its declared attributes match the change"
                                       : "the only call that fits (its declared attributes could not be checked)"
            } else if ties.count > 1 {
                confidence = 0.8
                reason = "\(ties.count) calls by the same principal fit equally; the earliest was taken"
            } else {
                confidence = best.fit == 2 && scored[1].fit < 2 ? 0.95 : 0.75
                reason = "\(scored.count) calls fit; chosen by declared attributes and time"
            }
            results.append((c.id, Result(eventID: taken.eventID, accessID: taken.accessID, method: "matched",
                                         confidence: confidence, candidates: scored.count, reason: reason)))
        }
        return results
    }
}

private extension Array where Element == UInt8 {
    /// The leading JSON string literal of a path component.
    func prefixJSONString() -> [UInt8] {
        var i = 1
        var escaped = false
        while i < count {
            if escaped { escaped = false } else if self[i] == 0x5C { escaped = true } else if self[i] == 0x22 { return Array(self[...i]) }
            i += 1
        }
        return self
    }
}

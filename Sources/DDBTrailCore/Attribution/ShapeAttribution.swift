import DDBTrailSQLite

/// Attribution by shape: a PartiQL INSERT (CloudTrail redacts all its values, keys included) or a
/// batch put that logs only attribute names names no item, so the keyed pass cannot find it. A
/// change that pass left without a candidate is tied to such a call when the call is on the same
/// table, its time fits (the keyed windows), its operation can produce the change, and the
/// attribute names it declared fit the new image. Each member explains at most one change:
/// changes, in stream order, take the earliest open member that fits best (calls in time order, a
/// call's members in request order), as a run of calls writes a run of changes. When the member
/// taken has a rival in another call of the same second that fits as well, nothing tells them
/// apart: the change is `ambiguous` and names both.
extension Attribution {

    /// The tables that have successful key-less writes, as an SQL subquery.
    static let keylessWriteTables = """
        SELECT DISTINCT a.table_id FROM item_accesses a JOIN events e ON e.id = a.event_id
        WHERE a.item_key IS NULL AND e.error_code IS NULL AND a.operation IN \(writeOperations)
        """

    /// One member of a key-less write call.
    struct KeylessMember {
        var write: Write
        var table: Int64
        var spent = false
    }

    /// What the shape pass decided for one change.
    struct ShapeOutcome {
        var change: Change
        var itemKey: String
        var fitting: [Int]        // indexes of the members that fit, spent or not
        var chosen: Int?          // the member taken
        var bestFit = 0
        var ambiguousCalls: [Int] = []  // one member per call, when calls of the same second fit equally
        var nearbyCalls = 0       // key-less calls in the time window, fitting or not
    }

    /// Runs after the keyed pass, on the changes it left `no-candidate` in tables with key-less
    /// writes. Returns the number of changes it attributed.
    static func attributeByShape(_ db: Database) throws -> Int {
        try db.execute("UPDATE item_accesses SET inferred_item_key = NULL WHERE inferred_item_key IS NOT NULL")
        var members: [Int64: [KeylessMember]] = [:]
        for row in try db.rows("""
            SELECT a.id, a.event_id, a.table_id, a.operation, e.event_time, e.principal_id, a.attribute_names,
                   coalesce(a.item_position, 0), e.event_id
            FROM item_accesses a CROSS JOIN events e ON e.id = a.event_id
            WHERE a.item_key IS NULL AND e.error_code IS NULL AND a.operation IN \(writeOperations)
            """) {
            guard let accessID = row[0].int64Value, let eventID = row[1].int64Value, let table = row[2].int64Value else { continue }
            let write = Write(accessID: accessID, eventID: eventID, operation: row[3].stringValue ?? "",
                              time: row[4].stringValue.flatMap(Timestamp.epochSeconds), principal: row[5].int64Value,
                              declared: declared(row[6].stringValue.flatMap { try? JSONParser.parse(Array($0.utf8)) }),
                              tiebreak: Array((row[8].stringValue ?? "").utf8).withUnsafeBufferPointer(prefixKey),
                              position: row[7].int64Value ?? 0)
            members[table, default: []].append(KeylessMember(write: write, table: table))
        }
        if members.isEmpty { return 0 }
        var attributed = 0
        let image = try db.prepare("SELECT new_image, diff FROM changes WHERE id = ?")
        for table in members.keys.sorted() {
            var list = members[table]!.sorted {
                ($0.write.time ?? .max, $0.write.tiebreak.0, $0.write.tiebreak.1, $0.write.position)
                    < ($1.write.time ?? .max, $1.write.tiebreak.0, $1.write.tiebreak.1, $1.write.position)
            }
            let times = list.map { $0.write.time ?? .max }
            // The changes the keyed pass left without a candidate, near a key-less write.
            var changes: [(change: Change, key: String)] = []
            for row in try db.rows("""
                SELECT c.id, c.item_key, c.change_type, c.change_time_us, c.sequence_number
                FROM change_attributions at CROSS JOIN changes c ON c.id = at.change_id
                WHERE at.method = 'no-candidate' AND c.table_id = ?
                """, [.integer(table)]) {
                guard let id = row[0].int64Value, let micros = row[3].int64Value else { continue }
                let seconds = Timestamp.seconds(fromMicros: micros)
                // Members whose time t fits: seconds ∈ [t − windowBefore, t + windowAfter].
                let lo = lowerBound(times, seconds - windowAfter)
                guard lo < times.count, times[lo] <= seconds + windowBefore else { continue }
                let key = row[1].stringValue ?? ""
                var c = Change(id: id, sequence: row[4].stringValue, type: row[2].stringValue ?? "", timeMicros: micros,
                               precision: "", ttl: false, diffNames: nil, newNames: nil)
                try image.bind([.integer(id)])
                if try image.step() {
                    if !image.isNull(at: 0) { c.newNames = image.withBytes(at: 0) { memberNames($0, depth: 1) } }
                    if !image.isNull(at: 1) { c.diffNames = image.withBytes(at: 1) { memberNames($0, depth: 2).map(topLevelName) } }
                }
                image.reset()
                changes.append((c, key))
            }
            changes.sort { a, b in
                (a.change.timeMicros ?? .max, a.change.sequence ?? "", a.change.id) < (b.change.timeMicros ?? .max, b.change.sequence ?? "", b.change.id)
            }
            let outcomes = assignByShape(changes, members: &list, times: times)
            attributed += try store(outcomes, members: list, db: db)
        }
        return attributed
    }

    /// First index whose value is ≥ `value` in a sorted array.
    static func lowerBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A PartiQL INSERT fails on an existing item, so it only inserts; other writes as keyed.
    static func shapeCompatible(_ w: Write, _ c: Change) -> Bool {
        if w.operation == "INSERT" { return c.type == "INSERT" }
        guard let kind = operationKind(w.operation) else { return false }
        return compatible(kind, c.type)
    }

    /// Assigns one table's changes (in stream order) to its key-less members.
    static func assignByShape(_ changes: [(change: Change, key: String)], members: inout [KeylessMember], times: [Int64]) -> [ShapeOutcome] {
        var outcomes: [ShapeOutcome] = []
        for (c, key) in changes {
            let seconds = Timestamp.seconds(fromMicros: c.timeMicros ?? 0)
            var outcome = ShapeOutcome(change: c, itemKey: key, fitting: [])
            var fits: [Int: Int] = [:]
            var nearby: Set<Int64> = []
            var i = lowerBound(times, seconds - windowAfter)
            while i < members.count, times[i] <= seconds + windowBefore {
                let w = members[i].write
                nearby.insert(w.eventID)
                if shapeCompatible(w, c) {
                    let f = fit(w, c, key: key)
                    if f > 0 { outcome.fitting.append(i); fits[i] = f }
                }
                i += 1
            }
            outcome.nearbyCalls = nearby.count
            let open = outcome.fitting.filter { !members[$0].spent }
            if let best = open.map({ fits[$0]! }).max(), let taken = open.first(where: { fits[$0] == best }) {
                outcome.bestFit = best
                members[taken].spent = true
                // Rivals: other calls of the same second that fit as well, open or already taken.
                var calls: [Int] = [taken]
                for m in outcome.fitting where fits[m] == best && members[m].write.time == members[taken].write.time
                        && !calls.contains(where: { members[$0].write.eventID == members[m].write.eventID }) {
                    calls.append(m)
                }
                if calls.count == 1 { outcome.chosen = taken } else { outcome.ambiguousCalls = calls }
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Stores the shape pass's results over the keyed pass's `no-candidate` rows.
    static func store(_ outcomes: [ShapeOutcome], members: [KeylessMember], db: Database) throws -> Int {
        // Demand on each call: the changes that fit one of its members; supply: its members.
        var supply: [Int64: Int] = [:]
        for m in members { supply[m.write.eventID, default: 0] += 1 }
        var demand: [Int64: Int] = [:]
        for o in outcomes {
            for event in Set(o.fitting.map { members[$0].write.eventID }) { demand[event, default: 0] += 1 }
        }
        let update = try db.prepare("""
            UPDATE change_attributions SET event_id = ?, item_access_id = ?, method = ?, confidence = ?, candidates = ?, reason = ?
            WHERE change_id = ?
            """)
        let candidate = try db.prepare("INSERT OR IGNORE INTO attribution_candidates(change_id, item_access_id, event_id) VALUES (?, ?, ?)")
        let inferred = try db.prepare("UPDATE item_accesses SET inferred_item_key = ? WHERE id = ?")
        let amend = try db.prepare("UPDATE change_attributions SET reason = reason || ? WHERE change_id = ?")
        var attributed = 0
        for o in outcomes {
            let calls = Set(o.fitting.map { members[$0].write.eventID })
            func consider(_ indexes: [Int]) throws {
                for m in indexes {
                    try candidate.bind([.integer(o.change.id), .integer(members[m].write.accessID), .integer(members[m].write.eventID)])
                    try candidate.run()
                    candidate.reset()
                }
            }
            if let m = o.chosen {
                let w = members[m].write
                let others = calls.count - 1
                let oversubscribed = (demand[w.eventID] ?? 0) > (supply[w.eventID] ?? 0)
                let confidence: Double
                var reason: String
                if o.bestFit == 1 {
                    confidence = 0.5
                    reason = "a key-less call on this table at this time whose operation fits; it declared no attribute names, so only time and operation tie it to the change"
                } else if others > 0 {
                    confidence = 0.7
                    reason = "the earliest open key-less call whose declared attributes match the new image; \(others) other key-less call(s) at other times fit too, and their items went to other changes in stream order"
                } else if oversubscribed {
                    confidence = 0.6
                    reason = "the only key-less call whose declared attributes match the new image, but more changes fit it (\(demand[w.eventID] ?? 0)) than it wrote items (\(supply[w.eventID] ?? 0)): some have another cause"
                } else {
                    confidence = 0.9
                    reason = "the only call that fits: a key-less call on this table at this time whose declared attributes match the new image, with an item for every change that fits it"
                }
                reason += " (its record logs no item key; matched by shape)"
                try update.bind([.integer(w.eventID), .integer(w.accessID), .string("matched-by-shape"), .real(confidence),
                                 .integer(Int64(calls.count)), .string(reason), .integer(o.change.id)])
                try update.run()
                update.reset()
                // One member per call weighed: the one taken, and each other call's first fitting member.
                var seen: Set<Int64> = []
                try consider(([m] + o.fitting).filter { seen.insert(members[$0].write.eventID).inserted })
                try inferred.bind([.string(o.itemKey), .integer(w.accessID)])
                try inferred.run()
                inferred.reset()
                attributed += 1
            } else if !o.ambiguousCalls.isEmpty {
                let principals = Set(o.ambiguousCalls.map { members[$0].write.principal ?? -1 })
                let reason = "\(o.ambiguousCalls.count) key-less calls (no item key logged) fit equally: same table and second, operation and declared attributes fit"
                    + (principals.count > 1 ? ", by \(principals.count) different principals" : ", by the same principal")
                    + "; see attribution_candidates"
                try update.bind([.null, .null, .string("ambiguous"), .real(0), .integer(Int64(calls.count)), .string(reason), .integer(o.change.id)])
                try update.run()
                update.reset()
                try consider(o.ambiguousCalls)
            } else if !o.fitting.isEmpty {
                try amend.bind([.string("; \(calls.count) key-less call(s) at this time fit its attributes, but each of their items was taken by an earlier change"),
                                .integer(o.change.id)])
                try amend.run()
                amend.reset()
            } else if o.nearbyCalls > 0 {
                try amend.bind([.string("; \(o.nearbyCalls) key-less call(s) on this table at this time, but none could produce this \(o.change.type) (operation or declared attributes do not fit)"),
                                .integer(o.change.id)])
                try amend.run()
                amend.reset()
            }
        }
        return attributed
    }
}

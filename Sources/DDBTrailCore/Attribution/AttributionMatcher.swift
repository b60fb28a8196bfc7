import DDBTrailSQLite

extension Attribution {
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

    /// The attributes of a canonical item key. Every image holds them and no write declares them
    /// reliably, so a fit that fails with them is judged again without them.
    static func keyNames(_ itemKey: String) -> [String] {
        Array(itemKey.utf8).withUnsafeBufferPointer { memberNames($0, depth: 1) }
    }

    struct Write {
        var accessID: Int64
        var eventID: Int64
        var operation: String
        var time: Int64?       // epoch seconds
        var principal: Int64?
        var declared: Declared
        var used = false
        /// Taken, or passed over, by a change that several calls fitted equally.
        var contested = false
        /// Orders calls of the same second by what they are (the first 16 bytes of the CloudTrail
        /// eventID, then position in the request), never by row id: the order of imports must not
        /// decide between them.
        var tiebreak: (UInt64, UInt64) = (0, 0)
        var position: Int64 = 0
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
        /// The calls (event, item access) weighed when none could be named (ambiguous) or when
        /// one was named by shape: stored in attribution_candidates.
        var considered: [(event: Int64, access: Int64)]? = nil
    }

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
        candidates.sort { ($0.time ?? .max, $0.tiebreak.0, $0.tiebreak.1, $0.position) < ($1.time ?? .max, $1.tiebreak.0, $1.tiebreak.1, $1.position) }
        return assign(group, writes: &candidates, table: item.table, key: item.key, coverage: item.table.flatMap { coverage[$0] })
    }

    /// How well a write's declared attributes fit a change: 2 fits, 1 unknown, 0 contradicts.
    static func fit(_ w: Write, _ c: Change, key itemKey: String) -> Int {
        switch w.declared {
        case .unknown: return 1
        case .wholeItem(let names):
            // The item list may name the key attributes or not.
            guard c.type != "REMOVE", let new = c.newNames else { return 1 }
            if new.allSatisfy(names.contains) && names.allSatisfy(new.contains) { return 2 }
            let key = keyNames(itemKey)
            return new.allSatisfy { names.contains($0) || key.contains($0) }
                && names.allSatisfy { new.contains($0) || key.contains($0) } ? 2 : 0
        case .touches(let names):
            // An update that creates the item adds its key attributes too.
            guard let touched = c.diffNames else { return 1 }
            if touched.allSatisfy(names.contains) { return 2 }
            let key = keyNames(itemKey)
            return touched.allSatisfy { names.contains($0) || key.contains($0) } ? 2 : 0
        }
    }

    /// The first 16 bytes of a text as two big-endian integers (zero-padded): sorts like the text.
    static func prefixKey(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        for i in 0..<16 {
            let byte = UInt64(i < b.count ? b[i] : 0)
            if i < 8 { words.0 = words.0 << 8 | byte } else { words.1 = words.1 << 8 | byte }
        }
        return words
    }

    static func timeFits(_ w: Write, _ c: Change) -> Bool {
        guard let t = w.time, let micros = c.timeMicros else { return false }
        let seconds = Timestamp.seconds(fromMicros: micros)
        return seconds >= t - windowBefore && seconds <= t + windowAfter
    }

    /// Assigns one item's changes (in stream order) to its successful writes.
    static func assign(_ changes: [Change], writes: inout [Write], table: Int64?, key: String, coverage: (Int64, Int64)?) -> [(Int64, Result)] {
        var results: [(Int64, Result)] = []
        var anyContested = false
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
                let f = fit(w, c, key: key)
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
            let ties = scored.count == 1 ? scored : scored.filter { $0.fit == best.fit && $0.distance == best.distance }
            // A call taken earlier by a change that could not tell it from this one's calls is a
            // rival still: the two changes are interchangeable, so neither is the only fit.
            let rivals = !anyContested ? [] : writes.indices.filter { i in
                let w = writes[i]
                guard w.used, w.contested, let kind = operationKind(w.operation), compatible(kind, c.type), timeFits(w, c) else { return false }
                return fit(w, c, key: key) == best.fit && abs((w.time ?? 0) - (seconds ?? 0)) == best.distance
            }
            let earliest = ties.count == 1 ? ties[0].index : ties.map(\.index).min()!
            writes[earliest].used = true
            let contenders = ties.count + rivals.count > 1 ? ties.map(\.index) + rivals : [earliest]
            let principals = contenders.count > 1 ? Set(contenders.map { writes[$0].principal ?? -1 }).count : 1
            if contenders.count > 1 {
                anyContested = true
                for i in contenders { writes[i].contested = true }
            }
            if contenders.count > 1 {
                // One is spent for the one-call-one-change bookkeeping, but none is named: calls of
                // one second have no order the evidence can show, even when one principal made both.
                results.append((c.id, Result(eventID: nil, accessID: nil, method: "ambiguous", confidence: 0, candidates: scored.count + rivals.count,
                    reason: "\(contenders.count) calls fit equally (same second, same operation, declared attributes fit each), "
                        + (principals > 1 ? "by \(principals) different principals" : "all by the same principal"),
                    considered: contenders.map { (writes[$0].eventID, writes[$0].accessID) })))
                continue
            }
            let taken = writes[earliest]
            var confidence: Double
            var reason: String
            if scored.count == 1 {
                confidence = best.fit == 2 ? 0.99 : 0.9
                reason = best.fit == 2 ? "the only call that fits; its declared attributes match the change"
                                       : "the only call that fits (its declared attributes could not be checked)"
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

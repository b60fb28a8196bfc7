import DDBTrailCore

/// The run: what happens at each step, reads, TTL deletions, and the scenarios where the truth
/// is hard by construction.
extension MixedWorkload.Engine {
    enum Activity: Sendable {
        case putNew, putOverwrite, update, updateCreates, delete, deleteMissing, noOp, failed
        case batchWrite, transactWrite, transactCancelled
        case statementInsert, statementInsertDuplicate, statementUpdate, statementUpdateFailed, statementDelete
        case batchStatement, transaction, transactionCancelled
        case ttl, read
        case sameShapePair, differentShapePair, keylessPair, keylessBesideKeyed, failedThenWritten
    }

    static let activities = Weighted<Activity>([
        (.putNew, 12), (.putOverwrite, 2), (.update, 16), (.updateCreates, 3), (.delete, 4), (.deleteMissing, 1),
        (.noOp, 3), (.failed, 3),
        (.batchWrite, 4), (.transactWrite, 3), (.transactCancelled, 0.7),
        (.statementInsert, 5), (.statementInsertDuplicate, 0.7), (.statementUpdate, 4), (.statementUpdateFailed, 0.7),
        (.statementDelete, 1), (.batchStatement, 3), (.transaction, 2), (.transactionCancelled, 0.5),
        (.ttl, 4), (.read, 14),
        (.sameShapePair, 1), (.differentShapePair, 1.2), (.keylessPair, 1.2), (.keylessBesideKeyed, 1.2), (.failedThenWritten, 1.2),
    ])
    /// Seconds between steps: several calls often share a second.
    static let gaps = Weighted<Int64>([(0, 3), (1, 4), (2, 2), (3, 1)])
    /// How often each table is the one written, for single-table activities.
    static let tableShare = Weighted<Int>([(MixedWorkload.orders, 40), (MixedWorkload.sessions, 25),
                                           (MixedWorkload.ledger, 20), (MixedWorkload.profiles, 15)])
    static let sessionsShard = "shardId-00000001794300000000-5c1f0e2a"

    mutating func run(steps: Int) {
        setUp()
        for _ in 0..<steps {
            second += Self.gaps.pick(&rng)
            if !perform(Self.activities.pick(&rng)) { read() }
        }
    }

    mutating func perform(_ activity: Activity) -> Bool {
        let t = Self.tableShare.pick(&rng)
        switch activity {
        case .putNew: return putItem(t, overwrite: false)
        case .putOverwrite: return putItem(t, overwrite: true)
        case .update: return updateItem(t, creates: false)
        case .updateCreates: return updateItem(t, creates: true)
        case .delete: return deleteItem(t == ledger && rng.chance(0.7) ? sessions : t, missing: false)
        case .deleteMissing: return deleteItem(t, missing: true)
        case .noOp: return noOpWrite(t)
        case .failed: return failedWrite(t)
        case .batchWrite: return batchWrite()
        case .transactWrite: return transactWrite(cancelled: false)
        case .transactCancelled: return transactWrite(cancelled: true)
        case .statementInsert: return executeStatement("INSERT")
        case .statementInsertDuplicate: return executeStatement("INSERT", failing: true)
        case .statementUpdate: return executeStatement("UPDATE")
        case .statementUpdateFailed: return executeStatement("UPDATE", failing: true)
        case .statementDelete: return executeStatement("DELETE")
        case .batchStatement: return batchExecuteStatement()
        case .transaction: return executeTransaction(cancelled: false)
        case .transactionCancelled: return executeTransaction(cancelled: true)
        case .ttl: return ttlSweep()
        case .read: read(); return true
        case .sameShapePair: return sameShapePair()
        case .differentShapePair: return differentShapePair()
        case .keylessPair: return keylessPair()
        case .keylessBesideKeyed: return keylessBesideKeyed()
        case .failedThenWritten: return failedThenWritten()
        }
    }

    // MARK: Without a call

    /// Time to Live removes expired sessions: a stream REMOVE by the service, nothing in CloudTrail.
    mutating func ttlSweep() -> Bool {
        var removed = false
        for _ in 0..<12 where !live[sessions].isEmpty {
            let k = live[sessions][rng.below(live[sessions].count)]
            guard let item = items[sessions][k], case .n(let text)? = item["expiresAt"], let expires = Int64(text),
                  expires < second, (lastTouch[sessions][k] ?? .min) <= second - Self.quiet else { continue }
            write(sessions, key(sessions, of: item), nil, at: second * 1000 + Int64(rng.below(1000)), cause: .ttl, kind: "TTL", ttl: true)
            removed = true
            if rng.chance(0.5) { break }
        }
        return removed
    }

    // MARK: Reads

    /// Calls that read: CloudTrail noise around the writes.
    mutating func read() {
        let t = Self.tableShare.pick(&rng)
        let table = MixedWorkload.tables[t]
        let who = rng.pick([Who.reporting, .ordersAPI, .sessionService, .support, .alice, .profileService])
        let existing = pick(t, write: false)?.key
        let roll = rng.below(8)
        if roll < 2, let key = existing {
            call("GetItem", by: who, tables: [t], request: "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key)),\"consistentRead\":\(rng.chance(0.5))}", readOnly: true)
        } else if roll == 2 {
            let condition = "\(table.key[0].name) = :pk" + (table.key.count > 1 && rng.chance(0.5) ? " AND \(table.key[1].name) > :from" : "")
            call("Query", by: who, tables: [t], request: "{\"tableName\":\(tableRef(t, who)),\"keyConditionExpression\":\(jsonString(condition)),\"scanIndexForward\":false,\"limit\":25}", readOnly: true)
        } else if roll == 3 {
            call("Scan", by: .reporting, tables: [t], request: "{\"tableName\":\"\(table.name)\",\"limit\":500,\"filterExpression\":\"attribute_exists(#n0)\",\"expressionAttributeNames\":{\"#n0\":\"createdAt\"}}", readOnly: true)
        } else if roll == 4, let key = existing {
            let keys = [key] + (0..<rng.below(3)).compactMap { _ in pick(t, write: false)?.key }.filter { keyText($0) != keyText(key) }
            call("BatchGetItem", by: who, tables: [t], request: "{\"requestItems\":{\"\(table.name)\":{\"keys\":[\(keys.map { plainKey(t, $0) }.joined(separator: ","))],\"consistentRead\":false}}}", readOnly: true)
        } else if roll == 5, let key = existing, Self.partiQLTables.contains(t) {
            call("ExecuteStatement", by: rng.pick(MixedWorkload.partiQLUsers[t]), tables: [t],
                 request: "{\"statement\":\(jsonString("SELECT * FROM \(partiQLName(t)) \(whereClause(t, key))"))}")
        } else if roll == 6, let arn = MixedWorkload.tables[sessions].streamARN {
            // Someone collecting the Sessions stream with the CLI.
            if rng.chance(0.5) {
                call("GetShardIterator", by: .alice, tables: [sessions], request: "{\"streamArn\":\"\(arn)\",\"shardId\":\"\(Self.sessionsShard)\",\"shardIteratorType\":\"TRIM_HORIZON\"}", readOnly: true)
            } else {
                let iterator = arn + "|1|" + rng.characters(120, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "=="
                call("GetRecords", by: .alice, tables: [sessions], request: "{\"shardIterator\":\(jsonString(iterator)),\"limit\":1000}", readOnly: true)
            }
        } else {
            call("DescribeTable", by: rng.pick([Who.deployer, .reporting, .support]), tables: [t],
                 request: "{\"tableName\":\"\(table.name)\"}", readOnly: true, management: true)
        }
    }

    // MARK: Scenarios

    /// Two principals other than each other who write table t.
    mutating func twoWriters(_ candidates: [Who]) -> (Who, Who) {
        var unique: [Who] = []
        for w in candidates where !unique.contains(w) { unique.append(w) }
        let a = rng.pick(unique)
        let others = unique.filter { $0 != a }
        return (a, rng.pick(others))
    }

    /// Two UpdateItems with the same request, on the same item, in the same second, by different
    /// principals: nothing tells which made which change.
    mutating func sameShapePair() -> Bool {
        let t = rng.pick([orders, sessions, ledger, profiles])
        guard case let (key, item)? = pick(t) else { return false }
        let (a, b) = twoWriters(MixedWorkload.writers[t])
        let values: (Value, Value)
        let attribute: String
        switch t {
        case orders:
            attribute = "status"
            let choices = Self.statuses.filter { Value.s($0) != item["status"] }.map(Value.s)
            let first = rng.pick(choices)
            values = (first, rng.pick(choices.filter { $0 != first }))
        case sessions:
            attribute = "lastSeen"
            values = (.n(String(second - 1)), .n(String(second)))
        case ledger:
            attribute = "memo"
            values = (.s("memo \(rng.below(100_000))"), .s("memo \(100_000 + rng.below(100_000))"))
        default:
            attribute = "displayName"
            values = (.s("Name \(rng.below(100_000))"), .s("Name \(100_000 + rng.below(100_000))"))
        }
        let first: [Action] = [.set(attribute, values.0)], second: [Action] = [.set(attribute, values.1)]
        let request = updateRequest(t, jsonString(MixedWorkload.tables[t].name), key, first, hashed: hashedNames(first))
        let e1 = call("UpdateItem", by: a, tables: [t], request: request)
        let e2 = call("UpdateItem", by: b, tables: [t], request: request)
        let ms1 = modifiedAt(), ms2 = max(modifiedAt(), ms1 + 1)
        let middle = MixedWorkload.apply(first, to: item)
        let ids = [write(t, key, middle, at: ms1, cause: .call(e1, keyLogged: true), kind: "UpdateItem (same-shape pair)"),
                   write(t, key, MixedWorkload.apply(second, to: middle), at: ms2, cause: .call(e2, keyLogged: true), kind: "UpdateItem (same-shape pair)")]
        for id in ids.compactMap({ $0 }) { truth.indistinguishable.insert(id) }
        return true
    }

    /// Two UpdateItems on the same item in the same second by different principals, touching
    /// different attributes: the declared names tell them apart.
    mutating func differentShapePair() -> Bool {
        let t = rng.pick([orders, sessions, ledger, profiles])
        guard case let (key, item)? = pick(t) else { return false }
        let (a, b) = twoWriters(MixedWorkload.writers[t])
        let pair: ([Action], [Action])
        switch t {
        case orders:
            pair = ([.set("status", .s(rng.pick(Self.statuses.filter { Value.s($0) != item["status"] })))],
                    [.set("trackingNo", .s("TRK" + rng.characters(10, from: Alphabet.upperAlphanumerics)))])
        case sessions:
            pair = ([.set("lastSeen", .n(String(second)))], [.append("cart", [.s("SKU-\(100 + rng.below(900))")], orEmpty: true)])
        case ledger:
            pair = ([.set("reconciled", .bool(item["reconciled"] != .bool(true)))], [.set("memo", .s("memo \(rng.below(100_000))"))])
        default:
            pair = ([.set("lastLogin", .n(String(second))), .add("loginCount", .n("1"))], [.add("tags", .ss(["tag\(1_000 + rng.below(1_000))"]))])
        }
        let name = jsonString(MixedWorkload.tables[t].name)
        let e1 = call("UpdateItem", by: a, tables: [t], request: updateRequest(t, name, key, pair.0, hashed: hashedNames(pair.0)))
        let e2 = call("UpdateItem", by: b, tables: [t], request: updateRequest(t, name, key, pair.1, hashed: hashedNames(pair.1)))
        let ms1 = modifiedAt(), ms2 = max(modifiedAt(), ms1 + 1)
        let middle = MixedWorkload.apply(pair.0, to: item)
        write(t, key, middle, at: ms1, cause: .call(e1, keyLogged: true), kind: "UpdateItem (same-second pair)")
        write(t, key, MixedWorkload.apply(pair.1, to: middle), at: ms2, cause: .call(e2, keyLogged: true), kind: "UpdateItem (same-second pair)")
        return true
    }

    /// Two key-less writes creating two items of one table, with the same attribute names, in
    /// the same second, by different principals: which created which cannot be known.
    mutating func keylessPair() -> Bool {
        let t = rng.pick([orders, ledger])
        let (a, b) = twoWriters(MixedWorkload.partiQLUsers[t] + (t == orders ? [.ordersAPI] : [.ledgerWriter]))
        let (key1, item1) = newItem(t, flat: true)
        let key2 = newItem(t, flat: true).key
        var item2 = merged(t, key2, item1)
        if t == orders { item2["total"] = .n(amount()) } else { item2["amount"] = .n(amount()) }
        touch(t, key1)
        touch(t, key2)
        let names = nameList(t, item1)
        makeRoomForKeyless(t, [names])
        let batch = rng.chance(0.3)
        func request(_ item: Attributes) -> (String, String) {
            batch ? ("BatchWriteItem", "{\"requestItems\":{\"\(MixedWorkload.tables[t].name)\":[{\"putRequest\":{\"item\":\(jsonList(names))}}]}}")
                  : ("ExecuteStatement", "{\"statement\":\(jsonString(insertText(t, "\"\(MixedWorkload.tables[t].name)\"", item)))}")
        }
        let (name, text1) = request(item1), (_, text2) = request(item2)
        let e1 = call(name, by: a, tables: [t], request: text1)
        let e2 = call(name, by: b, tables: [t], request: text2)
        noteKeyless(t, names)
        let kind = (batch ? "BatchWriteItem put" : "ExecuteStatement INSERT") + " (key-less pair)"
        let ids = [write(t, key1, item1, at: modifiedAt(), cause: .call(e1, keyLogged: false), kind: kind),
                   write(t, key2, item2, at: modifiedAt(), cause: .call(e2, keyLogged: false), kind: kind)]
        for id in ids.compactMap({ $0 }) { truth.ambiguousKeyless.insert(id) }
        return true
    }

    /// A key-less INSERT and a keyed PutItem with the same attribute names, on one table in the
    /// same second, by different principals: the keyed call's key settles both.
    mutating func keylessBesideKeyed() -> Bool {
        let t = rng.pick([orders, ledger])
        let (a, b) = twoWriters(MixedWorkload.partiQLUsers[t] + MixedWorkload.writers[t])
        let (key1, item1) = newItem(t, flat: true)
        let key2 = newItem(t, flat: true).key
        let item2 = merged(t, key2, item1)
        touch(t, key1)
        touch(t, key2)
        let names = nameList(t, item1)
        makeRoomForKeyless(t, [names])
        let e1 = call("ExecuteStatement", by: a, tables: [t],
                      request: "{\"statement\":\(jsonString(insertText(t, partiQLName(t), item1)))}")
        let e2 = call("PutItem", by: b, tables: [t],
                      request: "{\"tableName\":\"\(MixedWorkload.tables[t].name)\",\"key\":\(plainKey(t, key2)),\"item\":\(jsonList(names))}")
        noteKeyless(t, names)
        write(t, key1, item1, at: modifiedAt(), cause: .call(e1, keyLogged: false), kind: "ExecuteStatement INSERT (beside keyed)")
        write(t, key2, item2, at: modifiedAt(), cause: .call(e2, keyLogged: true), kind: "PutItem (beside key-less)")
        return true
    }

    /// Optimistic locking: one principal's conditional update fails, another's of the same
    /// shape succeeds, in the same second on the same item.
    mutating func failedThenWritten() -> Bool {
        let t = rng.pick([orders, sessions, profiles])
        guard case let (key, item)? = pick(t) else { return false }
        let (a, b) = twoWriters(MixedWorkload.writers[t])
        var actions = changingActions(t, item)
        if !actions.flatMap(\.names).contains("version") { actions.append(.add("version", .n("1"))) }
        let request = updateRequest(t, jsonString(MixedWorkload.tables[t].name), key, actions, hashed: hashedNames(actions),
                                    extra: ",\"conditionExpression\":\"attribute_not_exists(version) OR version = :expected\"")
        call("UpdateItem", by: a, tables: [t], request: request, error: Self.conditionFailed)
        let id = call("UpdateItem", by: b, tables: [t], request: request)
        write(t, key, MixedWorkload.apply(actions, to: item), at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "UpdateItem (after a failed one)")
        return true
    }
}

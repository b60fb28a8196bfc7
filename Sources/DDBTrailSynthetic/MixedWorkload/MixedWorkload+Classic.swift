import DDBTrailCore

/// Items of each table, and the classic API's writes: PutItem, UpdateItem, DeleteItem,
/// BatchWriteItem, TransactWriteItems, failed and no-op writes.
extension MixedWorkload.Engine {
    typealias Value = MixedWorkload.Value
    typealias Attributes = MixedWorkload.Attributes
    typealias Action = MixedWorkload.Action
    typealias Who = MixedWorkload.Who
    var orders: Int { MixedWorkload.orders }
    var sessions: Int { MixedWorkload.sessions }
    var ledger: Int { MixedWorkload.ledger }
    var profiles: Int { MixedWorkload.profiles }

    static let statuses = ["PENDING", "PAID", "PACKED", "SHIPPED", "DELIVERED", "CANCELLED"]

    // MARK: New items

    /// A money amount as DynamoDB stores it (no trailing zeros).
    mutating func amount() -> String {
        let cents = 100 + rng.below(50_000)
        let rest = cents % 100
        if rest == 0 { return "\(cents / 100)" }
        return "\(cents / 100)." + (rest % 10 == 0 ? "\(rest / 10)" : (rest < 10 ? "0\(rest)" : "\(rest)"))
    }

    /// A new item of table t. `flat` leaves out lists and maps (PartiQL INSERTs here write scalars only).
    mutating func newItem(_ t: Int, flat: Bool = false) -> (key: [Value], item: Attributes) {
        switch t {
        case orders: return newOrder(flat: flat)
        case sessions: return newSession()
        case ledger: return newLedgerEntry()
        default: return newProfile(flat: flat)
        }
    }

    mutating func newOrder(flat: Bool) -> ([Value], Attributes) {
        serial += 1
        let key: [Value] = [.s("C-\(1000 + rng.below(400))"), .s("O-\(700_000 + serial)")]
        var a: Attributes = ["status": .s("PENDING"), "total": .n(amount()), "currency": .s(rng.pick(["EUR", "GBP", "USD"])),
                             "createdAt": .n(String(second))]
        if rng.chance(0.4) { a["channel"] = .s(rng.pick(["web", "ios", "android", "pos"])) }
        if rng.chance(0.2) { a["couponCode"] = .s("SAVE\(5 * (1 + rng.below(8)))") }
        if !flat && rng.chance(0.5) {
            a["lines"] = .l((0...rng.below(3)).map { _ in
                .m(["sku": .s("SKU-\(100 + rng.below(900))"), "qty": .n(String(1 + rng.below(4)))])
            })
        }
        return (key, merged(orders, key, a))
    }

    mutating func newSession() -> ([Value], Attributes) {
        let key: [Value] = [.s("sess-" + rng.characters(20, from: "0123456789abcdef"))]
        var a: Attributes = ["userId": .s("u-\(10_000 + rng.below(5_000))"), "createdAt": .n(String(second)),
                             "lastSeen": .n(String(second)), "expiresAt": .n(String(second + 300 + Int64(rng.below(2_100))))]
        if rng.chance(0.5) { a["device"] = .s(rng.pick(["web", "ios", "android"])) }
        return (key, merged(sessions, key, a))
    }

    mutating func newLedgerEntry() -> ([Value], Attributes) {
        let accountNo = String(100_000 + rng.below(40))
        let seq = (ledgerSeq[accountNo] ?? 0) + 1
        ledgerSeq[accountNo] = seq
        let key: [Value] = [.n(accountNo), .n(String(seq))]
        var a: Attributes = ["amount": .n((rng.chance(0.3) ? "-" : "") + amount()), "currency": .s("EUR"), "postedAt": .n(String(second))]
        if rng.chance(0.5) { a["memo"] = .s(rng.pick(["card settlement", "refund", "fee", "transfer", "interest"])) }
        return (key, merged(ledger, key, a))
    }

    mutating func newProfile(flat: Bool = false) -> ([Value], Attributes) {
        serial += 1
        let key: [Value] = [.s("u-\(20_000 + serial)")]
        var a: Attributes = ["email": .s("user\(serial)@example.com"), "displayName": .s("User \(serial)"), "loginCount": .n("0")]
        if !flat {
            a["tags"] = .ss(["new"])
            a["prefs"] = .m(["theme": .s("light"), "lang": .s(rng.pick(["en", "de", "fr"]))])
        }
        return (key, merged(profiles, key, a))
    }

    /// The names of an item as PutItem's `item` list logs them: key first, then the rest.
    func nameList(_ t: Int, _ item: Attributes) -> [String] {
        let keyNames = MixedWorkload.tables[t].key.map(\.name)
        return keyNames + item.keys.filter { !keyNames.contains($0) }.sorted()
    }

    func jsonList(_ names: [String]) -> String { "[" + names.map(jsonString).joined(separator: ",") + "]" }

    mutating func writer(_ t: Int) -> Who { rng.pick(MixedWorkload.writers[t]) }

    /// The table as a request names it: alice's scripts pass the table ARN, which DynamoDB accepts.
    mutating func tableRef(_ t: Int, _ who: Who) -> String {
        jsonString(who == .alice && rng.chance(0.5) ? MixedWorkload.tables[t].arn : MixedWorkload.tables[t].name)
    }

    /// Names written as #placeholders: reserved words always, others as the caller's code chose.
    mutating func hashedNames(_ actions: [Action]) -> Set<String> {
        var out: Set<String> = []
        for name in actions.flatMap(\.names) where !out.contains(name) {
            if MixedWorkload.reservedWords.contains(name) || rng.chance(0.5) { out.insert(name) }
        }
        return out
    }

    /// Updates that change an existing item of table t.
    mutating func changingActions(_ t: Int, _ item: Attributes) -> [Action] {
        var actions: [Action] = []
        switch t {
        case orders:
            let current = item["status"]
            let next = rng.pick(Self.statuses.filter { Value.s($0) != current })
            actions.append(.set("status", .s(next)))
            if rng.chance(0.5) { actions.append(.set("updatedAt", .n(String(second)))) }
            if rng.chance(0.2) { actions.append(.setIfNotExists("createdAt", .n(String(second)))) }
            if rng.chance(0.3) { actions.append(.append("history", [.s(next + "@" + String(second))], orEmpty: true)) }
            if item["channel"] != nil && rng.chance(0.2) { actions.append(.remove("channel")) }
            if rng.chance(0.3) { actions.append(.add("version", .n("1"))) }
            if next == "SHIPPED" { actions.append(.set("trackingNo", .s("TRK" + rng.characters(10, from: Alphabet.upperAlphanumerics)))) }
        case sessions:
            actions.append(.set("lastSeen", .n(String(second))))
            if rng.chance(0.5) { actions.append(.set("expiresAt", .n(String(second + 600 + Int64(rng.below(1_800)))))) }
            if rng.chance(0.3) { actions.append(.append("cart", [.s("SKU-\(100 + rng.below(900))")], orEmpty: true)) }
        case ledger:
            if item["reconciled"] != .bool(true) { actions.append(.set("reconciled", .bool(true))) }
            if actions.isEmpty || rng.chance(0.4) { actions.append(.set("memo", .s("adjusted \(rng.below(100_000))"))) }
            if rng.chance(0.2) { actions.append(.add("revision", .n("1"))) }
        default:
            switch rng.below(3) {
            case 0:
                actions = [.set("lastLogin", .n(String(second))), .add("loginCount", .n("1"))]
            case 1:
                actions = [.add("tags", .ss(["tag\(rng.below(1_000))"]))]
            default:
                if case .m(let prefs)? = item["prefs"] {
                    if prefs["lang"] != nil && rng.chance(0.3) {
                        actions = [.removeMember("prefs", "lang")]
                    } else {
                        let theme = prefs["theme"] == .s("dark") ? "light" : "dark"
                        actions = [.setMember("prefs", "theme", .s(theme))]
                    }
                } else {
                    actions = [.set("prefs", .m(["theme": .s("dark")]))]
                }
            }
        }
        return actions
    }

    /// Updates that create a missing item: the new image is the key and what was set.
    mutating func creatingActions(_ t: Int, _ item: Attributes) -> [Action] {
        let keyNames = MixedWorkload.tables[t].key.map(\.name)
        var actions: [Action] = item.keys.filter { !keyNames.contains($0) }.sorted().map { .set($0, item[$0]!) }
        if t == orders, rng.chance(0.5) { actions.append(.append("history", [.s("PENDING@\(second)")], orEmpty: true)) }
        if rng.chance(0.4) { actions.append(.add("version", .n("1"))) }
        if let i = actions.firstIndex(where: { if case .set("createdAt", _) = $0 { true } else { false } }), rng.chance(0.5),
           case .set(_, let v) = actions[i] {
            actions[i] = .setIfNotExists("createdAt", v)
        }
        return actions
    }

    // MARK: Single-item calls

    mutating func putItem(_ t: Int, overwrite: Bool) -> Bool {
        var key: [Value], item: Attributes
        if overwrite {
            guard let picked = pick(t) else { return false }
            key = picked.key
            item = merged(t, key, newItem(t).item.filter { !MixedWorkload.tables[t].key.map(\.name).contains($0.key) })
        } else {
            (key, item) = newItem(t)
        }
        let who = writer(t)
        var request = "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key)),\"item\":\(jsonList(nameList(t, item)))"
        if !overwrite && rng.chance(0.5) { request += ",\"conditionExpression\":\"attribute_not_exists(\(MixedWorkload.tables[t].key[0].name))\"" }
        if rng.chance(0.3) { request += ",\"returnConsumedCapacity\":\"TOTAL\"" }
        let id = call("PutItem", by: who, tables: [t], request: request + "}")
        write(t, key, item, at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "PutItem")
        return true
    }

    func updateRequest(_ t: Int, _ table: String, _ key: [Value], _ actions: [Action], hashed: Set<String>, extra: String = "") -> String {
        "{\"tableName\":\(table),\"key\":\(plainKey(t, key)),\(MixedWorkload.updateMembers(actions, hashed: hashed))\(extra)}"
    }

    /// UpdateItem of an existing item (MODIFY) or, with `creates`, of a new key (INSERT).
    mutating func updateItem(_ t: Int, creates: Bool) -> Bool {
        let key: [Value], actions: [Action], before: Attributes
        if creates {
            let fresh = newItem(t, flat: true)
            key = fresh.key
            actions = creatingActions(t, fresh.item)
            before = [:]
        } else {
            guard let picked = pick(t) else { return false }
            key = picked.key
            before = picked.item
            actions = changingActions(t, picked.item)
        }
        let who = writer(t)
        let extra = rng.chance(0.3) ? ",\"returnValues\":\"UPDATED_NEW\"" : ""
        let id = call("UpdateItem", by: who, tables: [t], request: updateRequest(t, tableRef(t, who), key, actions, hashed: hashedNames(actions), extra: extra))
        let after = MixedWorkload.apply(actions, to: creates ? merged(t, key, [:]) : before)
        write(t, key, after, at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "UpdateItem")
        return true
    }

    /// DeleteItem of an existing item, or of one that is not there (no change).
    mutating func deleteItem(_ t: Int, missing: Bool) -> Bool {
        var key: [Value]
        if missing {
            key = newItem(t).key
            if t == ledger { key = [.n("100099"), .n(String(1 + rng.below(50)))] }
        } else {
            guard let picked = pick(t) else { return false }
            key = picked.key
        }
        let who = writer(t)
        var request = "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key))"
        if rng.chance(0.4) { request += ",\"returnValues\":\"ALL_OLD\"" }
        let id = call("DeleteItem", by: who, tables: [t], request: request + "}")
        write(t, key, nil, at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "DeleteItem")
        return true
    }

    /// A write that changes nothing: logged by CloudTrail, absent from the stream.
    mutating func noOpWrite(_ t: Int) -> Bool {
        guard case let (key, item)? = pick(t) else { return false }
        let who = writer(t)
        if rng.chance(0.5) {
            let id = call("PutItem", by: who, tables: [t], request: "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key)),\"item\":\(jsonList(nameList(t, item)))}")
            write(t, key, item, at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "PutItem")
        } else {
            let name = item.keys.filter { !MixedWorkload.tables[t].key.map(\.name).contains($0) }.sorted().first ?? "lastSeen"
            let actions: [Action] = [.set(name, item[name] ?? .null)]
            let id = call("UpdateItem", by: who, tables: [t], request: updateRequest(t, tableRef(t, who), key, actions, hashed: hashedNames(actions)))
            write(t, key, MixedWorkload.apply(actions, to: item), at: modifiedAt(), cause: .call(id, keyLogged: true), kind: "UpdateItem")
        }
        return true
    }

    static let conditionFailed = (code: "ConditionalCheckFailedException", message: "The conditional request failed")

    /// A conditional write whose condition fails: an error in CloudTrail, nothing in the stream.
    mutating func failedWrite(_ t: Int, by who: Who? = nil, key given: [Value]? = nil) -> Bool {
        let key: [Value], item: Attributes
        if let given, let existing = items[t][keyText(given)] {
            key = given
            item = existing
        } else {
            guard let picked = pick(t) else { return false }
            key = picked.key
            item = picked.item
        }
        let who = who ?? writer(t)
        let request: String, name: String
        switch rng.below(3) {
        case 0:
            name = "PutItem"
            request = "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key)),\"item\":\(jsonList(nameList(t, item))),\"conditionExpression\":\"attribute_not_exists(\(MixedWorkload.tables[t].key[0].name))\"}"
        case 1:
            name = "UpdateItem"
            let actions = changingActions(t, item)
            request = updateRequest(t, tableRef(t, who), key, actions, hashed: hashedNames(actions),
                                    extra: ",\"conditionExpression\":\"version = :expected\"")
        default:
            name = "DeleteItem"
            request = "{\"tableName\":\(tableRef(t, who)),\"key\":\(plainKey(t, key)),\"conditionExpression\":\"attribute_not_exists(lockedBy)\"}"
        }
        call(name, by: who, tables: [t], request: request, error: Self.conditionFailed)
        return true
    }

    // MARK: Batches and transactions

    /// BatchWriteItem over Orders and sometimes Sessions: puts (keyed, or logging only the
    /// attribute names) and deletes.
    mutating func batchWrite() -> Bool {
        let who = rng.pick([Who.ordersAPI, .fulfilment, .etl, .alice])
        let keyless = rng.chance(0.35)
        var plan: [(t: Int, key: [Value], item: Attributes?)] = []
        for t in rng.chance(0.3) ? [orders, sessions] : [orders] {
            for _ in 0..<(t == orders ? 1 + rng.below(4) : 1 + rng.below(2)) {
                let roll = rng.below(100)
                if roll < 25, let victim = pick(t) {
                    plan.append((t, victim.key, nil))
                } else if roll < 38, let old = pick(t) {
                    let fresh = newItem(t).item.filter { !MixedWorkload.tables[t].key.map(\.name).contains($0.key) }
                    plan.append((t, old.key, merged(t, old.key, fresh)))
                } else {
                    let (key, item) = newItem(t)
                    touch(t, key)
                    plan.append((t, key, item))
                }
            }
        }
        if keyless {
            for t in [orders, sessions] {
                makeRoomForKeyless(t, plan.filter { $0.t == t && $0.item != nil }.map { nameList(t, $0.item!) })
            }
        }
        var requestItems: [String] = []
        for t in [orders, sessions] where plan.contains(where: { $0.t == t }) {
            let requests = plan.filter { $0.t == t }.map { entry -> String in
                guard let item = entry.item else { return "{\"deleteRequest\":{\"key\":\(plainKey(t, entry.key))}}" }
                let names = jsonList(nameList(t, item))
                return keyless ? "{\"putRequest\":{\"item\":\(names)}}" : "{\"putRequest\":{\"key\":\(plainKey(t, entry.key)),\"item\":\(names)}}"
            }
            requestItems.append(tableRef(t, who) + ":[" + requests.joined(separator: ",") + "]")
        }
        let id = call("BatchWriteItem", by: who, tables: plan.map(\.t),
                      request: "{\"requestItems\":{\(requestItems.joined(separator: ","))},\"returnConsumedCapacity\":\"TOTAL\"}")
        let base = modifiedAt()
        for (i, entry) in plan.enumerated() {
            let logged = entry.item == nil || !keyless
            if entry.item != nil && keyless { noteKeyless(entry.t, nameList(entry.t, entry.item!)) }
            write(entry.t, entry.key, entry.item, at: base + Int64(i * rng.below(4)), cause: .call(id, keyLogged: logged),
                  kind: entry.item == nil ? "BatchWriteItem delete" : (keyless ? "BatchWriteItem put (key-less)" : "BatchWriteItem put"))
        }
        return true
    }

    /// TransactWriteItems as CloudTrail logs it: a flat requestItems array, one entry per action,
    /// member casing as in AWS's example. A cancelled one changes nothing.
    mutating func transactWrite(cancelled: Bool) -> Bool {
        let who = rng.pick([Who.fulfilment, .ordersAPI, .ledgerWriter])
        var entries: [String] = []
        var plan: [(t: Int, key: [Value], item: Attributes?, kind: String)] = []
        var checked = false
        if rng.chance(0.6) {
            let (key, item) = newOrder(flat: false)
            touch(orders, key)
            entries.append("{\"operation\":\"Put\",\"tableName\":\"Orders\",\"key\":\(plainKey(orders, key)),\"items\":\(jsonList(nameList(orders, item))),\"conditionExpression\":\"attribute_not_exists(orderId)\"}")
            plan.append((orders, key, item, "TransactWriteItems Put"))
        }
        if rng.chance(0.6), case let (key, item)? = pick(orders) {
            let actions = changingActions(orders, item)
            entries.append("{\"operation\":\"Update\",\"tableName\":\"Orders\",\"key\":\(plainKey(orders, key)),\(MixedWorkload.updateMembers(actions, hashed: hashedNames(actions))),\"returnValuesOnConditionCheckFailure\":\"ALL_OLD\"}")
            plan.append((orders, key, MixedWorkload.apply(actions, to: item), "TransactWriteItems Update"))
        }
        if plan.isEmpty || rng.chance(0.7) {
            // An Update that creates the ledger entry.
            let (key, item) = newLedgerEntry()
            touch(ledger, key)
            let actions = creatingActions(ledger, item)
            entries.append("{\"operation\":\"Update\",\"tableName\":\"Ledger\",\"key\":\(plainKey(ledger, key)),\(MixedWorkload.updateMembers(actions, hashed: hashedNames(actions)))}")
            plan.append((ledger, key, MixedWorkload.apply(actions, to: merged(ledger, key, [:])), "TransactWriteItems Update"))
        }
        if rng.chance(0.2), case let (key, _)? = pick(sessions) {
            entries.append("{\"operation\":\"Delete\",\"TableName\":\"Sessions\",\"key\":\(plainKey(sessions, key)),\"conditionExpression\":\"attribute_exists(sessionId)\"}")
            plan.append((sessions, key, nil, "TransactWriteItems Delete"))
        }
        if rng.chance(0.5), case let (key, _)? = pick(sessions) {
            checked = true
            entries.append("{\"operation\":\"ConditionCheck\",\"TableName\":\"Sessions\",\"Key\":\(plainKey(sessions, key)),\"ConditionExpression\":\"attribute_exists(sessionId)\",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}")
        }
        let request = "{\"requestItems\":[\(entries.joined(separator: ","))],\"returnConsumedCapacity\":\"TOTAL\",\"returnItemCollectionMetrics\":\"SIZE\"}"
        let reasons = (0..<entries.count).map { $0 == entries.count - 1 ? "ConditionalCheckFailed" : "None" }.joined(separator: ", ")
        let id = call("TransactWriteItems", by: who, tables: plan.map(\.t) + (checked ? [sessions] : []), request: request,
                      error: cancelled ? ("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons)]") : nil)
        guard !cancelled else { return true }
        let base = modifiedAt()
        for (i, entry) in plan.enumerated() {
            write(entry.t, entry.key, entry.item, at: base + Int64(i * rng.below(3)), cause: .call(id, keyLogged: true), kind: entry.kind)
        }
        return true
    }
}

import DDBTrailCore

/// PartiQL writes as CloudTrail logs them: no tableName member, every literal redacted except
/// the key values of a WHERE clause (an INSERT's key values are redacted too).
extension MixedWorkload.Engine {
    /// One planned PartiQL write and its effect.
    struct Statement {
        var text: String
        var t: Int
        var key: [Value]
        /// The item after the statement; nil for a DELETE.
        var item: Attributes?
        var keyLogged: Bool
        var verb: String
        /// False when the statement fails without an error in CloudTrail (a duplicate INSERT inside a batch).
        var changes = true
    }

    static let partiQLTables = [MixedWorkload.orders, MixedWorkload.ledger, MixedWorkload.profiles]
    static let duplicateItem = (code: "DuplicateItemException", message: "Duplicate primary key exists in table")

    /// `"Orders"` or `Orders`: both are accepted, and people write both.
    mutating func partiQLName(_ t: Int) -> String {
        let name = MixedWorkload.tables[t].name
        return rng.chance(0.6) ? "\"\(name)\"" : name
    }

    func insertText(_ t: Int, _ table: String, _ item: Attributes) -> String {
        "INSERT INTO \(table) VALUE {" + nameList(t, item).map { "'\($0)' : ***(Redacted)" }.joined(separator: ", ") + "}"
    }

    /// The names a key-less write reveals, as a slot for `makeRoomForKeyless`.
    func insertNames(_ s: Statement) -> [String] { s.item.map { nameList(s.t, $0) } ?? [] }

    /// An INSERT of a new item, or (`duplicate`) of a key that exists, which fails.
    mutating func plannedInsert(_ t: Int, duplicate: Bool = false) -> Statement? {
        var (key, item) = newItem(t, flat: true)
        if duplicate {
            guard let existing = pick(t) else { return nil }
            key = existing.key
            item = merged(t, key, item)
        } else {
            touch(t, key)
        }
        return Statement(text: insertText(t, partiQLName(t), item), t: t, key: key, item: item, keyLogged: false,
                         verb: "INSERT", changes: !duplicate)
    }

    /// Actions a PartiQL UPDATE can express with the same effect: no if_not_exists, and
    /// list_append or arithmetic only on attributes that exist.
    func partiQLActions(_ actions: [Action], _ item: Attributes) -> [Action] {
        actions.compactMap { action in
            switch action {
            case .setIfNotExists: return nil
            case .append(let a, let values, _): return item[a] == nil ? .set(a, .l(values)) : .append(a, values, orEmpty: false)
            case .add(let a, let v): return item[a] == nil ? .set(a, v) : action
            default: return action
            }
        }
    }

    mutating func plannedUpdate(_ t: Int) -> Statement? {
        guard case let (key, item)? = pick(t) else { return nil }
        let actions = partiQLActions(changingActions(t, item), item)
        let text = "UPDATE \(partiQLName(t)) \(MixedWorkload.partiQLClauses(actions)) \(whereClause(t, key))"
        return Statement(text: text, t: t, key: key, item: MixedWorkload.apply(actions, to: item), keyLogged: true, verb: "UPDATE")
    }

    mutating func plannedDelete(_ t: Int) -> Statement? {
        guard case let (key, _)? = pick(t) else { return nil }
        return Statement(text: "DELETE FROM \(partiQLName(t)) \(whereClause(t, key))", t: t, key: key, item: nil,
                         keyLogged: true, verb: "DELETE")
    }

    func statementRequest(_ member: String, _ statements: [Statement]) -> String {
        "{\"\(member)\":[" + statements.map { "{\"statement\":\(jsonString($0.text))}" }.joined(separator: ",") + "]}"
    }

    /// Applies the statements of one call, in order, as changes caused by it.
    mutating func perform(_ statements: [Statement], call id: String, name: String) {
        let base = modifiedAt()
        for (i, s) in statements.enumerated() where s.changes {
            if !s.keyLogged { noteKeyless(s.t, insertNames(s)) }
            write(s.t, s.key, s.item, at: base + Int64(i * rng.below(4)), cause: .call(id, keyLogged: s.keyLogged), kind: name + " " + s.verb)
        }
    }

    /// Registers a batch's key-less INSERTs, moving the clock on first if one would collide.
    mutating func makeRoom(for statements: [Statement]) {
        for t in Self.partiQLTables {
            makeRoomForKeyless(t, statements.filter { $0.t == t && !$0.keyLogged }.map(insertNames))
        }
        for s in statements where !s.keyLogged && !s.changes { noteKeyless(s.t, insertNames(s)) }
    }

    // MARK: Calls

    /// ExecuteStatement with one write: an INSERT (key not logged), an UPDATE or a DELETE.
    mutating func executeStatement(_ verb: String, failing: Bool = false) -> Bool {
        let t = rng.pick(Self.partiQLTables)
        let who = rng.pick(MixedWorkload.partiQLUsers[t])
        let planned: Statement?
        switch verb {
        case "INSERT": planned = plannedInsert(t, duplicate: failing)
        case "UPDATE": planned = plannedUpdate(t)
        default: planned = plannedDelete(t)
        }
        guard var s = planned else { return false }
        if failing && verb == "UPDATE" {
            // A condition on a non-key attribute: its literal is redacted too.
            s.text += " AND version = ***(Redacted)"
        }
        if !failing { makeRoom(for: [s]) }
        let error = failing ? (verb == "INSERT" ? Self.duplicateItem : Self.conditionFailed) : nil
        let id = call("ExecuteStatement", by: who, tables: [t], request: "{\"statement\":\(jsonString(s.text))}", error: error)
        if !failing { perform([s], call: id, name: "ExecuteStatement") }
        return true
    }

    /// BatchExecuteStatement: INSERTs, UPDATEs and DELETEs on Orders and Ledger. A duplicate
    /// INSERT fails inside the batch, which CloudTrail does not show.
    mutating func batchExecuteStatement() -> Bool {
        let who = rng.pick([Who.etl, .etl, .alice, .support])
        var statements: [Statement] = []
        for _ in 0..<(2 + rng.below(4)) {
            let t = rng.chance(0.6) ? orders : ledger
            let roll = rng.below(100)
            let s = roll < 45 ? plannedInsert(t) : roll < 80 ? plannedUpdate(t) : roll < 90 ? plannedDelete(t) : plannedInsert(t, duplicate: true)
            if let s { statements.append(s) }
        }
        guard !statements.isEmpty else { return false }
        makeRoom(for: statements)
        let id = call("BatchExecuteStatement", by: who, tables: statements.map(\.t), request: statementRequest("requestItems", statements))
        perform(statements, call: id, name: "BatchExecuteStatement")
        return true
    }

    /// ExecuteTransaction: an order's status, a ledger entry INSERTed, sometimes a DELETE.
    mutating func executeTransaction(cancelled: Bool) -> Bool {
        let who = rng.pick([Who.fulfilment, .etl, .alice])
        var statements: [Statement] = []
        if let s = plannedUpdate(orders) { statements.append(s) }
        if let s = plannedInsert(ledger) { statements.append(s) }
        if rng.chance(0.3), let s = plannedDelete(orders) { statements.append(s) }
        if rng.chance(0.3), let s = plannedUpdate(ledger) { statements.append(s) }
        guard statements.count > 1 else { return false }
        if !cancelled { makeRoom(for: statements) }
        let reasons = statements.indices.map { $0 == 0 ? "ConditionalCheckFailed" : "None" }.joined(separator: ", ")
        let id = call("ExecuteTransaction", by: who, tables: statements.map(\.t), request: statementRequest("transactStatements", statements),
                      error: cancelled ? ("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons)]") : nil)
        if !cancelled { perform(statements, call: id, name: "ExecuteTransaction") }
        return true
    }
}

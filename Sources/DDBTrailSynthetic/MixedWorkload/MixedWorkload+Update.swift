import DDBTrailCore

extension MixedWorkload {
    /// One clause of an update, kept as structure so that its effect and both of its spellings
    /// (an UpdateExpression, a PartiQL UPDATE) come from the same value.
    enum Action: Sendable {
        case set(String, Value)
        /// SET a.b = :v on a map attribute that exists.
        case setMember(String, String, Value)
        case setIfNotExists(String, Value)
        /// SET a = list_append(if_not_exists(a, :empty), :v), or list_append(a, :v) when `orEmpty` is false.
        case append(String, [Value], orEmpty: Bool)
        case remove(String)
        case removeMember(String, String)
        /// ADD a :v, a number (integers only here) or a string set.
        case add(String, Value)

        var names: [String] {
            switch self {
            case .set(let a, _), .setIfNotExists(let a, _), .append(let a, _, _), .remove(let a), .add(let a, _): return [a]
            case .setMember(let a, let b, _), .removeMember(let a, let b): return [a, b]
            }
        }
    }

    /// DynamoDB reserved words among the generated names: these always go through #placeholders.
    static let reservedWords: Set<String> = ["status", "comment", "data", "name", "count", "size", "items", "history", "lang"]

    /// The item after the actions, as DynamoDB applies them.
    static func apply(_ actions: [Action], to item: Attributes) -> Attributes {
        var out = item
        for action in actions {
            switch action {
            case .set(let a, let v):
                out[a] = v
            case .setMember(let a, let b, let v):
                if case .m(var map)? = out[a] { map[b] = v; out[a] = .m(map) }
            case .setIfNotExists(let a, let v):
                if out[a] == nil { out[a] = v }
            case .append(let a, let values, _):
                if case .l(let existing)? = out[a] { out[a] = .l(existing + values) } else { out[a] = .l(values) }
            case .remove(let a):
                out[a] = nil
            case .removeMember(let a, let b):
                if case .m(var map)? = out[a] { map[b] = nil; out[a] = .m(map) }
            case .add(let a, let v):
                switch (out[a], v) {
                case (.n(let x)?, .n(let d)): out[a] = .n(String((Int(x) ?? 0) + (Int(d) ?? 0)))
                case (.ss(let x)?, .ss(let more)): out[a] = .ss(x + more.filter { !x.contains($0) })
                default: out[a] = v
                }
            }
        }
        return out
    }

    /// The UpdateExpression and its expressionAttributeNames. Names in `hashed` are written as
    /// placeholders (#n0, #n1, …), the rest bare; values are always placeholders, never logged.
    static func expression(_ actions: [Action], hashed: Set<String>) -> (text: String, names: [(String, String)]) {
        var names: [(String, String)] = []
        var values = 0
        func ref(_ name: String) -> String {
            guard hashed.contains(name) else { return name }
            if let known = names.first(where: { $0.1 == name }) { return known.0 }
            names.append(("#n\(names.count)", name))
            return names[names.count - 1].0
        }
        func value() -> String { values += 1; return ":v\(values - 1)" }
        var set: [String] = [], remove: [String] = [], add: [String] = []
        for action in actions {
            switch action {
            case .set(let a, _): set.append("\(ref(a)) = \(value())")
            case .setMember(let a, let b, _): set.append("\(ref(a)).\(ref(b)) = \(value())")
            case .setIfNotExists(let a, _): set.append("\(ref(a)) = if_not_exists(\(ref(a)), \(value()))")
            case .append(let a, _, let orEmpty):
                set.append(orEmpty ? "\(ref(a)) = list_append(if_not_exists(\(ref(a)), \(value())), \(value()))"
                                   : "\(ref(a)) = list_append(\(ref(a)), \(value()))")
            case .remove(let a): remove.append(ref(a))
            case .removeMember(let a, let b): remove.append("\(ref(a)).\(ref(b))")
            case .add(let a, _): add.append("\(ref(a)) \(value())")
            }
        }
        let clauses = [("SET", set), ("REMOVE", remove), ("ADD", add)].filter { !$0.1.isEmpty }
        return (clauses.map { $0.0 + " " + $0.1.joined(separator: ", ") }.joined(separator: " "), names)
    }

    /// The same actions as PartiQL UPDATE clauses, literals redacted the way CloudTrail logs them.
    static func partiQLClauses(_ actions: [Action]) -> String {
        let redacted = "***(Redacted)"
        return actions.map { action -> String in
            switch action {
            case .set(let a, _), .setIfNotExists(let a, _): return "SET \(a) = \(redacted)"
            case .setMember(let a, let b, _): return "SET \(a).\(b) = \(redacted)"
            case .append(let a, _, _): return "SET \(a) = list_append(\(a), \(redacted))"
            case .remove(let a): return "REMOVE \(a)"
            case .removeMember(let a, let b): return "REMOVE \(a).\(b)"
            case .add(let a, .ss(_)): return "SET \(a) = set_add(\(a), \(redacted))"
            case .add(let a, _): return "SET \(a) = \(a) + \(redacted)"
            }
        }.joined(separator: " ")
    }

    /// The request members of an update: updateExpression and, when used, expressionAttributeNames.
    static func updateMembers(_ actions: [Action], hashed: Set<String>) -> String {
        let (text, names) = expression(actions, hashed: hashed)
        var out = "\"updateExpression\":" + jsonString(text)
        if !names.isEmpty {
            out += ",\"expressionAttributeNames\":{" + names.map { jsonString($0.0) + ":" + jsonString($0.1) }.joined(separator: ",") + "}"
        }
        return out
    }
}

/// An item named on the command line: `--key ATTR=VALUE` (matched whatever its type), or
/// `ATTR:S=…`, `ATTR:N=42`, `ATTR:B=<base64>` to force a type.
public struct ItemSelector: Sendable {
    public struct KeyError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public var table: String
    /// (name, forced type or nil, value)
    public var parts: [(name: String, type: String?, value: String)]

    public init(table: String, keys: [String]) throws {
        self.table = table
        parts = []
        for item in keys {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw KeyError(description: "--key expects ATTR=VALUE (or ATTR:N=VALUE, ATTR:B=BASE64), got '\(item)'")
            }
            var name = String(item[..<eq])
            var type: String? = nil
            if let colon = name.lastIndex(of: ":") {
                let t = name[name.index(after: colon)...].uppercased()
                guard ["S", "N", "B"].contains(t) else {
                    throw KeyError(description: "--key '\(item)': type must be S, N or B, got '\(t)'")
                }
                type = t
                name = String(name[..<colon])
            }
            let value = String(item[item.index(after: eq)...])
            if type == "N", DecimalText.normalise(value) == nil {
                throw KeyError(description: "--key '\(item)': '\(value)' is not a number")
            }
            if type == "B", Base64.decode(value) == nil {
                throw KeyError(description: "--key '\(item)': '\(value)' is not base64")
            }
            parts.append((name, type, value))
        }
        if parts.isEmpty { throw KeyError(description: "give the item's key with --key ATTR=VALUE (once per key attribute)") }
    }

    /// Every canonical key the item may be stored under: each untyped value read as a string,
    /// and also as a number or binary where it can be one.
    public var canonicalKeys: [String] {
        var combinations: [[ItemKey.Attribute]] = [[]]
        for part in parts {
            var types = part.type.map { [$0] } ?? ["S"]
            if part.type == nil {
                if DecimalText.normalise(part.value) != nil { types.append("N") }
                if part.value.count % 4 == 0, !part.value.isEmpty, Base64.decode(part.value) != nil { types.append("B") }
            }
            combinations = combinations.flatMap { prefix in
                types.map { prefix + [ItemKey.Attribute(name: part.name, type: $0, value: part.value)] }
            }
        }
        var seen = Set<String>()
        return combinations.map(ItemKey.canonical).filter { seen.insert($0).inserted }
    }

    public var keysParameter: String { "[" + canonicalKeys.map(jsonString).joined(separator: ",") + "]" }

    /// The key as an `item-key` query parameter: a JSON object, forced types as `{"N": …}`.
    public var parameterText: String {
        "{" + parts.map { part in
            jsonString(part.name) + ":" + (part.type.map { "{\(jsonString($0)):\(jsonString(part.value))}" } ?? jsonString(part.value))
        }.joined(separator: ",") + "}"
    }
}

extension ItemSelector {
    /// An `item-key` query parameter: `ATTR=VALUE[,ATTR=VALUE]` (each part as `--key` takes it) or a
    /// JSON object (`{"customerId":"C-1001"}`; a JSON number is an N value, `{"S"|"N"|"B": …}` forces
    /// a type). Returns the JSON array of canonical keys the item may be stored under.
    static func keysParameter(_ text: String, query: String, parameter: String) throws -> String {
        var parts: [String] = []
        let trimmed = text.trimmingWhitespace
        if trimmed.hasPrefix("{") {
            guard let object = (try? JSONParser.parse(Array(trimmed.utf8)))?.object, !object.members.isEmpty else {
                throw QueryError("\(query): parameter '\(parameter)' is not a JSON object of key attributes: '\(text)'")
            }
            for (name, value) in object.members {
                switch value {
                case .string(let s): parts.append("\(name)=\(s)")
                case .number(let n): parts.append("\(name):N=\(n)")
                case .object(let typed):
                    guard typed.members.count == 1, let (type, v) = typed.members.first, let s = v.scalarText else {
                        throw QueryError("\(query): parameter '\(parameter)': attribute '\(name)' must be a string, a number or {\"S\"|\"N\"|\"B\": value}")
                    }
                    parts.append("\(name):\(type)=\(s)")
                default:
                    throw QueryError("\(query): parameter '\(parameter)': attribute '\(name)' must be a string, a number or {\"S\"|\"N\"|\"B\": value}")
                }
            }
        } else {
            parts = trimmed.split(separator: ",").map { String($0).trimmingWhitespace }
        }
        do {
            return try ItemSelector(table: "", keys: parts).keysParameter
        } catch {
            throw QueryError("\(query): parameter '\(parameter)': \(error)")
        }
    }
}

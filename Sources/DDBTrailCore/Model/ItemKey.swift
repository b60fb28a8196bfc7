/// The canonical text of a DynamoDB item key, the same whichever evidence it came from, so
/// CloudTrail's plain keys join to the typed keys of change records.
///
/// Form: a JSON object, members sorted by attribute name (UTF-8 byte order), every value a
/// JSON string: S as is, N as a normalised decimal (`"1.50"` → `"1.5"`, `1E+2` → `"100"`), B as
/// standard padded base64 of the decoded bytes. Example: `{"customerId":"C-1001","orderId":"O-77"}`.
public enum ItemKey {
    /// One attribute of a key: its name, its DynamoDB type when known (`S`, `N`, `B`), its value text.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var type: String?
        public var value: String
        public init(name: String, type: String?, value: String) {
            self.name = name; self.type = type; self.value = value
        }
    }

    /// Applies a table's key schema types (`types[name]`) over what the record said.
    public static func retyped(_ attributes: [Attribute], with types: [String: String]?) -> [Attribute] {
        guard let types, !types.isEmpty else { return attributes }
        return attributes.map { a in
            var a = a
            if let t = types[a.name] { a.type = t }
            return a
        }
    }

    public static func canonical(_ attributes: [Attribute]) -> String {
        let sorted = attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var out: [UInt8] = [0x7B]
        for (n, attribute) in sorted.enumerated() {
            if n > 0 { out.append(0x2C) }
            appendJSONString(attribute.name, to: &out)
            out.append(0x3A)
            appendJSONString(canonicalValue(attribute), to: &out)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }

    static func canonicalValue(_ attribute: Attribute) -> String {
        switch attribute.type {
        case "N": return DecimalText.normalise(attribute.value) ?? attribute.value
        case "B": return Base64.decode(attribute.value).map(Base64.encode) ?? attribute.value
        default: return attribute.value
        }
    }

    /// Reads a key as CloudTrail logs it (`{"attr": "value" | 42 | {"S": "value"}}`), typing values
    /// with the table's key schema when one is known (`types[attr]`), else by their JSON type
    /// (a JSON number is N; a plain string stays untyped, which canonicalises as S).
    public static func attributes(from key: JSONObject, types: [String: String]) -> [Attribute] {
        key.members.map { member in
            if case .object(let typed) = member.value, typed.members.count == 1,
               ["S", "N", "B"].contains(typed.members[0].key), let text = typed.members[0].value.scalarText {
                return Attribute(name: member.key, type: typed.members[0].key, value: text)
            }
            switch member.value {
            case .number(let n): return Attribute(name: member.key, type: types[member.key] ?? "N", value: n)
            case .string(let s): return Attribute(name: member.key, type: types[member.key], value: s)
            default: return Attribute(name: member.key, type: nil, value: member.value.compactText)
            }
        }
    }

}

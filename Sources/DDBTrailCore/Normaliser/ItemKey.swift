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
        case "N": return normaliseDecimal(attribute.value) ?? attribute.value
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

    /// A DynamoDB number in canonical decimal notation, or nil if the text is not a number.
    public static func normaliseDecimal(_ text: String) -> String? {
        isCanonicalDecimal(text) ? text : rewriteDecimal(text)
    }

    /// `normaliseDecimal` for text that is not already canonical.
    static func rewriteDecimal(_ text: String) -> String? {
        var b = Array(text.trimmingWhitespace.utf8)
        guard !b.isEmpty else { return nil }
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { negative = b[0] == UInt8(ascii: "-"); b.removeFirst() }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var i = 0
        while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: ".") {
            if b[i] == UInt8(ascii: ".") {
                guard pointPosition == nil else { return nil }
                pointPosition = digits.count
            } else { digits.append(b[i]) }
            i += 1
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        if i < b.count {
            guard b[i] | 0x20 == UInt8(ascii: "e") else { return nil }
            i += 1
            guard let e = Int(String(decoding: b[i...], as: UTF8.self)), abs(e) < 1000 else { return nil }
            exponent = e
            i = b.count
        }
        // value = 0.digits × 10^(intDigits + exponent)
        var intDigits = (pointPosition ?? digits.count) + exponent
        while let first = digits.first, first == 48 { digits.removeFirst(); intDigits -= 1 }
        while let last = digits.last, last == 48 { digits.removeLast() }
        if digits.isEmpty { return "0" }
        var out: String
        let d = String(decoding: digits, as: UTF8.self)
        if intDigits <= 0 {
            out = "0." + String(repeating: "0", count: -intDigits) + d
        } else if intDigits >= digits.count {
            out = d + String(repeating: "0", count: intDigits - digits.count)
        } else {
            let idx = d.index(d.startIndex, offsetBy: intDigits)
            out = d[..<idx] + "." + d[idx...]
        }
        return negative ? "-" + out : out
    }
}

extension ItemKey {
    /// True when `normaliseDecimal` would return the text unchanged (the common case, checked
    /// without building anything): an optional `-`, then `0` or digits without leading zeros,
    /// then optionally `.` and digits not ending in `0`; never `-0`.
    static func isCanonicalDecimal(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { b -> Bool in
            var i = 0
            let negative = b.first == 0x2D
            if negative { i = 1 }
            let integerStart = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            let integerDigits = i - integerStart
            guard integerDigits > 0, integerDigits == 1 || b[integerStart] != 0x30 else { return false }
            if i == b.count { return !(negative && integerDigits == 1 && b[integerStart] == 0x30) }
            guard b[i] == 0x2E else { return false }
            i += 1
            let fractionStart = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i == b.count && i > fractionStart && b[i - 1] != 0x30
        } ?? false
    }
}

/// JSON string literal for `s`.
public func jsonString(_ s: String) -> String {
    var out: [UInt8] = []
    appendJSONString(s, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// Appends the JSON string literal for `s` to `out`: `"`, `\` and control characters escaped.
package func appendJSONString(_ s: String, to out: inout [UInt8]) {
    var s = s
    s.withUTF8 { b in
        out.append(0x22)
        var start = 0
        while start < b.count {
            // Runs without anything to escape are copied whole.
            var end = start
            while end < b.count, b[end] >= 0x20, b[end] != 0x22, b[end] != 0x5C { end += 1 }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<end]))
            guard end < b.count else { break }
            let c = b[end]
            switch c {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            default:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0x0F)]]
            }
            start = end + 1
        }
        out.append(0x22)
    }
}

extension JSON {
    /// Compact JSON text of the value (member order kept). Used for small fragments such as keys.
    var compactText: String {
        var out: [UInt8] = []
        writeCompact(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func writeCompact(into out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let n): out += n.utf8
        case .string(let s): appendJSONString(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                element.writeCompact(into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (i, member) in o.members.enumerated() {
                if i > 0 { out.append(0x2C) }
                appendJSONString(member.key, to: &out)
                out.append(0x3A)
                member.value.writeCompact(into: &out)
            }
            out.append(0x7D)
        case .deferred(let d): d.value.writeCompact(into: &out)
        }
    }
}

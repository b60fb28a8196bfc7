/// One DynamoDB attribute value, as carried in stream images, exports and GetItem output
/// (`{"S":"x"}`, `{"N":"1.5"}`, …).
///
/// Numbers keep their original decimal text (never a `Double`); binaries hold decoded bytes;
/// maps keep their member order. Equality (`==`, `isEqual(to:)`) is DynamoDB's meaning of
/// equality, not the spelling: numbers compare as decimals, sets ignore order and duplicates,
/// maps ignore member order, strings compare by their UTF-8 bytes.
public indirect enum AttributeValue: Sendable {
    case s(String)
    case n(String)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([(String, AttributeValue)])
    case l([AttributeValue])
    case ss([String])
    case ns([String])
    case bs([[UInt8]])

    /// The wire type key: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS" or "BS".
    public var typeName: String {
        switch self {
        case .s: return "S"
        case .n: return "N"
        case .b: return "B"
        case .bool: return "BOOL"
        case .null: return "NULL"
        case .m: return "M"
        case .l: return "L"
        case .ss: return "SS"
        case .ns: return "NS"
        case .bs: return "BS"
        }
    }

    static let typeNames = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]
}

// MARK: - Parsing

/// A typed value that cannot be read. `path` names the value inside its image, e.g.
/// `NewImage.addresses[2].zip`.
public struct AttributeValueError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { (path.isEmpty ? "value" : path) + ": " + message }
}

extension AttributeValue {
    /// Things that were accepted although real DynamoDB would not produce them (a `B` that is
    /// not base64, `"BOOL":"true"`, an empty set, …). One message per occurrence, with its path.
    public struct ParseNotes: Sendable, Equatable {
        public var messages: [String] = []
        public init() {}
        /// True when anything had to be read leniently.
        public var lenient: Bool { !messages.isEmpty }

        mutating func add(_ path: String, _ message: String) {
            messages.append((path.isEmpty ? "value" : path) + ": " + message)
        }
    }

    /// Reads one typed value (`{"S":"x"}`, `{"M":{…}}`, …). `path` is used in error messages.
    public static func parse(_ json: JSON, path: String = "") throws -> AttributeValue {
        var notes = ParseNotes()
        return try parse(json, path: path, notes: &notes)
    }

    /// Reads one typed value, recording anything accepted leniently in `notes`.
    public static func parse(_ json: JSON, path: String = "", notes: inout ParseNotes) throws -> AttributeValue {
        try parse(json, at: { path }, notes: &notes)
    }

    /// Paths are built only for messages (`path` is called only then): most values have none.
    private static func parse(_ json: JSON, at path: () -> String, notes: inout ParseNotes) throws -> AttributeValue {
        guard case .object(let object) = json else {
            throw AttributeValueError(path: path(), message: "expected a typed value object such as {\"S\":…}, found \(describe(json))")
        }
        guard object.members.count == 1 else {
            if object.members.isEmpty {
                throw AttributeValueError(path: path(), message: "typed value object has no type key")
            }
            let keys = object.members.map { jsonString($0.key) }.joined(separator: ", ")
            throw AttributeValueError(path: path(), message: "typed value object has \(object.members.count) keys (\(keys)); expected exactly one type key")
        }
        let (key, value) = object.members[0]
        var type = key
        if !typeNames.contains(key) {
            guard let match = typeNames.first(where: { $0.lowercased() == key.lowercased() }) else {
                throw AttributeValueError(path: path(), message: "unknown type key \(jsonString(key))")
            }
            notes.add(path(), "type key \(jsonString(key)) read as \(match)")
            type = match
        }

        switch type {
        case "S":
            switch value {
            case .string(let s): return .s(s)
            case .number(let text):
                notes.add(path(), "S given as a JSON number")
                return .s(text)
            default:
                throw AttributeValueError(path: path(), message: "S must be a string, found \(describe(value))")
            }

        case "N":
            return .n(try number(value, at: path, what: "N", notes: &notes))

        case "B":
            guard case .string(let text) = value else {
                throw AttributeValueError(path: path(), message: "B must be a base64 string, found \(describe(value))")
            }
            return .b(binary(text, at: path, notes: &notes))

        case "BOOL":
            switch value {
            case .bool(let b): return .bool(b)
            case .string:
                if let b = value.flexibleBool {
                    notes.add(path(), "BOOL given as a string")
                    return .bool(b)
                }
            default: break
            }
            throw AttributeValueError(path: path(), message: "BOOL must be true or false, found \(describe(value))")

        case "NULL":
            switch value {
            case .bool(true): return .null
            case .bool(false):
                notes.add(path(), "NULL given as false")
                return .null
            case .string:
                if let b = value.flexibleBool {
                    notes.add(path(), b ? "NULL given as a string" : "NULL given as \"false\"")
                    return .null
                }
            default: break
            }
            throw AttributeValueError(path: path(), message: "NULL must be true, found \(describe(value))")

        case "M":
            guard case .object(let members) = value else {
                throw AttributeValueError(path: path(), message: "M must be an object, found \(describe(value))")
            }
            return .m(try parseMembers(members, at: path, notes: &notes))

        case "L":
            guard case .array(let elements) = value else {
                throw AttributeValueError(path: path(), message: "L must be an array, found \(describe(value))")
            }
            var out: [AttributeValue] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                out.append(try parse(element, at: { AttributePath.index(path(), i) }, notes: &notes))
            }
            return .l(out)

        case "SS":
            let elements = try setElements(value, at: path, type: "SS", notes: &notes)
            var out: [String] = []
            for (i, element) in elements.enumerated() {
                switch element {
                case .string(let s): out.append(s)
                case .number(let text):
                    notes.add(AttributePath.index(path(), i), "SS element given as a JSON number")
                    out.append(text)
                default:
                    throw AttributeValueError(path: AttributePath.index(path(), i), message: "SS element must be a string, found \(describe(element))")
                }
            }
            if Set(out.map { Array($0.utf8) }).count != out.count { notes.add(path(), "SS has duplicate elements") }
            return .ss(out)

        case "NS":
            let elements = try setElements(value, at: path, type: "NS", notes: &notes)
            var out: [String] = []
            for (i, element) in elements.enumerated() {
                out.append(try number(element, at: { AttributePath.index(path(), i) }, what: "NS element", notes: &notes))
            }
            if Set(out.map { DecimalText.normalise($0) ?? $0 }).count != out.count { notes.add(path(), "NS has duplicate elements") }
            return .ns(out)

        default: // "BS"
            let elements = try setElements(value, at: path, type: "BS", notes: &notes)
            var out: [[UInt8]] = []
            for (i, element) in elements.enumerated() {
                guard case .string(let text) = element else {
                    throw AttributeValueError(path: AttributePath.index(path(), i), message: "BS element must be a base64 string, found \(describe(element))")
                }
                out.append(binary(text, at: { AttributePath.index(path(), i) }, notes: &notes))
            }
            if Set(out).count != out.count { notes.add(path(), "BS has duplicate elements") }
            return .bs(out)
        }
    }

    /// Reads an image or `Keys` map: `{"name": {"S": …}, …}`, member order kept. `path` (e.g.
    /// "NewImage") prefixes the attribute paths in error messages.
    public static func parseItem(_ object: JSONObject, path: String = "") throws -> [(String, AttributeValue)] {
        var notes = ParseNotes()
        return try parseMembers(object, at: { path }, notes: &notes)
    }

    /// Reads an image or `Keys` map, recording anything accepted leniently in `notes`.
    public static func parseItem(_ object: JSONObject, path: String = "", notes: inout ParseNotes) throws -> [(String, AttributeValue)] {
        try parseMembers(object, at: { path }, notes: &notes)
    }

    private static func parseMembers(_ object: JSONObject, at path: () -> String, notes: inout ParseNotes) throws -> [(String, AttributeValue)] {
        var out: [(String, AttributeValue)] = []
        out.reserveCapacity(object.members.count)
        for (index, member) in object.members.enumerated() {
            if object.members[..<index].contains(where: { ByteScan.sameUTF8($0.key, member.key) }) {
                notes.add(AttributePath.member(path(), member.key), "duplicate attribute name (the first one counts when comparing)")
            }
            out.append((member.key, try parse(member.value, at: { AttributePath.member(path(), member.key) }, notes: &notes)))
        }
        return out
    }

    private static func number(_ value: JSON, at path: () -> String, what: String, notes: inout ParseNotes) throws -> String {
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let s):
            notes.add(path(), "\(what) given as a JSON number")
            text = s
        default:
            throw AttributeValueError(path: path(), message: "\(what) must be a number string, found \(describe(value))")
        }
        guard DecimalText.normalise(text) != nil else {
            throw AttributeValueError(path: path(), message: "\(what) \(jsonString(text)) is not a decimal number")
        }
        return text
    }

    /// Decoded bytes of a base64 string. Text that is not base64 is kept as its UTF-8 bytes and
    /// noted; base64 that decodes but is not in the standard padded spelling is only noted.
    private static func binary(_ text: String, at path: () -> String, notes: inout ParseNotes) -> [UInt8] {
        let significant = text.utf8.filter { $0 != UInt8(ascii: "=") && $0 != 10 && $0 != 13 }.count
        if let bytes = Base64.decode(text), significant % 4 != 1 {
            if Base64.encode(bytes) != text { notes.add(path(), "binary is not in standard padded base64") }
            return bytes
        }
        notes.add(path(), "binary is not base64; kept as its UTF-8 bytes")
        return Array(text.utf8)
    }

    private static func setElements(_ value: JSON, at path: () -> String, type: String, notes: inout ParseNotes) throws -> [JSON] {
        guard case .array(let elements) = value else {
            throw AttributeValueError(path: path(), message: "\(type) must be an array, found \(describe(value))")
        }
        if elements.isEmpty { notes.add(path(), "empty \(type) (DynamoDB sets cannot be empty)") }
        return elements
    }

    private static func describe(_ json: JSON) -> String {
        switch json {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return "number \(n)"
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "string \(jsonString(shown))"
        case .array: return "an array"
        case .object: return "an object"
        case .deferred(let d): return describe(d.value)
        }
    }
}

// MARK: - Equality

extension AttributeValue: Equatable {
    /// Semantic equality; see `isEqual(to:)`.
    public static func == (a: AttributeValue, b: AttributeValue) -> Bool { a.isEqual(to: b) }

    /// DynamoDB equality: N as decimals ("1.50" equals "1.5", "1E2" equals "100"); B and BS by
    /// bytes; SS, NS and BS as sets (order and duplicates ignored); M as maps (member order
    /// ignored, the first of duplicate names counts); L element by element; S by UTF-8 bytes.
    /// Values of different types are never equal.
    public func isEqual(to other: AttributeValue) -> Bool {
        switch (self, other) {
        case (.s(let x), .s(let y)): return ByteScan.sameUTF8(x, y)
        // The same text is the same number; other spellings are compared as decimals.
        case (.n(let x), .n(let y)): return ByteScan.sameUTF8(x, y) || Self.decimalKey(x) == Self.decimalKey(y)
        case (.b(let x), .b(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.m(let x), .m(let y)):
            var distinct = 0
            for (i, (name, value)) in x.enumerated() where Self.firstIndex(of: name, in: x) == i {
                guard let j = Self.firstIndex(of: name, in: y), value.isEqual(to: y[j].1) else { return false }
                distinct += 1
            }
            return distinct == y.indices.filter { Self.firstIndex(of: y[$0].0, in: y) == $0 }.count
        case (.l(let x), .l(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.isEqual(to: $1) }
        case (.ss(let x), .ss(let y)): return Set(x.map { Array($0.utf8) }) == Set(y.map { Array($0.utf8) })
        case (.ns(let x), .ns(let y)): return Set(x.map(Self.decimalKey)) == Set(y.map(Self.decimalKey))
        case (.bs(let x), .bs(let y)): return Set(x) == Set(y)
        default: return false
        }
    }

    /// Canonical decimal text, or the text itself if it is not a number (only possible for
    /// values built in code, since parsing rejects such numbers).
    static func decimalKey(_ text: String) -> String { DecimalText.normalise(text) ?? text }

    /// Position of the first member named `name` (names compared by their UTF-8 bytes).
    static func firstIndex(of name: String, in members: [(String, AttributeValue)]) -> Int? {
        members.firstIndex { ByteScan.sameUTF8($0.0, name) }
    }

    /// Members by UTF-8 name; the first of duplicate names wins.
    static func mapByName(_ members: [(String, AttributeValue)]) -> [[UInt8]: AttributeValue] {
        var out: [[UInt8]: AttributeValue] = [:]
        out.reserveCapacity(members.count)
        for (name, value) in members where out[Array(name.utf8)] == nil { out[Array(name.utf8)] = value }
        return out
    }
}

// MARK: - Serialisation

extension AttributeValue {
    /// Plain (untyped) JSON for querying: S → string, N → the normalised decimal as a number
    /// literal (exact; no `Double`), B → base64 string, BOOL → bool, NULL → null, M → object in
    /// original member order, L → array, SS → strings, NS → number literals, BS → base64
    /// strings (sets in their original order).
    public var plainJSON: String {
        var out: [UInt8] = []
        writePlain(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Plain JSON object for a whole image, members in original order.
    public static func plainJSON(item: [(String, AttributeValue)]) -> String {
        var out: [UInt8] = []
        writePlain(item: item, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func writePlain(item: [(String, AttributeValue)], into out: inout [UInt8]) {
        out.append(0x7B)
        for (i, (name, value)) in item.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendJSONString(name, to: &out)
            out.append(0x3A)
            value.writePlain(into: &out)
        }
        out.append(0x7D)
    }

    func writePlain(into out: inout [UInt8]) {
        func elements<T>(_ values: [T], _ write: (T, inout [UInt8]) -> Void) {
            out.append(0x5B)
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(0x2C) }
                write(v, &out)
            }
            out.append(0x5D)
        }
        switch self {
        case .s(let s): appendJSONString(s, to: &out)
        case .n(let text): Self.writeNumber(text, into: &out)
        case .b(let bytes): appendJSONString(Base64.encode(bytes), to: &out)
        case .bool(let b): out += b ? Array("true".utf8) : Array("false".utf8)
        case .null: out += Array("null".utf8)
        case .m(let members): Self.writePlain(item: members, into: &out)
        case .l(let values): elements(values) { $0.writePlain(into: &$1) }
        case .ss(let values): elements(values) { appendJSONString($0, to: &$1) }
        case .ns(let values): elements(values) { Self.writeNumber($0, into: &$1) }
        case .bs(let values): elements(values) { appendJSONString(Base64.encode($0), to: &$1) }
        }
    }

    /// The normalised decimal as a JSON number literal; text that is not a number becomes a
    /// JSON string so the output stays valid.
    private static func writeNumber(_ text: String, into out: inout [UInt8]) {
        if let canonical = DecimalText.normalise(text) { out += canonical.utf8 } else { appendJSONString(text, to: &out) }
    }

    /// Canonical typed wire form, e.g. `{"M":{"a":{"N":"1.5"}}}`: numbers normalised, binaries
    /// in standard padded base64, map members sorted by name (UTF-8 byte order, first of
    /// duplicates kept), set elements sorted and de-duplicated (NS numerically, SS and BS by
    /// bytes), lists in order. Two values are `==` exactly when their `typedJSON` is the same.
    public var typedJSON: String {
        var out = ""
        writeTyped(into: &out)
        return out
    }

    /// Canonical typed form of a whole image (an object of typed values, names sorted).
    public static func typedJSON(item: [(String, AttributeValue)]) -> String {
        var out = ""
        writeTypedMembers(item, into: &out)
        return out
    }

    private static func writeTypedMembers(_ members: [(String, AttributeValue)], into out: inout String) {
        let sorted = mapByName(members).sorted { $0.key.lexicographicallyPrecedes($1.key) }
        out += "{"
        for (i, (name, value)) in sorted.enumerated() {
            if i > 0 { out += "," }
            out += jsonString(String(decoding: name, as: UTF8.self))
            out += ":"
            value.writeTyped(into: &out)
        }
        out += "}"
    }

    private func writeTyped(into out: inout String) {
        switch self {
        case .s(let s): out += "{\"S\":" + jsonString(s) + "}"
        case .n(let text): out += "{\"N\":" + jsonString(Self.decimalKey(text)) + "}"
        case .b(let bytes): out += "{\"B\":" + jsonString(Base64.encode(bytes)) + "}"
        case .bool(let b): out += b ? "{\"BOOL\":true}" : "{\"BOOL\":false}"
        case .null: out += "{\"NULL\":true}"
        case .m(let members):
            out += "{\"M\":"
            Self.writeTypedMembers(members, into: &out)
            out += "}"
        case .l(let elements):
            out += "{\"L\":["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.writeTyped(into: &out)
            }
            out += "]}"
        case .ss(let elements):
            let sorted = Set(elements.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
            out += "{\"SS\":[" + sorted.map { jsonString(String(decoding: $0, as: UTF8.self)) }.joined(separator: ",") + "]}"
        case .ns(let elements):
            let sorted = Set(elements.map(Self.decimalKey)).sorted(by: DecimalText.less)
            out += "{\"NS\":[" + sorted.map(jsonString).joined(separator: ",") + "]}"
        case .bs(let elements):
            let sorted = Set(elements).sorted { $0.lexicographicallyPrecedes($1) }
            out += "{\"BS\":[" + sorted.map { jsonString(Base64.encode($0)) }.joined(separator: ",") + "]}"
        }
    }

}

extension AttributeValue: CustomStringConvertible {
    public var description: String { typedJSON }
}

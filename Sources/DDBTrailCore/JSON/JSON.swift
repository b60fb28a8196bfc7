/// A parsed JSON value. Numbers keep their exact text (DynamoDB numbers have 38 digits and must
/// never pass through `Double`); objects keep member order, duplicates and their byte range in
/// the parsed input, so a nested record can be stored byte-exact.
public indirect enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public var object: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Scalars as text: strings as they are, numbers in their original spelling, booleans.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// A boolean, also accepting the strings "true"/"false" that CloudTrail uses in places.
    public var flexibleBool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s):
            switch s.lowercased() { case "true": return true; case "false": return false; default: return nil }
        default: return nil
        }
    }

    public subscript(key: String) -> JSON? { object?[key] }
}

public struct JSONObject: Equatable, Sendable {
    public var members: [(key: String, value: JSON)]
    /// Byte range of the object's text in the buffer it was parsed from.
    public var range: Range<Int>

    public init(members: [(key: String, value: JSON)], range: Range<Int>) {
        self.members = members
        self.range = range
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Member lookup: exact name first, then ignoring case (CloudTrail and AWS examples mix
    /// `tableName`/`TableName`, and some data lakes lower-case every key).
    public subscript(key: String) -> JSON? {
        for member in members where member.key == key { return member.value }
        for member in members where member.key.count == key.count
            && member.key.lowercased() == key.lowercased() { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }
}

public struct JSONError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the problem within the parsed text.
    public let offset: Int
    public let message: String
    public var description: String { "\(message) at byte \(offset)" }
}

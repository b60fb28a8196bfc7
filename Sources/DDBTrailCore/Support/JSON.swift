/// A parsed JSON value. Numbers keep their exact text (DynamoDB numbers have 38 digits and must
/// never pass through `Double`); objects keep member order, duplicates and their byte range in
/// the parsed input, so a nested record can be stored byte-exact.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
    /// An object or array the parser checked but did not build, because it was asked to defer
    /// that member (`JSONParser.parse(_:deferring:)`). The accessors below build it on use, so
    /// a deferred value reads like any other; `textRange` gives its bytes without building it.
    case deferred(DeferredJSON)

    public var object: JSONObject? {
        switch self {
        case .object(let o): return o
        case .deferred(let d): return d.value.object
        default: return nil
        }
    }
    public var array: [JSON]? {
        switch self {
        case .array(let a): return a
        case .deferred(let d): return d.value.array
        default: return nil
        }
    }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The built value: a deferred one parsed, any other as it is.
    public var built: JSON { if case .deferred(let d) = self { return d.value } else { return self } }

    /// Byte range of an object's text (deferred objects and arrays too) in the parsed buffer.
    public var textRange: Range<Int>? {
        switch self {
        case .object(let o): return o.range
        case .deferred(let d): return d.range
        default: return nil
        }
    }
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

extension JSON: Equatable {
    /// Deferred values compare as what they hold.
    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        case (.deferred, _), (_, .deferred): return a.built == b.built
        default: return false
        }
    }
}

/// The text of a deferred value: the buffer it was parsed from (shared, not copied) and where.
public struct DeferredJSON: Sendable {
    let buffer: [UInt8]
    public let range: Range<Int>

    /// Parsed in place, so the ranges inside stay offsets into the same buffer. The parser
    /// checked this text with the same grammar when it deferred it, so parsing cannot fail.
    public var value: JSON {
        (try? JSONParser.parse(buffer, range: range)) ?? .null
    }
}

public struct JSONObject: Equatable, Sendable {
    public var members: [(key: String, value: JSON)] {
        didSet { foldedKeyBits = Self.foldedBits(members.map(\.key)) }
    }
    /// Byte range of the object's text in the buffer it was parsed from.
    public var range: Range<Int>
    /// One bit per member name folded to lower case (a tiny Bloom filter), so a lookup of an
    /// absent name usually skips the case-insensitive scan.
    var foldedKeyBits: UInt64

    public init(members: [(key: String, value: JSON)], range: Range<Int>) {
        self.members = members
        self.range = range
        foldedKeyBits = Self.foldedBits(members.map(\.key))
    }

    init(members: [(key: String, value: JSON)], range: Range<Int>, foldedKeyBits: UInt64) {
        self.members = members
        self.range = range
        self.foldedKeyBits = foldedKeyBits
    }

    static func foldedBits(_ keys: [String]) -> UInt64 {
        keys.reduce(0) { $0 | foldedBit($1) }
    }

    /// One bit from the name's length and its first and last bytes, ASCII letters folded to lower
    /// case: constant time, which matters more than spread for a filter looked up this often.
    static func foldedBit(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { foldedBit($0) }
    }

    static func foldedBit(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let first = bytes.first, let last = bytes.last else { return 1 }
        return foldedBit(count: bytes.count, first: first, last: last)
    }

    @inline(__always) private static func foldedBit(count: Int, first: UInt8, last: UInt8) -> UInt64 {
        let f = UInt64((first >= 65 && first <= 90) ? first | 0x20 : first)
        let l = UInt64((last >= 65 && last <= 90) ? last | 0x20 : last)
        let h = UInt64(count) &* 0x9E37_79B9_7F4A_7C15 ^ f &* 0xC2B2_AE3D_27D4_EB4F ^ l &* 0x1656_67B1_9E37_79F9
        return 1 << (h >> 58)
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Member lookup: exact name first, then ignoring case (CloudTrail and AWS examples mix
    /// `tableName`/`TableName`, and some data lakes lower-case every key).
    public subscript(key: String) -> JSON? {
        // An exact match sets the same bit, so a clear bit means absent either way.
        guard foldedKeyBits & Self.foldedBit(key) != 0 else { return nil }
        // Lengths first: a UTF-8 count is stored, a full comparison is not cheap. Members are
        // read in place: a `for member in members` loop retained and released every one.
        let length = key.utf8.count
        return members.withUnsafeBufferPointer { m in
            for i in m.indices where m[i].key.utf8.count == length && m[i].key == key { return m[i].value }
            for i in m.indices where m[i].key.utf8.count == length && Self.equalIgnoringASCIICase(m[i].key, key) { return m[i].value }
            return nil
        }
    }

    /// Byte-wise comparison folding ASCII letters only (member names are ASCII in practice;
    /// no allocation, unlike `lowercased()`).
    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count {
                    let p = x[i], q = y[i]
                    if p == q { continue }
                    let lp = (p >= 65 && p <= 90) ? p | 0x20 : p
                    let lq = (q >= 65 && q <= 90) ? q | 0x20 : q
                    if lp != lq { return false }
                }
                return true
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
}

public struct JSONError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the problem within the parsed text.
    public let offset: Int
    public let message: String
    public var description: String { "\(message) at byte \(offset)" }
}

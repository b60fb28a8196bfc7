/// A strict JSON parser over bytes (RFC 8259), iterative-free but depth-limited so that hostile
/// nesting is an error for that record, not a crashed import.
public struct JSONParser {
    public static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i: Int
    private let end: Int
    /// Names of the top-level members whose object or array values are checked but not built,
    /// with the buffer that deferred values keep (see `parse(_:deferring:)`).
    private var deferring: [[UInt8]] = []
    private var deferringBits: UInt64 = 0
    private var owner: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.bytes = bytes
        self.i = start
        self.end = end
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed). Object ranges are
    /// offsets into `data`.
    /// Bytes that are not UTF-8 inside strings become U+FFFD in the parsed value (the stored
    /// original keeps them).
    public static func parse(_ data: [UInt8]) throws -> JSON {
        try parse(data, range: 0..<data.count, deferring: [])
    }

    /// Parses like `parse(_:)`, but the values of the named members of the top-level object are
    /// only checked when they are objects or arrays, and come back as `JSON.deferred`, which
    /// builds them when read. For members a caller seldom reads, or needs only as bytes: the
    /// check allocates nothing, where building allocates for every string and container.
    public static func parse(_ data: [UInt8], deferring names: [String]) throws -> JSON {
        try parse(data, range: 0..<data.count, deferring: names)
    }

    /// The value in `data[range]`, with object ranges as offsets into `data`.
    static func parse(_ data: [UInt8], range: Range<Int>) throws -> JSON {
        try parse(data, range: range, deferring: [])
    }

    private static func parse(_ data: [UInt8], range: Range<Int>, deferring names: [String]) throws -> JSON {
        try data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer, start: range.lowerBound, end: range.upperBound)
            if !names.isEmpty {
                parser.deferring = names.map { Array($0.utf8) }
                parser.deferringBits = JSONObject.foldedBits(names)
                parser.owner = data
            }
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.i != parser.end {
                throw JSONError(offset: parser.i, message: "unexpected text after the JSON value")
            }
            return value
        }
    }

    public static func parse(_ text: String) throws -> JSON {
        try parse(Array(text.utf8))
    }

    private mutating func skipWhitespace() {
        while i < end {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private func fail(_ message: String) -> JSONError { JSONError(offset: i, message: message) }

    private mutating func parseValue(depth: Int) throws -> JSON {
        guard i < end else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(printable(bytes[i]))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard end - i >= count else { throw fail("unexpected end of JSON") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] {
            throw fail("invalid literal")
        }
        i += count
    }

    private mutating func parseObject(depth: Int) throws -> JSON {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        let start = i
        i += 1
        var members: [(key: String, value: JSON)] = []
        var bits: UInt64 = 0
        skipWhitespace()
        if i < end, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(JSONObject(members: members, range: start..<i, foldedKeyBits: 0))
        }
        members.reserveCapacity(4)
        while true {
            skipWhitespace()
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let keyStart = i + 1
            let key = try parseString()
            // The name as written, unless escapes made it differ from the name as read.
            let written = UnsafeBufferPointer(rebasing: bytes[keyStart..<(i - 1)])
            let bit = key.utf8.count == written.count ? JSONObject.foldedBit(written) : JSONObject.foldedBit(key)
            bits |= bit
            skipWhitespace()
            guard i < end, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after member name") }
            i += 1
            skipWhitespace()
            let value: JSON
            if depth == 1, bit & deferringBits != 0, i < end, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "["),
               deferring.contains(where: { $0.elementsEqual(written) }) {
                let valueStart = i
                try skipValue(depth: depth)
                value = .deferred(DeferredJSON(buffer: owner, range: valueStart..<i))
            } else {
                value = try parseValue(depth: depth)
            }
            members.append((key, value))
            skipWhitespace()
            guard i < end else { throw fail("unexpected end of JSON inside an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}' in an object")
        }
        return .object(JSONObject(members: members, range: start..<i, foldedKeyBits: bits))
    }

    private mutating func parseArray(depth: Int) throws -> JSON {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        i += 1
        var elements: [JSON] = []
        skipWhitespace()
        if i < end, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard i < end else { throw fail("unexpected end of JSON inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("expected ',' or ']' in an array")
        }
        return .array(elements)
    }

    private mutating func parseNumber() throws -> String {
        let start = i
        try skipNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private mutating func skipNumber() throws {
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, isDigit(bytes[i]) else { throw fail("invalid number") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < end, isDigit(bytes[i]) { i += 1 } }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(bytes[i]) else { throw fail("invalid number") }
            while i < end, isDigit(bytes[i]) { i += 1 }
        }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, isDigit(bytes[i]) else { throw fail("invalid number") }
            while i < end, isDigit(bytes[i]) { i += 1 }
        }
    }

    /// Checks one value with exactly the grammar and depth limit of `parseValue`, building nothing.
    private mutating func skipValue(depth: Int) throws {
        guard i < end else { throw fail("unexpected end of JSON") }
        switch bytes[i] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let object = bytes[i] == UInt8(ascii: "{")
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard depth + 1 <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
            i += 1
            skipWhitespace()
            if i < end, bytes[i] == close { i += 1; return }
            while true {
                skipWhitespace()
                if object {
                    guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                    try skipString()
                    skipWhitespace()
                    guard i < end, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after member name") }
                    i += 1
                    skipWhitespace()
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard i < end else { throw fail(object ? "unexpected end of JSON inside an object" : "unexpected end of JSON inside an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == close { i += 1; return }
                throw fail(object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw fail("unexpected character '\(printable(bytes[i]))'")
        }
    }

    /// Checks a string as `parseString` reads it (control characters, escapes), building nothing.
    private mutating func skipString() throws {
        i += 1
        while i < end {
            i = ByteScan.stringSpecial(bytes, from: i, end: end)
            guard i < end else { break }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b < 0x20 { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") { i += 1; continue }
            i += 1
            guard i < end else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"): _ = try hex4()
            default:
                i -= 1
                throw fail("invalid escape '\\\(printable(e))'")
            }
        }
        throw fail("unterminated string")
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private mutating func parseString() throws -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < end {
            i = ByteScan.stringSpecial(bytes, from: i, end: end)
            guard i < end else { break }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
                i += 1
                return String(decoding: slice, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        guard i < end else { throw fail("unterminated string") }
        // Slow path: unescape into a byte buffer.
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < end else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), end - i >= 6,
                   bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                // Lone surrogates cannot be represented; they become U+FFFD.
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(value)).utf8)
            default:
                i -= 1
                throw fail("invalid escape '\\\(printable(e))'")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard end - i >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }
}

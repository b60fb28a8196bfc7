/// Writing JSON text: the one JSON string escaper (every JSON the tool writes, from stored keys and
/// images to `--format json` output, escapes strings here) and compact text of parsed values.
enum JSONWriter {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the JSON string literal of UTF-8 `bytes`: `"`, `\` and control characters below
    /// U+0020 escaped (`\n`, `\r`, `\t`, else `\u00XX`); everything else, `/` and non-ASCII
    /// included, copied as is.
    static func appendString(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
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
            default: out += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(c >> 4)], hexDigits[Int(c & 0x0F)]]
            }
            start = end + 1
        }
        out.append(0x22)
    }
}

/// JSON string literal for `s`.
public func jsonString(_ s: String) -> String {
    var out: [UInt8] = []
    appendJSONString(s, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// Appends the JSON string literal for `s` to `out`.
package func appendJSONString(_ s: String, to out: inout [UInt8]) {
    var s = s
    s.withUTF8 { JSONWriter.appendString($0, to: &out) }
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

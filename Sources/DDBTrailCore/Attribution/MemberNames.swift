extension Attribution {
    /// The attribute a diff path starts with (`a.b[2]` → `a`; quoted names unquoted).
    static func topLevelName(_ path: String) -> String {
        let utf8 = path.utf8
        if utf8.first == 0x22, let value = try? JSONParser.parse(Array(utf8).prefixJSONString()), let s = value.string {
            return s
        }
        // `.` and `[` are single bytes, so the cut falls on a character boundary.
        guard let end = utf8.firstIndex(where: { $0 == 0x2E || $0 == 0x5B }) else { return path }
        return String(path[..<end])
    }
    /// Names of the object members `depth` levels into a JSON text (1: the members of the
    /// top-level object; 2: the members of the objects that are its values), in order, with
    /// escapes decoded. Values are skipped, not built; malformed text gives what was found.
    static func memberNames(_ b: UnsafeBufferPointer<UInt8>, depth target: Int) -> [String] {
        var names: [String] = []
        var depth = 0
        var objects: UInt64 = 0      // bit d set: the container at depth d (≤ 63) is an object
        var expectingName = false
        var i = 0
        while i < b.count {
            switch b[i] {
            case 0x22: // a string: find its end, skipping escaped characters
                var j = i + 1
                var escaped = false
                while true {
                    j = ByteScan.quoteOrBackslash(b, from: j)
                    guard j < b.count, b[j] == 0x5C else { break }
                    escaped = true
                    j += 2
                }
                if expectingName && depth == target {
                    let literal = UnsafeBufferPointer(rebasing: b[i..<min(j + 1, b.count)])
                    names.append(escaped ? ((try? JSONParser.parse(Array(literal)))?.string ?? "")
                                         : String(decoding: literal.dropFirst().dropLast(), as: UTF8.self))
                }
                expectingName = false
                i = j + 1
                continue
            case 0x7B: // {
                depth += 1
                if depth > 0 && depth < 64 { objects |= 1 << UInt64(depth) }
                expectingName = true
            case 0x5B: // [
                depth += 1
                if depth > 0 && depth < 64 { objects &= ~(1 << UInt64(depth)) }
                expectingName = false
            case 0x7D, 0x5D: // } ]
                depth -= 1
                expectingName = false
            case 0x2C: // ,
                expectingName = depth > 0 && depth < 64 && objects & (1 << UInt64(depth)) != 0
            default:
                break
            }
            i += 1
        }
        return names
    }
}

private extension Array where Element == UInt8 {
    /// The leading JSON string literal of a path component.
    func prefixJSONString() -> [UInt8] {
        var i = 1
        var escaped = false
        while i < count {
            if escaped { escaped = false } else if self[i] == 0x5C { escaped = true } else if self[i] == 0x22 { return Array(self[...i]) }
            i += 1
        }
        return self
    }
}

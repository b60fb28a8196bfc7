#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams elements out of an input with bounded memory: only the element being cut (and, for a
/// top-level object not yet known to be a container, that object) is held.
final class RecordSplitter {
    private let source: ByteReading
    private var buffer: [UInt8] = []
    /// Absolute offset of buffer[0] in the decompressed input.
    private var base: Int64 = 0
    private var pos = 0
    private var eof = false
    private var layout: Layout = .document(containers: [])
    private var index = 0
    private var line = 1
    private var finished = false

    /// Object starts are absolute offsets: buffer indices move when the buffer is compacted.
    private enum State { case top, members(objectStart: Int64, sawContainer: Bool), elements(inObject: Bool) }
    private var state: State = .top

    /// The container member the elements came from ("Records", "Events", …), if any.
    private(set) var container: String?
    /// True when the input held a top-level array.
    private(set) var sawTopLevelArray = false

    init(source: ByteReading) {
        self.source = source
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The first bytes of the input (up to `limit`), without consuming them; a UTF-8 byte order
    /// mark is dropped here, once.
    func head(limit: Int) throws -> ArraySlice<UInt8> {
        while buffer.count < limit && !eof { try fill(keepingFrom: 0, minimum: limit - buffer.count) }
        if base == 0, pos == 0, buffer.starts(with: Self.byteOrderMark) { pos = 3 }
        return buffer[pos..<min(buffer.count, limit)]
    }

    func start(_ layout: Layout) { self.layout = layout }

    /// Reads more bytes, discarding everything before `keep` (an index into `buffer`).
    private func fill(keepingFrom keep: Int, minimum: Int = 1 << 20) throws {
        if keep > 0 {
            buffer.removeSubrange(0..<keep)
            base += Int64(keep)
            pos -= keep
        }
        let want = max(minimum, 1 << 20, buffer.count)
        if try source.read(into: &buffer, maximum: want) == 0 { eof = true }
    }

    func next() throws -> SplitItem? {
        if finished { return nil }
        if case .lines(let strip) = layout { return try nextLine(stripPrefix: strip) }
        guard case .document(let containers) = layout else { return nil }
        while true {
            switch state {
            case .top:
                guard try skipWhitespace(keep: pos) else { finished = true; return nil }
                let b = buffer[pos]
                if b == UInt8(ascii: "[") {
                    sawTopLevelArray = true
                    pos += 1
                    state = .elements(inObject: false)
                } else if b == UInt8(ascii: "{") {
                    state = .members(objectStart: base + Int64(pos), sawContainer: false)
                    pos += 1
                } else {
                    return try cutValue()
                }
            case .members(let objectOffset, let sawContainer):
                var objectStart: Int { Int(objectOffset - base) }
                var keep: Int { sawContainer ? pos : objectStart }
                guard try skipWhitespace(keep: keep) else { return truncated(at: objectStart) }
                let b = buffer[pos]
                if b == UInt8(ascii: ",") { pos += 1; continue }
                if b == UInt8(ascii: "}") {
                    pos += 1
                    state = .top
                    if sawContainer { continue }
                    return emit(from: objectStart, to: pos)
                }
                guard b == UInt8(ascii: "\"") else {
                    return resyncAfterDamage(at: pos, "expected a member name in the top-level object")
                }
                guard let keyEnd = try scanEnd(from: pos, keep: keep) else { return truncated(at: objectStart) }
                let key = String(decoding: buffer[(pos + 1)..<(keyEnd - 1)], as: UTF8.self)
                pos = keyEnd
                guard try skipWhitespace(keep: keep), buffer[pos] == UInt8(ascii: ":") else {
                    return eof && pos >= buffer.count ? truncated(at: objectStart)
                        : resyncAfterDamage(at: pos, "expected ':' after member name")
                }
                pos += 1
                guard try skipWhitespace(keep: keep) else { return truncated(at: objectStart) }
                if !sawContainer, containers.contains(key), buffer[pos] == UInt8(ascii: "[") {
                    container = key
                    pos += 1
                    state = .elements(inObject: true)
                    continue
                }
                guard let valueEnd = try scanEnd(from: pos, keep: keep) else { return truncated(at: objectStart) }
                pos = valueEnd
            case .elements(let inObject):
                guard try skipWhitespace(keep: pos) else { return truncated(at: pos) }
                let b = buffer[pos]
                if b == UInt8(ascii: ",") { pos += 1; continue }
                if b == UInt8(ascii: "]") {
                    pos += 1
                    state = inObject ? .members(objectStart: base + Int64(pos), sawContainer: true) : .top
                    continue
                }
                return try cutValue()
            }
        }
    }

    /// Cuts the value at `pos` as one element.
    private func cutValue() throws -> SplitItem {
        guard let end = try scanEnd(from: pos, keep: pos) else { return truncated(at: pos) }
        // scanEnd may have compacted the buffer; `pos` was moved with it and still marks the start.
        let start = pos
        pos = end
        return emit(from: start, to: end)
    }

    private func emit(from start: Int, to end: Int) -> SplitItem {
        let element = RawElement(bytes: Array(buffer[start..<end]), offset: base + Int64(start), index: index, line: nil)
        index += 1
        return .element(element)
    }

    private func truncated(at start: Int) -> SplitItem {
        finished = true
        let offset = base + Int64(min(start, buffer.count))
        return .damage(offset: offset, message: "input ends inside a JSON value (\(buffer.count - min(start, buffer.count)) bytes from byte \(offset) not imported)")
    }

    private func resyncAfterDamage(at position: Int, _ message: String) -> SplitItem {
        finished = true
        return .damage(offset: base + Int64(position), message: "\(message); the rest of the input could not be cut into records")
    }

    /// Skips JSON whitespace; false at the end of input.
    private func skipWhitespace(keep: Int) throws -> Bool {
        while true {
            while pos < buffer.count {
                switch buffer[pos] {
                case 0x20, 0x0A, 0x0D, 0x09: pos += 1
                default: return true
                }
            }
            if eof { return false }
            try fill(keepingFrom: keep)
        }
    }

    /// Finds the end (exclusive index) of the JSON value starting at `pos`, reading more input as
    /// needed and keeping the buffer from `keep`. Only strings and brackets are tracked; the
    /// element's grammar is checked later by the parser. Nil when the input ends first.
    private func scanEnd(from start: Int, keep: Int) throws -> Int? {
        var i = start
        var depth = 0
        var inString = false
        var escaped = false
        let first = buffer[start]
        let isScalar = first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first != UInt8(ascii: "\"")
        var keepIndex = keep
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { b -> Int? in
                var j = i
                let n = b.count
                if isScalar {
                    while j < n {
                        switch b[j] {
                        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09:
                            // A stray delimiter where a value should start is cut as a one-byte
                            // element (rejected as broken JSON), so the splitter always advances.
                            return j == start ? j + 1 : j
                        default: j += 1
                        }
                    }
                    i = j
                    return nil
                }
                while j < n {
                    if escaped { escaped = false; j += 1; continue }
                    if inString {
                        j = ByteScan.quoteOrBackslash(b, from: j)
                        guard j < n else { break }
                        if b[j] == UInt8(ascii: "\\") { escaped = true; j += 1; continue }
                        inString = false
                        if depth == 0 { return j + 1 }
                    } else {
                        switch b[j] {
                        case UInt8(ascii: "\""): inString = true
                        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                        case UInt8(ascii: "}"), UInt8(ascii: "]"):
                            depth -= 1
                            if depth == 0 { return j + 1 }
                        default: break
                        }
                    }
                    j += 1
                }
                i = j
                return nil
            }
            if let found { return found }
            if eof { return isScalar && i > start ? i : nil }
            let shift = keepIndex
            try fill(keepingFrom: keepIndex)
            i -= shift
            keepIndex = 0
            // `pos` was moved by fill; the value start moved by the same amount.
        }
    }

    private func nextLine(stripPrefix: Bool) throws -> SplitItem? {
        while true {
            var newline: Int? = nil
            var searchFrom = pos
            while newline == nil {
                newline = buffer.withUnsafeBufferPointer { b -> Int? in
                    guard searchFrom < b.count else { return nil }
                    let p = memchr(b.baseAddress! + searchFrom, 0x0A, b.count - searchFrom)
                    return p.map { UnsafeRawPointer($0) - UnsafeRawPointer(b.baseAddress!) }
                }
                if newline != nil || eof { break }
                let shift = pos
                searchFrom = buffer.count - shift
                try fill(keepingFrom: pos)
                _ = shift
            }
            let lineEnd = newline ?? buffer.count
            if pos >= buffer.count && eof { finished = true; return nil }
            var start = pos
            var end = lineEnd
            let lineNumber = line
            line += 1
            pos = newline.map { $0 + 1 } ?? buffer.count
            if end > start, buffer[end - 1] == 0x0D { end -= 1 }
            while start < end, buffer[start] == 0x20 || buffer[start] == 0x09 { start += 1 }
            if start == end { continue }
            if stripPrefix, buffer[start] != UInt8(ascii: "{"),
               let brace = buffer[start..<end].firstIndex(of: UInt8(ascii: "{")) {
                start = brace
            }
            var element = RawElement(bytes: Array(buffer[start..<end]), offset: base + Int64(start), index: index, line: lineNumber)
            if base == 0, start == 0, element.bytes.starts(with: Self.byteOrderMark) {
                element.bytes.removeFirst(3)
                element.offset = 3
            }
            index += 1
            return .element(element)
        }
    }
}

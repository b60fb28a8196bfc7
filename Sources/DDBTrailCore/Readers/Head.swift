/// What the first bytes of an input look like, computed once and shared by every reader's sniff.
public struct Head: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// The input held nothing but whitespace.
    public var isBlank: Bool
    /// The first element, parsed, when it fits in the head: the first member of a container
    /// array, the first element of a top-level array, the first line of a line-oriented input,
    /// or the whole first value.
    public var firstElement: JSON?
    /// The whole first top-level value, when it fits in the head.
    public var firstValue: JSON?
    /// The container the first element came from ("Records", "Events", "events", "logEvents").
    public var container: String?
    public var topLevelArray: Bool
    /// The first line is a complete JSON value and more follows: JSON lines.
    public var jsonLines: Bool
    /// Lines look like `<timestamp> {json}` (CloudWatch Logs export to S3).
    public var timestampPrefixedLines: Bool
    /// Read as lines although the first line is not JSON, because the lines after it are
    /// (JSON lines whose first record is damaged); `firstElement` is then nil.
    public var firstLineBroken: Bool

    /// How many bytes of an input the readers see when they sniff it.
    static let limit = 64 * 1024

    /// Every container member name any reader uses, so the head can find a first element.
    static let knownContainers = ["Records", "Events", "events", "logEvents"]

    init(path: String, bytes: ArraySlice<UInt8>, complete: Bool) {
        self.path = path
        self.bytes = Array(bytes)
        let firstNonBlank = bytes.firstIndex { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
        isBlank = firstNonBlank == nil
        firstElement = nil
        firstValue = nil
        container = nil
        topLevelArray = false
        jsonLines = false
        timestampPrefixedLines = false
        firstLineBroken = false
        guard let first = firstNonBlank else { return }
        let text = Array(bytes[first...])

        // First line, on its own.
        let lineEnd = text.firstIndex(of: 0x0A) ?? text.count
        let firstLine = Array(text[..<lineEnd])
        let rest = text[min(lineEnd + 1, text.count)...]
        let moreAfterFirstLine = rest.contains { !(($0 == 0x20) || ($0 == 0x0A) || ($0 == 0x0D) || ($0 == 0x09)) }
        if let value = try? JSONParser.parse(firstLine) {
            if moreAfterFirstLine {
                jsonLines = true
                firstElement = value
                return
            }
        } else if text.first != UInt8(ascii: "{"), text.first != UInt8(ascii: "["),
                  let brace = Self.prefixEnd(firstLine[...]),
                  let value = try? JSONParser.parse(Array(firstLine[brace...])) {
            timestampPrefixedLines = true
            firstElement = value
            return
        }

        if complete || text.count < Self.limit {
            firstValue = try? JSONParser.parse(text)
        }
        // Cut the head like a document to find the first element of a container or array.
        let splitter = RecordSplitter(source: MemoryBytes(text))
        splitter.start(.document(containers: Self.knownContainers))
        if case .element(let element)? = try? splitter.next() {
            firstElement = try? JSONParser.parse(element.bytes)
        }
        container = splitter.container
        topLevelArray = splitter.sawTopLevelArray

        // Nothing here reads as one document, but the lines after the first are JSON objects:
        // lines (plain or prefixed) whose first record is damaged.
        guard firstValue == nil, firstElement == nil, container == nil, !topLevelArray, moreAfterFirstLine else { return }
        let prefixed = text.first != UInt8(ascii: "{") && text.first != UInt8(ascii: "[") && Self.prefixEnd(firstLine[...]) != nil
        guard text.first == UInt8(ascii: "{") || prefixed,
              Self.mostlyObjectLines(Array(rest), stripPrefix: prefixed, complete: complete || text.count < Self.limit) else { return }
        firstLineBroken = true
        if prefixed { timestampPrefixedLines = true } else { jsonLines = true }
    }

    /// Where the JSON of a prefixed line starts: its first `{`, after a prefix holding no quote.
    static func prefixEnd(_ line: ArraySlice<UInt8>) -> Int? {
        guard let brace = line.firstIndex(of: UInt8(ascii: "{")), brace > line.startIndex,
              !line[..<brace].contains(UInt8(ascii: "\"")) else { return nil }
        return brace
    }

    /// True when at least one, and at least half, of the next few lines are whole JSON objects
    /// with members. Most lines of a pretty-printed document are members (`"k": v,`) or brackets,
    /// and its one-line nested objects mostly end with a comma, so it does not pass.
    static func mostlyObjectLines(_ text: [UInt8], stripPrefix: Bool, complete: Bool) -> Bool {
        var lines = 0, objects = 0, start = 0
        while start < text.count, lines < sampleLimit {
            let newline = text[start...].firstIndex(of: 0x0A)
            if newline == nil, !complete { break } // the head may have cut this line
            let end = newline ?? text.count
            var line = text[start..<end]
            start = end + 1
            while let b = line.first, b == 0x20 || b == 0x09 { line.removeFirst() }
            while let b = line.last, b == 0x20 || b == 0x09 || b == 0x0D { line.removeLast() }
            if line.isEmpty { continue }
            lines += 1
            if stripPrefix, let brace = prefixEnd(line) { line = line[brace...] }
            guard line.first == UInt8(ascii: "{") else { continue }
            if let object = (try? JSONParser.parse(Array(line)))?.object, !object.members.isEmpty { objects += 1 }
        }
        return objects > 0 && objects * 2 >= lines
    }

    /// How many elements from the start of the head detection may look at.
    static let sampleLimit = 8

    /// Up to `sampleLimit` elements from the start of the head, cut the way the head was read
    /// (lines, prefixed lines, or a JSON document), each parsed or nil when it does not parse.
    /// Empty for input that is neither lines nor starts like JSON.
    func samples() -> [JSON?] {
        let layout: Layout
        if jsonLines {
            layout = .lines(stripPrefix: false)
        } else if timestampPrefixedLines {
            layout = .lines(stripPrefix: true)
        } else if startsLikeJSON {
            layout = .document(containers: Self.knownContainers)
        } else {
            return []
        }
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return [] }
        let splitter = RecordSplitter(source: MemoryBytes(Array(bytes[first...])))
        splitter.start(layout)
        var found: [JSON?] = []
        while found.count < Self.sampleLimit, case .element(let element)? = try? splitter.next() {
            found.append(try? JSONParser.parse(element.bytes))
        }
        return found
    }
}

extension JSONObject {
    /// True when the object has any of the members (names compared ignoring case).
    func hasAny(_ names: String...) -> Bool { names.contains { self[$0] != nil } }
}

extension JSON {
    /// Whether this looks like a CloudTrail event record (including sparse and lower-cased ones).
    var looksLikeCloudTrailRecord: Bool {
        guard let o = object else { return false }
        if let source = o["eventSource"]?.string, source.hasPrefix("aws:") { return false } // stream records
        if o["dynamodb"]?.object != nil { return false } // a change record (e.g. decoded Kinesis) without eventSource
        return o.hasAny("eventName", "eventSource") || (o["eventID"] != nil && o["eventTime"] != nil)
    }
}

extension Head {
    /// The first element (or whole value) as an object.
    var firstObject: JSONObject? { firstElement?.object ?? firstValue?.object }

    /// The first non-blank byte opens a JSON object or array.
    var startsLikeJSON: Bool {
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// A plain-text check on the head, for sniffing when the first element is too large to parse.
    func mentions(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i + needle.count <= b.count {
                if b[i] == needle[0], Array(b[i..<(i + needle.count)]) == needle { return true }
                i += 1
            }
            return false
        }
    }
}

extension Head {
    /// Member names of the top-level object seen in the head, in order (a scan of strings and
    /// nesting; the head may end inside the document).
    func topLevelMemberNames() -> [String] {
        var names: [String] = []
        var depth = 0, i = 0
        var expectingName = false
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < bytes.count else { break }
                if depth == 1, expectingName {
                    names.append(String(decoding: bytes[(i + 1)..<j], as: UTF8.self))
                    expectingName = false
                }
                i = j + 1
                continue
            }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingName = depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingName = true }
            default: break
            }
            if depth < 0 { break }
            i += 1
        }
        return names
    }
}

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
                  let brace = firstLine.firstIndex(of: UInt8(ascii: "{")), brace > 0,
                  !firstLine[..<brace].contains(UInt8(ascii: "\"")),
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

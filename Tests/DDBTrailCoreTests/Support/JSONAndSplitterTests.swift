import Testing
@testable import DDBTrailCore
@testable import DDBTrailSynthetic

/// Hands out bytes a few at a time, so the splitter's refill paths run.
final class TrickleBytes: ByteReading {
    let bytes: [UInt8]
    let chunk: Int
    var position = 0
    init(_ text: String, chunk: Int = 7) { bytes = Array(text.utf8); self.chunk = chunk }
    init(bytes: [UInt8], chunk: Int) { self.bytes = bytes; self.chunk = chunk }
    func read(into buffer: inout [UInt8], maximum: Int) throws -> Int {
        let n = min(chunk, maximum, bytes.count - position)
        buffer.append(contentsOf: bytes[position..<position + n])
        position += n
        return n
    }
}

func split(_ source: ByteReading, _ layout: Layout) throws -> (elements: [RawElement], damage: [String], splitter: RecordSplitter) {
    let splitter = RecordSplitter(source: source)
    _ = try splitter.head(limit: Head.limit)
    splitter.start(layout)
    var elements: [RawElement] = []
    var damage: [String] = []
    while let item = try splitter.next() {
        switch item {
        case .element(let e): elements.append(e)
        case .damage(_, let message): damage.append(message)
        }
    }
    return (elements, damage, splitter)
}

@Suite struct JSONParserTests {
    @Test func numbersKeepTheirExactText() throws {
        let value = try JSONParser.parse(#"{"a": 12345678901234567890123456789012345678, "b": -1.50e+3, "c": 0}"#)
        #expect(value["a"] == .number("12345678901234567890123456789012345678"))
        #expect(value["b"] == .number("-1.50e+3"))
        #expect(value["c"] == .number("0"))
    }

    @Test func escapesAndSurrogatePairsDecode() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00", "\ud800x"]"#)
        #expect(value.array?[0] == .string("a\"b\\c/\n\t"))
        #expect(value.array?[1] == .string("é😀"))
        #expect(value.array?[2] == .string("\u{FFFD}x"))
    }

    @Test func memberLookupFallsBackToCaseInsensitive() throws {
        let value = try JSONParser.parse(#"{"TableName": "Music", "tableName2": 1}"#)
        #expect(value["tableName"] == .string("Music"))
        #expect(value["TABLENAME2"] == .number("1"))
        #expect(value["missing"] == nil)
    }

    @Test func objectRangesPointAtTheirBytes() throws {
        let text = #"{"detail": {"x": 1}, "y": 2}"#
        let value = try JSONParser.parse(Array(text.utf8))
        let detail = try #require(value["detail"]?.object)
        #expect(String(decoding: Array(text.utf8)[detail.range], as: UTF8.self) == #"{"x": 1}"#)
    }

    @Test(arguments: [#"{"a": }"#, #"{"a" 1}"#, "[1, 2", #"{"a": tru}"#, "01", #""\x""#, "{} {}"])
    func brokenJSONIsAnErrorWithAnOffset(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect {
            try JSONParser.parse(deep)
        } throws: { error in
            (error as? JSONError)?.message.contains("nesting deeper") == true
        }
    }

    /// Deferred members read like built ones, and deferring rejects exactly what parsing rejects.
    @Test func deferredMembersReadAsBuiltAndAreCheckedAlike() throws {
        let text = #"{"a":{"b":[1,"x\u00e9",{"c":null}]},"keep":{"d":true},"e":[2],"s":"str"}"#
        let bytes = Array(text.utf8)
        let full = try JSONParser.parse(bytes)
        let lazy = try JSONParser.parse(bytes, deferring: ["a", "e", "s"])
        guard case .deferred(let a)? = lazy["a"], case .deferred? = lazy["e"] else {
            Issue.record("a and e should be deferred"); return
        }
        guard case .object? = lazy["keep"], case .string? = lazy["s"] else {
            Issue.record("undeferred members and scalars should be built"); return
        }
        #expect(lazy == full)
        #expect(lazy["a"]?["b"]?.array?[1] == .string("xé"))
        // Built in place: ranges are offsets into the whole text.
        #expect(a.range == full["a"]?.object?.range)
        #expect(lazy["a"]?["b"]?.array?[2].textRange == full["a"]?["b"]?.array?[2].textRange)
        let broken = [#"{"a":{"b":[1,]}}"#, #"{"a":{"b":"\q"}}"#, #"{"a":{"b":"\u12"}}"#, "{\"a\":[\"\u{01}\"]}",
                      #"{"a":{"b":tru}}"#, #"{"a":{"b":01}}"#, #"{"a":{"b" 1}}"#, #"{"a":[1 2]}"#, #"{"a":{"b":"x}}"#,
                      #"{"a":{"b":-}}"#, #"{"a":{1:2}}"#]
            + [String(repeating: "[", count: JSONParser.maximumDepth + 2)].map { #"{"a":"# + $0 }
        for text in broken {
            let expected = #expect(throws: JSONError.self) { try JSONParser.parse(Array(text.utf8)) }
            let deferred = #expect(throws: JSONError.self) { try JSONParser.parse(Array(text.utf8), deferring: ["a"]) }
            #expect(expected?.message == deferred?.message, "\(text)")
            #expect(expected?.offset == deferred?.offset, "\(text)")
        }
    }

    @Test func invalidUTF8IsReplaced() throws {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(try JSONParser.parse(bytes)["a"] == .string("\u{FFFD}("))
    }
}

@Suite struct RecordSplitterTests {
    @Test func streamsContainerElementsByteExact() throws {
        let text = #"{"Records": [ {"eventID": "1", "s": "]}\"" } ,{"eventID":"2"}], "Next": null}"#
        let (elements, damage, splitter) = try split(TrickleBytes(text, chunk: 3), .document(containers: ["Records"]))
        #expect(damage.isEmpty)
        #expect(splitter.container == "Records")
        #expect(elements.map { String(decoding: $0.bytes, as: UTF8.self) } == [#"{"eventID": "1", "s": "]}\"" }"#, #"{"eventID":"2"}"#])
        #expect(elements.map(\.index) == [0, 1])
        let offset = Int(elements[1].offset)
        #expect(String(decoding: Array(text.utf8)[offset..<offset + elements[1].bytes.count], as: UTF8.self) == #"{"eventID":"2"}"#)
    }

    @Test func containerAfterOtherMembersIsFound() throws {
        let text = #"{"NextToken": "x", "Events": [{"a":1},{"a":2},{"a":3}]}"#
        let (elements, damage, _) = try split(TrickleBytes(text, chunk: 5), .document(containers: ["Events"]))
        #expect(damage.isEmpty)
        #expect(elements.count == 3)
    }

    @Test func objectWithoutContainerIsOneElement() throws {
        let text = "  {\"eventName\": \"X\", \"Records\": 5}\n"
        let (elements, _, _) = try split(TrickleBytes(text), .document(containers: ["Records"]))
        #expect(elements.count == 1)
        #expect(String(decoding: elements[0].bytes, as: UTF8.self) == #"{"eventName": "X", "Records": 5}"#)
    }

    @Test func truncatedInputKeepsCompleteElementsAndReportsDamage() throws {
        let text = #"{"Records":[{"a":1},{"a":2},{"a":"#
        let (elements, damage, _) = try split(TrickleBytes(text), .document(containers: ["Records"]))
        #expect(elements.count == 2)
        #expect(damage.count == 1)
        #expect(damage[0].contains("input ends inside a JSON value"))
    }

    @Test func linesWithPrefixesAndBlankLines() throws {
        let text = "\u{FEFF}2019-01-19T15:41:54.000Z {\"a\":1}\r\n\n2019-01-19T15:41:55.000Z {\"a\":2}"
        let (elements, _, _) = try split(TrickleBytes(text, chunk: 4), .lines(stripPrefix: true))
        #expect(elements.map { String(decoding: $0.bytes, as: UTF8.self) } == [#"{"a":1}"#, #"{"a":2}"#])
        #expect(elements.map(\.line) == [1, 3])
    }

    @Test func byteOrderMarkIsSkippedInDocuments() throws {
        let (elements, damage, _) = try split(TrickleBytes("\u{FEFF}[{\"a\":1}]"), .document(containers: []))
        #expect(damage.isEmpty)
        #expect(elements.count == 1)
    }

    @Test(arguments: ["{\"a\":1}\n}\n{\"b\":2}", "[{\"a\":1}, ], {\"b\":2}]", "]]]", "{\"a\":1} , {\"b\":2}"])
    func strayDelimitersAlwaysAdvance(_ text: String) throws {
        // Found on a YAML rule file: a stray '}' used to be cut as an empty element forever.
        let (elements, _, _) = try split(TrickleBytes(text), .document(containers: []))
        #expect(elements.count < 10)
        #expect(elements.allSatisfy { !$0.bytes.isEmpty })
    }

    @Test func largeElementIsCutWhole() throws {
        let big = String(repeating: "x", count: 3_000_000)
        let text = #"{"Records":[{"big":""# + big + #""},{"a":1}]}"#
        let (elements, damage, _) = try split(TrickleBytes(text, chunk: 1 << 20), .document(containers: ["Records"]))
        #expect(damage.isEmpty)
        #expect(elements.count == 2)
        #expect(elements[0].bytes.count == big.utf8.count + 10)
    }
}

@Suite struct TimestampAndKeyTests {
    @Test(arguments: [
        ("2020-12-28T07:35:21Z", "2020-12-28T07:35:21Z"),
        ("2017-10-10T23:01:45+0000", "2017-10-10T23:01:45Z"),
        ("2022-02-08 09:23:37+11:00", "2022-02-07T22:23:37Z"),
        ("2023-01-09 16:01:21", "2023-01-09T16:01:21Z"),
        ("2025-01-21 17:49:47.000000000", "2025-01-21T17:49:47Z"),
        ("2025-01-21T17:49:47.250Z", "2025-01-21T17:49:47.250Z"),
        ("20131102T010628Z", "2013-11-02T01:06:28Z"),
        ("1424476529.0", "2015-02-20T23:55:29Z"),
        ("1731924555370", "2024-11-18T10:09:15.370Z"),
    ])
    func timesNormaliseToUTC(_ input: String, _ expected: String) {
        #expect(Timestamp.normalise(input) == expected)
    }

    @Test(arguments: ["redacted", "2023-13-01T00:00:00Z", "", "2023-01-01"])
    func invalidTimesAreNil(_ input: String) {
        #expect(Timestamp.normalise(input) == nil)
    }

    @Test(arguments: [("1.50", "1.5"), ("0012", "12"), ("1E+2", "100"), ("-0.00", "0"), ("+7", "7"),
                      ("1.5e-3", "0.0015"), ("123.4500", "123.45"), ("100", "100")])
    func decimalsNormalise(_ input: String, _ expected: String) {
        #expect(DecimalText.normalise(input) == expected)
    }

    /// The canonical-form check that lets most numbers skip rewriting agrees with the rewrite:
    /// what it accepts, the rewrite leaves alone; what the rewrite produces, it accepts.
    @Test(arguments: ["0", "-0", "7", "-7", "10", "010", "0.5", "-0.5", "0.50", "1.05", "1.", ".5", "1e3", "-",
                      "", " 5", "5 ", "+5", "12345678901234567890.123", "1.2.3", "0.0", "-0.0", "00.1", "9.90"])
    func canonicalDecimalCheckAgreesWithRewrite(_ input: String) {
        if DecimalText.isCanonical(input) { #expect(DecimalText.rewrite(input) == input) }
        if let rewritten = DecimalText.rewrite(input) { #expect(DecimalText.isCanonical(rewritten)) }
    }

    @Test func plainAndTypedKeysCanonicaliseAlike() throws {
        let plain = try #require(try JSONParser.parse(#"{"orderId": "O-77", "customerId": "C-1001", "n": 1.50}"#).object)
        let typed = try #require(try JSONParser.parse(#"{"customerId": {"S": "C-1001"}, "n": {"N": "1.5"}, "orderId": {"S": "O-77"}}"#).object)
        let a = ItemKey.canonical(ItemKey.attributes(from: plain, types: [:]))
        let b = ItemKey.canonical(ItemKey.attributes(from: typed, types: [:]))
        #expect(a == #"{"customerId":"C-1001","n":"1.5","orderId":"O-77"}"#)
        #expect(a == b)
    }

    @Test func schemaTypesNumberKeysLoggedAsStrings() throws {
        let key = try #require(try JSONParser.parse(#"{"id": "0042.0"}"#).object)
        #expect(ItemKey.canonical(ItemKey.attributes(from: key, types: ["id": "N"])) == #"{"id":"42"}"#)
        #expect(ItemKey.canonical(ItemKey.attributes(from: key, types: [:])) == #"{"id":"0042.0"}"#)
    }
}

/// The word-at-a-time scans must find exactly what a byte-by-byte loop finds, at every
/// alignment and with specials at every position of a word.
@Test func byteScanAgreesWithAByteLoop() {
    var rng = SplitMix64(seed: 7)
    let alphabet: [UInt8] = [0x22, 0x5C, 0x1F, 0x00, 0x20, 0x21, 0x7F, 0x80, 0xC3, 0xFF, 0x61, 0x5B, 0x5D, 0x7B]
    for _ in 0..<3_000 {
        let count = Int(rng.next() % 40)
        var bytes = (0..<count).map { _ in UInt8(ascii: "a") }
        // Mostly plain text, with one to three special bytes.
        for _ in 0..<Int(rng.next() % 3 + 1) where count > 0 {
            bytes[Int(rng.next() % UInt64(count))] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
        let from = count == 0 ? 0 : Int(rng.next() % UInt64(count))
        bytes.withUnsafeBufferPointer { b in
            let quote = (from..<count).first { b[$0] == 0x22 || b[$0] == 0x5C } ?? count
            #expect(ByteScan.quoteOrBackslash(b, from: from) == quote, "\(bytes) from \(from)")
            let special = (from..<count).first { b[$0] == 0x22 || b[$0] == 0x5C || b[$0] < 0x20 || b[$0] >= 0x80 } ?? count
            #expect(ByteScan.stringSpecial(b, from: from, end: count) == special, "\(bytes) from \(from)")
        }
    }
}

/// The allocation-free UTF-8 check agrees with the standard library's validation, wherever the
/// first non-ASCII byte falls (before, inside or after the eight-byte steps) and for truncated,
/// overlong and surrogate sequences.
/// Names and strings compare by bytes, as DynamoDB compares them: canonically equivalent
/// spellings (which `==` calls equal) differ; small and heap strings compare alike.
@Test func sameUTF8ComparesBytes() {
    #expect(!ByteScan.sameUTF8("caf\u{E9}", "cafe\u{301}"))
    #expect("caf\u{E9}" == "cafe\u{301}")
    #expect(ByteScan.sameUTF8("caf\u{E9}", String(decoding: Array("caf\u{E9}".utf8), as: UTF8.self)))
    let long = String(repeating: "attribute-", count: 5)
    #expect(ByteScan.sameUTF8(long + "x", String(long + "x")))
    #expect(!ByteScan.sameUTF8(long + "x", long + "y"))
    #expect(!ByteScan.sameUTF8("a", "ab"))
    #expect(ByteScan.sameUTF8("", ""))
}

@Test func utf8CheckAgreesWithTheStandardLibrary() {
    var rng = SplitMix64(seed: 11)
    let pieces: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x80, 0xAF], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xE2, 0x80], [0x80],
                             [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]]
    #expect(ByteScan.isValidUTF8([]))
    for _ in 0..<3_000 {
        var bytes = (0..<Int(rng.next() % 30)).map { _ in UInt8(ascii: "a") + UInt8(rng.next() % 26) }
        for _ in 0..<Int(rng.next() % 3) {
            let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            bytes.insert(contentsOf: pieces[Int(rng.next() % UInt64(pieces.count))], at: at)
        }
        #expect(ByteScan.isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
    }
}

/// Member names are found whatever their case and however they were escaped, and absent ones are not.
@Test func memberLookupFindsEscapedAndFoldedNames() throws {
    let object = try #require(try JSONParser.parse(#"{"tab\u006ceName":"Orders","Key":{"pk":"1"},"":0,"eventTime":"t","eventName":"n"}"#).object)
    #expect(object["tableName"]?.string == "Orders")
    #expect(object["key"]?["pk"]?.string == "1")
    #expect(object[""]?.scalarText == "0")
    #expect(object["eventTime"]?.string == "t")
    #expect(object["eventName"]?.string == "n")
    #expect(object["eventSource"] == nil)
    #expect(object["tableNames"] == nil)
}

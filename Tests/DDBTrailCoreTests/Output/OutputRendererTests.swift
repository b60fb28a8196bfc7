import Foundation
import Testing
@testable import DDBTrailCore
import DDBTrailSQLite

/// Renders `rows` with a fresh renderer into a string.
private func render(_ columns: [String], _ rows: [[SQLValue]], _ format: OutputFormat,
                    headers: Bool = true, formulaGuard: Bool = true) -> String {
    let sink = StringOutputSink()
    let renderer = ResultRenderer(columns: columns,
                                  options: RenderOptions(format: format, headers: headers,
                                                         formulaGuard: formulaGuard),
                                  sink: sink)
    for row in rows { renderer.add(row) }
    renderer.finish()
    return sink.text
}

private func text(_ s: String) -> SQLValue { .text(Array(s.utf8)) }

/// A sink that records each chunk it is handed, to check the streaming.
private final class ChunkRecordingSink: OutputSink {
    var chunks: [String] = []
    var flushes = 0
    func write(_ text: String) { chunks.append(text) }
    func flush() { flushes += 1 }
}

/// Every renderer test, grouped so `--filter OutputRendererTests` selects them all.
@Suite struct OutputRendererTests {}

extension OutputRendererTests {
    @Suite struct CSV {
        @Test func headerRowAndCRLF() {
            let out = render(["event_id", "count"], [[text("abc"), .integer(3)]], .csv)
            #expect(out == "event_id,count\r\nabc,3\r\n")
        }

        @Test func noHeaders() {
            let out = render(["a", "b"], [[.integer(1), .integer(2)]], .csv, headers: false)
            #expect(out == "1,2\r\n")
        }

        @Test func headerOnlyWhenNoRows() {
            #expect(render(["a", "b"], [], .csv) == "a,b\r\n")
            #expect(render(["a", "b"], [], .csv, headers: false) == "")
        }

        @Test(arguments: [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("line1\r\nline2", "\"line1\r\nline2\""),
            ("lf\nonly", "\"lf\nonly\""),
            ("cr\ronly", "\"cr\ronly\""),
            (" leading", "\" leading\""),
            ("trailing ", "\"trailing \""),
            ("in side", "in side"),
            ("", "\"\""),
        ])
        func quoting(input: String, expected: String) {
            let out = render(["c"], [[text(input)]], .csv, headers: false, formulaGuard: false)
            #expect(out == expected + "\r\n")
        }

        @Test func nullIsEmptyAndDistinctFromEmptyString() {
            let out = render(["a", "b", "c"], [[.null, text(""), .null]], .csv, headers: false)
            #expect(out == ",\"\",\r\n")
        }

        @Test func numbers() {
            let out = render(["i", "min", "max", "r", "inf"],
                             [[.integer(-5), .integer(.min), .integer(.max), .real(0.1), .real(.infinity)]],
                             .csv, headers: false)
            #expect(out == "-5,-9223372036854775808,9223372036854775807,0.1,Inf\r\n")
        }

        @Test func blobIsBase64() {
            let out = render(["b"], [[.blob([0xFB, 0xFF, 0x00])]], .csv, headers: false)
            #expect(out == "+/8A\r\n")
        }

        @Test func invalidUTF8IsReplaced() {
            let out = render(["t"], [[.text([0x61, 0xFF, 0x62])]], .csv, headers: false)
            #expect(out == "a\u{FFFD}b\r\n")
        }
    }

    @Suite struct FormulaGuard {
        @Test(arguments: ["=", "+", "-", "@", "\t", "\r"])
        func guardsEachTrigger(trigger: String) {
            let value = trigger + "SUM(A1)"
            let guarded = render(["c"], [[text(value)]], .csv, headers: false)
            let raw = render(["c"], [[text(value)]], .csv, headers: false, formulaGuard: false)
            // CR forces quoting on its own; the apostrophe goes inside the quotes.
            let quote = trigger == "\r" ? "\"" : ""
            #expect(guarded == quote + "'" + value + quote + "\r\n")
            #expect(raw == quote + value + quote + "\r\n")
        }

        @Test func guardThenQuote() {
            let out = render(["c"], [[text("=HYPERLINK(\"http://x\",\"y\")")]], .csv, headers: false)
            #expect(out == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n")
        }

        @Test func numbersAreNotGuarded() {
            let out = render(["i", "r"], [[.integer(-5), .real(-2.5)]], .csv, headers: false)
            #expect(out == "-5,-2.5\r\n")
        }

        @Test func onlyALeadingTriggerCounts() {
            let out = render(["a", "b", "c"], [[text("a=b"), text(" =x"), text("")]], .csv, headers: false)
            #expect(out == "a=b,\" =x\",\"\"\r\n")
        }

        @Test func textThatLooksNumericIsStillGuarded() {
            // Only the SQL type decides: TEXT '-5' could be anything a log writer put there.
            let out = render(["t"], [[text("-5")]], .csv, headers: false)
            #expect(out == "'-5\r\n")
        }

        @Test func headerNamesAreGuarded() {
            #expect(render(["=cmd"], [], .csv) == "'=cmd\r\n")
            #expect(render(["=cmd"], [], .csv, formulaGuard: false) == "=cmd\r\n")
        }
    }

    @Suite struct JSON {
        @Test func emptyResultIsEmptyArray() {
            #expect(render(["a"], [], .json) == "[]\n")
            #expect(render(["a"], [], .jsonl) == "")
        }

        @Test func arrayLayoutAndTypes() {
            let out = render(["event_id", "n", "ratio", "missing", "raw"],
                             [[text("e1"), .integer(-7), .real(1.5), .null, .blob([1, 2, 3])],
                              [text("e2"), .integer(0), .real(1e20), .null, .blob([])]],
                             .json)
            #expect(out == """
                [
                {"event_id":"e1","n":-7,"ratio":1.5,"missing":null,"raw":"AQID"},
                {"event_id":"e2","n":0,"ratio":1e+20,"missing":null,"raw":""}
                ]

                """)
        }

        @Test func outputParsesAndKeepsColumnOrder() throws {
            let out = render(["z_last", "a_first"], [[text("x"), .integer(1)], [text("y"), .integer(2)]], .json)
            let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]
            #expect(parsed?.count == 2)
            #expect(parsed?[1]["z_last"] as? String == "y")
            #expect(out.range(of: "z_last")!.lowerBound < out.range(of: "a_first")!.lowerBound)
        }

        @Test func nonFiniteRealsAreNull() {
            let out = render(["a", "b", "c"], [[.real(.nan), .real(.infinity), .real(-.infinity)]], .jsonl)
            #expect(out == "{\"a\":null,\"b\":null,\"c\":null}\n")
        }

        @Test func escapesQuotesBackslashAndControlCharacters() {
            let value = "q\"b\\n\nr\rt\tnul\u{0}bel\u{7}esc\u{1B}us\u{1F}"
            let out = render(["v"], [[text(value)]], .jsonl)
            #expect(out == #"{"v":"q\"b\\n\nr\rt\tnul\u0000bel\u0007esc\u001bus\u001f"}"# + "\n")
        }

        @Test func slashAndNonASCIIAreNotEscaped() {
            let out = render(["v"], [[text("arn:aws:iam::1/role/Ünïcødé 🚀\u{7F}")]], .jsonl)
            #expect(out == "{\"v\":\"arn:aws:iam::1/role/Ünïcødé 🚀\u{7F}\"}\n")
        }

        @Test func keysAreEscapedToo() {
            #expect(render(["a\"b"], [[.integer(1)]], .jsonl) == "{\"a\\\"b\":1}\n")
        }

        @Test func invalidUTF8IsReplaced() throws {
            // A lone continuation byte, a truncated 3-byte sequence, an overlong '/' and a surrogate.
            let bytes: [UInt8] = [0x41, 0x80, 0x42, 0xE2, 0x82, 0x43, 0xC0, 0xAF, 0xED, 0xA0, 0x80]
            let out = render(["v"], [[.text(bytes)]], .jsonl)
            let expected = String(decoding: bytes, as: UTF8.self)
            #expect(out == "{\"v\":\"\(expected)\"}\n")
            #expect(expected.hasPrefix("A\u{FFFD}B\u{FFFD}C\u{FFFD}"))
            let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String]
            #expect(parsed?["v"] == expected)
        }

        @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
                          ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
        func blobBase64MatchesRFC4648Vectors(input: String, expected: String) {
            let out = render(["b"], [[.blob(Array(input.utf8))]], .jsonl)
            #expect(out == "{\"b\":\"\(expected)\"}\n")
        }

        @Test func blobBase64MatchesFoundation() {
            let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let out = render(["b"], [[.blob(bytes)]], .jsonl)
            #expect(out == "{\"b\":\"\(Data(bytes).base64EncodedString())\"}\n")
        }

        @Test func jsonLinesHasOneParsableObjectPerRow() throws {
            let rows = (0..<2500).map { [SQLValue.integer(Int64($0)), text("line\n\($0)")] }
            let out = render(["n", "t"], rows, .jsonl)
            let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2501)   // 2500 lines, each ending in \n
            #expect(lines.last == "")
            let last = try JSONSerialization.jsonObject(with: Data(lines[2499].utf8)) as? [String: Any]
            #expect(last?["n"] as? Int == 2499)
            #expect(last?["t"] as? String == "line\n2499")
        }
    }

    @Suite struct Table {
        @Test func alignedColumnsWithHeaderAndSeparator() {
            let out = render(["name", "n"], [[text("alpha"), .integer(5)], [text("b"), .integer(1234)],
                                            [.null, .null]], .table)
            #expect(out == "name      n\n-----  ----\nalpha     5\nb      1234\n\n")
        }

        @Test func mixedColumnsAreLeftAligned() {
            let out = render(["v", "w"], [[.integer(5), text("a")], [text("long"), text("b")]], .table)
            #expect(out == "v     w\n----  -\n5     a\nlong  b\n")
        }

        @Test func noRows() {
            #expect(render(["event_id", "event_name"], [], .table) == "event_id  event_name\n--------  ----------\n(no rows)\n")
            #expect(render(["event_id"], [], .table, headers: false) == "(no rows)\n")
        }

        @Test func noHeaders() {
            #expect(render(["a", "b"], [[text("x"), text("y")]], .table, headers: false) == "x  y\n")
        }

        @Test func longCellsAreCut() {
            let long = String(repeating: "x", count: 100)
            let exact = String(repeating: "é", count: 80)
            let out = render(["v"], [[text(long)], [text(exact)]], .table, headers: false)
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines[0] == String(repeating: "x", count: 79) + "…")
            #expect(lines[0].count == 80)
            #expect(lines[1] == exact)   // exactly 80 Characters: not cut
        }

        @Test func widthCountsCharactersNotBytes() {
            let out = render(["v", "w"], [[text("🇩🇪é"), text("x")], [text("abcd"), text("y")]], .table, headers: false)
            // "🇩🇪é" is 2 Characters (14 bytes), padded to the 4 of "abcd".
            #expect(out == "🇩🇪é    x\nabcd  y\n")
        }

        @Test func lineBreaksAndTabsAreShownEscaped() {
            let out = render(["v"], [[text("a\nb\tc\r\nd\u{1B}[31m")]], .table, headers: false)
            #expect(out == "a\\nb\\tc\\r\\nd\\x1b[31m\n")
        }

        @Test func escapingCountsTowardsTheCut() {
            let out = render(["v"], [[text(String(repeating: "\n", count: 50))]], .table, headers: false)
            #expect(out == String(repeating: "\\n", count: 39) + "\\…\n")
        }

        @Test func blobShownAsHexLiteral() {
            #expect(render(["b"], [[.blob([0xDE, 0xAD])]], .table, headers: false) == "x'dead'\n")
        }
    }

    @Suite struct Streaming {
        @Test func largeOutputIsWrittenInChunks() {
            let sink = ChunkRecordingSink()
            let renderer = ResultRenderer(columns: ["n", "t"], options: RenderOptions(format: .csv), sink: sink)
            let row = String(repeating: "y", count: 100)
            for n in 0..<100 { renderer.add([.integer(Int64(n)), text(row)]) }
            #expect(sink.chunks.isEmpty)   // nothing written until a chunk fills up
            for n in 100..<10_000 { renderer.add([.integer(Int64(n)), text(row)]) }
            let written = sink.chunks.count
            #expect(written == 16)   // ~1.07 MB in 64 KiB pieces
            renderer.finish()
            #expect(sink.chunks.count == written + 1)
            #expect(sink.flushes == 1)
            #expect(sink.chunks.dropLast().allSatisfy { $0.utf8.count >= ResultRenderer.chunkSize })
            #expect(sink.chunks.allSatisfy { $0.utf8.count < ResultRenderer.chunkSize + 200 })
            let all = sink.chunks.joined()
            #expect(all.hasPrefix("n,t\r\n0,yyy"))
            #expect(all.hasSuffix("9999,\(row)\r\n"))
            // "n,t\r\n" plus, per row, its digits, a comma, 100 bytes and CRLF.
            let expectedBytes: Int = (0..<10_000).reduce(5) { total, n in total + String(n).count + 103 }
            #expect(all.utf8.count == expectedBytes)
        }

        @Test func finishTwiceWritesOnce() {
            let sink = StringOutputSink()
            let renderer = ResultRenderer(columns: ["a"], options: RenderOptions(format: .json), sink: sink)
            renderer.finish()
            renderer.finish()
            #expect(sink.text == "[]\n")
            #expect(renderer.rowCount == 0)
        }

        @Test func fileSinkWritesBytes() throws {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("ddbtrail-render-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let sink = try FileOutputSink(path: path)
            let renderer = ResultRenderer(columns: ["v"], options: RenderOptions(format: .csv), sink: sink)
            renderer.add([text("Grüße, \"du\"")])
            renderer.finish()
            try sink.close()
            let written = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(written == Data("v\r\n\"Grüße, \"\"du\"\"\"\r\n".utf8))
        }

        @Test func fileSinkReportsOpenFailure() {
            #expect(throws: OutputSinkError.self) {
                _ = try FileOutputSink(path: "/nonexistent-dir-ddbtrail/out.csv")
            }
        }
    }

    @Suite struct UTF8Validation {
        @Test(arguments: [
            ([0x61, 0xC3, 0xA9], true),                 // é
            ([0xF0, 0x9F, 0x9A, 0x80], true),           // 🚀
            ([0xEF, 0xBF, 0xBD], true),                 // U+FFFD
            ([0xF4, 0x8F, 0xBF, 0xBF], true),           // U+10FFFF
            ([0xC3], false),                            // truncated
            ([0xC0, 0x80], false),                      // overlong NUL
            ([0xE0, 0x80, 0xAF], false),                // overlong
            ([0xED, 0xA0, 0x80], false),                // surrogate
            ([0xF4, 0x90, 0x80, 0x80], false),          // above U+10FFFF
            ([0xE2, 0x28, 0xA1], false),                // bad continuation
            ([0xF8, 0x88, 0x80, 0x80, 0x80], false),    // 5-byte form
        ] as [([UInt8], Bool)])
        func validator(bytes: [UInt8], valid: Bool) {
            #expect(ByteScan.isValidUTF8(bytes) == valid)
            // It must agree with the standard library's decoder.
            #expect((String(validating: bytes, as: UTF8.self) != nil) == valid)
        }
    }
}

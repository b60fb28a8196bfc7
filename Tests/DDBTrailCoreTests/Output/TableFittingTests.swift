import Testing
@testable import DDBTrailCore
import DDBTrailSQLite

/// Tables fitted to a width (`RenderOptions.tableWidth`) and the column choices that go with it.
@Suite struct TableFittingTests {
    static let arn = "arn:aws:iam::111122223333:user/svc-reporting"
    static let columns = ["severity", "rule", "title", "principal_arn", "count", "drill_down"]

    static func rows() -> [[SQLValue]] {
        (0..<5).map { n in
            [.string("high"), .string("unusual-scan-\(n)"),
             .string("Scan of Orders, which is not normally scanned, by a principal that never scanned before \(n)"),
             .string(arn), .integer(Int64(n * 1000)),
             .string("ddbtrail investigate who-read --param table=Orders --param since=2026-11-03T02:42:30Z")]
        }
    }

    static func render(width: Int?, configure: (inout RenderOptions) -> Void = { _ in }) -> String {
        var options = RenderOptions(format: .table)
        options.tableWidth = width
        configure(&options)
        let sink = StringOutputSink()
        let renderer = ResultRenderer(columns: columns, options: options, sink: sink)
        for row in rows() { renderer.add(row) }
        renderer.finish()
        return sink.text
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    @Test(arguments: [100, 160])
    func everyLineFits(_ width: Int) {
        let full = Self.render(width: nil)
        #expect(Self.lines(full).contains { $0.count > width })
        let out = Self.render(width: width)
        #expect(Self.lines(out).count == 7)
        for line in Self.lines(out) { #expect(line.count <= width, "\(line)") }
    }

    @Test func middleEllipsisKeepsBothEndsOfAnARN() {
        let cut = ResultRenderer.TableLayout.cut(Self.arn, to: 30, middle: true)
        #expect(cut.count == 30)
        #expect(cut.hasPrefix("arn:aws:iam::"))
        #expect(cut.hasSuffix("svc-reporting"))
        #expect(cut.contains("…"))
        let out = Self.render(width: 100)
        let row = Self.lines(out)[2]
        #expect(row.contains("arn:aws"))
        #expect(row.contains("reporting"))
        #expect(!row.contains(Self.arn))
    }

    @Test func proseIsCutAtTheEnd() {
        let out = Self.render(width: 100)
        let row = Self.lines(out)[2]
        #expect(row.contains("Scan of"))
        #expect(!row.contains("before 0"))
    }

    @Test func numbersStayRightAligned() {
        let out = Self.render(width: 100)
        let lines = Self.lines(out)
        let header = lines[0]
        let start = header.distance(from: header.startIndex, to: header.range(of: "count")!.lowerBound)
        let end = start + 5
        // "4000" ends where the header's "count" ends; "0" too.
        for (line, value) in [(lines[2], "0"), (lines[6], "4000")] {
            let cell = String(line.dropFirst(end - value.count).prefix(value.count))
            #expect(cell == value, "\(line)")
        }
    }

    @Test func withoutAWidthTheTableIsUnchanged() {
        let sink = StringOutputSink()
        let renderer = ResultRenderer(columns: Self.columns, options: RenderOptions(format: .table), sink: sink)
        for row in Self.rows() { renderer.add(row) }
        renderer.finish()
        #expect(Self.render(width: nil) == sink.text)
        #expect(Self.render(width: nil) { $0.defaultColumns = ["rule"] } == sink.text)
        #expect(sink.text.contains(Self.arn))
        #expect(sink.text.hasPrefix("severity  rule"))
    }

    @Test func defaultColumnsOnlyWhenFittedAndNotWide() {
        let narrow = Self.render(width: 160) { $0.defaultColumns = ["rule", "severity"] }
        #expect(Self.lines(narrow)[0] == "rule            severity")
        let wide = Self.render(width: 400) { $0.defaultColumns = ["rule", "severity"]; $0.wide = true }
        #expect(Self.lines(wide)[0].hasPrefix("severity  rule"))
        #expect(Self.lines(wide)[0].hasSuffix("drill_down"))
    }

    @Test func wideDropsNonDefaultColumnsFromTheRight() {
        let out = Self.render(width: 60) { $0.defaultColumns = ["severity", "title"]; $0.wide = true }
        let header = Self.lines(out)[0]
        #expect(header.contains("title"))
        #expect(!header.contains("drill_down"))
        #expect(out.contains("not shown"))
        for line in Self.lines(out) { #expect(line.count <= 60, "\(line)") }
    }

    @Test func columnsSelectAndOrderInEveryFormat() throws {
        var options = RenderOptions(format: .csv)
        options.columns = ["count", "rule"]
        let sink = StringOutputSink()
        let renderer = ResultRenderer(columns: Self.columns, options: options, sink: sink)
        renderer.add(Self.rows()[1])
        renderer.finish()
        #expect(sink.text == "count,rule\r\n1000,unusual-scan-1\r\n")
        #expect(throws: UnknownColumnsError.self) { try options.checkColumns(["rule"]) }
        try options.checkColumns(Self.columns)
    }

    @Test func sectionNotesWrapToTheWidth() throws {
        var options = RenderOptions(format: .table)
        options.tableWidth = 40
        let sink = StringOutputSink()
        let note = "Note: missing data events do not prove there was no item activity at all."
        let section = OutputSection(key: "k", title: "A title that is far too long for forty columns", columns: ["a"], note: note) { add in
            add([.integer(1)])
        }
        try OutputSection.render([section], command: "test", options: options, sink: sink)
        for line in Self.lines(sink.text) { #expect(line.count <= 40, "\(line)") }
        #expect(sink.text.contains("Note: missing"))
        #expect(sink.text.contains("activity at all."))
    }
}

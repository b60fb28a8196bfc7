import Testing
@testable import DDBTrailCore

@Suite struct TimelinePlotTests {
    static let start: Int64 = 1_794_000_000
    static let plot = TimelinePlot(
        start: start, end: start + 86_400,
        lanes: [.init(label: "table Orders", kind: "table", counts: (0..<200).map { $0 % 7 == 0 ? $0 + 1 : 0 }),
                .init(label: "arn:aws:iam::111122223333:user/<alice>", kind: "principal", counts: (0..<200).map { $0 == 199 ? 5 : 0 })],
        markers: [.init(start: start + 3_600, end: start + 3_600, severity: "high", label: "a"),
                  .init(start: start + 80_000, end: start + 90_000, severity: "low", label: "b")])

    @Test func everyBarAndBandIsInsideThePlotArea() {
        let g = Self.plot.layout()
        #expect(!g.bars.isEmpty)
        #expect(g.bars.allSatisfy { g.plot.contains($0.rect) })
        #expect(g.bands.count == 2)
        #expect(g.bands.allSatisfy { g.plot.contains($0.rect) })
        #expect(g.plot.maxY <= g.height && g.plot.maxX <= g.width)
    }

    @Test func xGrowsWithTimeAndLanesStack() {
        let g = Self.plot.layout()
        let lane0 = g.bars.filter { $0.lane == 0 }
        #expect(zip(lane0, lane0.dropFirst()).allSatisfy { $0.rect.x < $1.rect.x && $0.bin < $1.bin })
        #expect(g.ticks.count >= 2)
        #expect(zip(g.ticks, g.ticks.dropFirst()).allSatisfy { $0.x < $1.x })
        #expect(g.bands[0].rect.x < g.bands[1].rect.x)
        // The last bin of lane 1 sits below lane 0's bars and at the right edge.
        let last = g.bars.first { $0.lane == 1 }
        #expect(last.map { $0.rect.y > lane0[0].rect.y - 1 && $0.rect.x > g.plot.x + g.plot.width * 0.98 } == true)
    }

    @Test func theSVGHasAxesLaneLabelsAndUTCTicks() {
        let svg = Self.plot.svg(title: "t")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "class=\"axis\"").count == 3)
        #expect(svg.contains(">table Orders</text>"))
        #expect(svg.contains("user/&lt;alice&gt;</text>"))
        #expect(svg.contains("T00:00Z</text>") || svg.contains(":00Z</text>"))
        #expect(!svg.contains("http"))
        #expect(svg.contains("band sev-high"))
    }

    @Test func escaperCoversMarkupCharacters() {
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("a\u{1}b") == "a&#xFFFD;b")
    }
}

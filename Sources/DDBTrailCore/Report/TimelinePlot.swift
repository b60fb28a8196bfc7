/// Activity over time as inline SVG: one lane per table or principal, events counted into
/// equal time bins (one bar per non-empty bin), findings as coloured bands. `layout` does the
/// geometry (tested on its own); `svg` draws it.
public struct TimelinePlot: Sendable {
    public struct Lane: Sendable {
        public var label: String
        public var kind: String          // "table", "principal" or any CSS class suffix
        public var counts: [Int]         // one per bin
        public init(label: String, kind: String, counts: [Int]) { self.label = label; self.kind = kind; self.counts = counts }
    }

    public struct Marker: Sendable {
        public var start: Int64, end: Int64   // epoch seconds
        public var severity: String
        public var label: String
        public init(start: Int64, end: Int64, severity: String, label: String) {
            self.start = start; self.end = end; self.severity = severity; self.label = label
        }
    }

    public struct Rect: Sendable, Equatable {
        public var x: Double, y: Double, width: Double, height: Double
        public var maxX: Double { x + width }
        public var maxY: Double { y + height }
        public func contains(_ r: Rect) -> Bool {
            r.x >= x - 1e-9 && r.y >= y - 1e-9 && r.maxX <= maxX + 1e-9 && r.maxY <= maxY + 1e-9
        }
    }

    public struct Bar: Sendable { public var lane: Int, bin: Int, count: Int, rect: Rect }
    public struct Band: Sendable { public var marker: Int, rect: Rect }
    public struct Tick: Sendable { public var x: Double, label: String }
    public struct LaneLabel: Sendable { public var text: String, y: Double }

    public struct Layout: Sendable {
        public var width: Double, height: Double
        public var plot: Rect
        public var bars: [Bar]
        public var bands: [Band]
        public var ticks: [Tick]
        public var laneLabels: [LaneLabel]
    }

    public var start: Int64
    public var end: Int64
    public var lanes: [Lane]
    public var markers: [Marker]
    public var width: Double
    public var laneHeight: Double
    public var labelWidth: Double

    public init(start: Int64, end: Int64, lanes: [Lane], markers: [Marker] = [], width: Double = 1200,
                laneHeight: Double = 26, labelWidth: Double = 300) {
        self.start = start
        self.end = max(end, start + 1)
        self.lanes = lanes
        self.markers = markers
        self.width = width
        self.laneHeight = laneHeight
        self.labelWidth = labelWidth
    }

    /// The x of an instant (clamped to the plot).
    func x(_ t: Int64, in plot: Rect) -> Double {
        let f = Double(min(max(t, start), end) - start) / Double(end - start)
        return plot.x + f * plot.width
    }

    public func layout() -> Layout {
        let top = 8.0, axis = 34.0
        let plot = Rect(x: labelWidth, y: top, width: width - labelWidth - 12, height: max(1, Double(lanes.count)) * laneHeight)
        var bars: [Bar] = []
        for (l, lane) in lanes.enumerated() where !lane.counts.isEmpty {
            let binWidth = plot.width / Double(lane.counts.count)
            let peak = Double(lane.counts.max() ?? 0)
            for (b, n) in lane.counts.enumerated() where n > 0 {
                // Square-root scale within the lane, so a single call still shows.
                let h = max(2, (laneHeight - 4) * (Double(n) / peak).squareRoot())
                let laneBottom = plot.y + Double(l + 1) * laneHeight - 2
                bars.append(Bar(lane: l, bin: b, count: n,
                                rect: Rect(x: plot.x + Double(b) * binWidth, y: laneBottom - h, width: max(binWidth * 0.85, 0.5), height: h)))
            }
        }
        let bands = markers.enumerated().map { i, m in
            let x0 = x(m.start, in: plot), x1 = x(max(m.end, m.start), in: plot)
            let w = max(4, x1 - x0)
            return Band(marker: i, rect: Rect(x: min(x0, plot.maxX - w), y: plot.y, width: w, height: plot.height))
        }
        let labels = lanes.enumerated().map { LaneLabel(text: $1.label, y: plot.y + (Double($0) + 0.5) * laneHeight) }
        return Layout(width: width, height: plot.maxY + axis, plot: plot, bars: bars, bands: bands,
                      ticks: ticks(plot), laneLabels: labels)
    }

    /// Round UTC instants, at most about eight, across the span.
    func ticks(_ plot: Rect) -> [Tick] {
        let span = end - start
        let steps: [Int64] = [1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400, 365 * 86400]
        let most = Int64(max(2, min(7, plot.width / 150)))
        let step = steps.first { span / $0 <= most } ?? 365 * 86400 * max(1, span / (most * 365 * 86400))
        var t = (start + step - 1) / step * step
        var out: [Tick] = []
        while t <= end {
            var label = Timestamp.format(epochSeconds: t)
            if step % 60 == 0 { label = String(label.dropLast(4)) + "Z" }   // 2026-11-16T22:00Z
            out.append(Tick(x: x(t, in: plot), label: label))
            t += step
        }
        return out
    }

    /// The SVG element (inline in HTML5, so no namespace URL). Labels are escaped here.
    public func svg(title: String) -> String {
        let g = layout()
        let f = format1
        var s = "<svg class=\"plot\" viewBox=\"0 0 \(f(g.width)) \(f(g.height))\" width=\"\(f(g.width))\" height=\"\(f(g.height))\" role=\"img\">"
        s += "<title>\(HTMLText.escape(title))</title>"
        s += "<rect class=\"area\" x=\"\(f(g.plot.x))\" y=\"\(f(g.plot.y))\" width=\"\(f(g.plot.width))\" height=\"\(f(g.plot.height))\"/>"
        for (i, l) in g.laneLabels.enumerated() {
            if i % 2 == 1 {
                s += "<rect class=\"stripe\" x=\"\(f(g.plot.x))\" y=\"\(f(l.y - laneHeight / 2))\" width=\"\(f(g.plot.width))\" height=\"\(f(laneHeight))\"/>"
            }
            s += "<text class=\"lane\" x=\"\(f(g.plot.x - 6))\" y=\"\(f(l.y + 4))\" text-anchor=\"end\">\(HTMLText.escape(l.text.count <= 46 ? l.text : "…" + String(l.text.suffix(45))))</text>"
        }
        for band in g.bands {
            let m = markers[band.marker]
            s += "<rect class=\"band sev-\(HTMLText.escape(m.severity))\" x=\"\(f(band.rect.x))\" y=\"\(f(band.rect.y))\" width=\"\(f(band.rect.width))\" height=\"\(f(band.rect.height))\"><title>\(HTMLText.escape(m.label))</title></rect>"
        }
        for bar in g.bars {
            s += "<rect class=\"bar k-\(HTMLText.escape(lanes[bar.lane].kind))\" x=\"\(f(bar.rect.x))\" y=\"\(f(bar.rect.y))\" width=\"\(f(bar.rect.width))\" height=\"\(f(bar.rect.height))\"><title>\(bar.count)</title></rect>"
        }
        let axisY = g.plot.maxY
        s += "<line class=\"axis\" x1=\"\(f(g.plot.x))\" y1=\"\(f(axisY))\" x2=\"\(f(g.plot.maxX))\" y2=\"\(f(axisY))\"/>"
        s += "<line class=\"axis\" x1=\"\(f(g.plot.x))\" y1=\"\(f(g.plot.y))\" x2=\"\(f(g.plot.x))\" y2=\"\(f(axisY))\"/>"
        for (i, tick) in g.ticks.enumerated() {
            s += "<line class=\"tick\" x1=\"\(f(tick.x))\" y1=\"\(f(g.plot.y))\" x2=\"\(f(tick.x))\" y2=\"\(f(axisY + 4))\"/>"
            let anchor = i == 0 && tick.x - g.plot.x < 60 ? "start" : (g.plot.maxX - tick.x < 60 ? "end" : "middle")
            s += "<text class=\"tlabel\" x=\"\(f(tick.x))\" y=\"\(f(axisY + 17))\" text-anchor=\"\(anchor)\">\(HTMLText.escape(tick.label))</text>"
        }
        s += "<text class=\"tlabel\" x=\"\(f(g.plot.x))\" y=\"\(f(axisY + 30))\">\(HTMLText.escape(Timestamp.format(epochSeconds: start)))</text>"
        s += "<text class=\"tlabel\" x=\"\(f(g.plot.maxX))\" y=\"\(f(axisY + 30))\" text-anchor=\"end\">\(HTMLText.escape(Timestamp.format(epochSeconds: end)))</text>"
        return s + "</svg>"
    }

    /// One decimal, no exponent.
    func format1(_ d: Double) -> String {
        let tenths = Int64((d * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }
}

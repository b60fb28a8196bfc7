extension ResultRenderer.TableLayout {
    /// No column is shrunk below this (or its header, or its own natural width).
    static let minimumWidth = 8
    /// Columns this narrow (a UTC time is 20) are shrunk only when shrinking wider ones is not enough.
    static let comfortableWidth = 20

    /// Columns of prose, cut at the end; others (ARNs, ids, keys, paths) lose their middle.
    static let proseColumns: Set<String> = ["title", "detail", "reason", "description", "note", "example_reason",
                                            "problems", "message", "parameters", "user_agent", "user_agents"]

    static func cutsInMiddle(column: String, text: String) -> Bool {
        !proseColumns.contains(column) && !text.contains(" ")
    }

    /// `text` shortened to `width` Characters with a `…`, in the middle or at the end.
    static func cut(_ text: String, to width: Int, middle: Bool) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        let kept = width - 1
        if !middle { return String(text.prefix(kept)) + "…" }
        // The end (a name, the last part of a path) gets the larger half.
        let tail = (kept + 1) / 2
        return String(text.prefix(kept - tail)) + "…" + String(text.suffix(tail))
    }

    /// The columns shown and their widths when the table must fit in `width`: the widest
    /// columns shrink first, down to their minimum; then droppable columns go, rightmost first.
    /// What still does not fit overflows.
    func fit(to width: Int) -> (shown: [Int], widths: [Int]) {
        var shown = Array(widths.indices)
        while true {
            var sized = shown.map { widths[$0] }
            let minimum = shown.map { min(widths[$0], max(Self.minimumWidth, showHeader ? header[$0].width : 0)) }
            let budget = width - Self.separator.count * max(shown.count - 1, 0)
            var total = sized.reduce(0, +)
            // Columns wider than a timestamp shrink first, to a timestamp's width and then to their
            // minimum; only then the narrow ones (times, names) give up characters.
            for (floor, onlyWide) in [(Self.comfortableWidth, true), (0, true), (0, false)] {
                while total > budget {
                    var widest: Int?
                    for i in sized.indices where sized[i] > max(minimum[i], min(floor, widths[shown[i]]))
                        && (!onlyWide || widths[shown[i]] > Self.comfortableWidth)
                        && sized[i] > (widest.map { sized[$0] } ?? 0) {
                        widest = i
                    }
                    guard let widest else { break }
                    sized[widest] -= 1
                    total -= 1
                }
            }
            guard total > budget, shown.count > 1, let drop = shown.lastIndex(where: { droppable[$0] }) else {
                return (shown, sized)
            }
            shown.remove(at: drop)
        }
    }
}

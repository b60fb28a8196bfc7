import DDBTrailSQLite

/// Every finding of the detections, with a small plot of the activity around its window.
struct FindingsSection: ReportSection {
    let id = "findings"
    let title = "Findings"
    /// Findings drawn in full; the rest are listed in one table.
    var detailed = 60
    var plotted = 40

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        guard !c.findings.isEmpty else {
            page.element("p", "The detections found nothing of severity \(c.settings.minimumSeverity) or higher.", class: "empty")
            return
        }
        var bySeverity: [String: Int] = [:]
        for f in c.findings { bySeverity[c.field(f, "severity"), default: 0] += 1 }
        page.raw("<p>")
        for s in Detections.severities where bySeverity[s] != nil {
            page.raw("<span class=\"badge sev-\(s)\">\(s)</span>\(bySeverity[s] ?? 0) ")
        }
        page.raw("&nbsp; All of them: ")
        page.command("ddbtrail detect \(c.dbArgument) --min-severity \(c.settings.minimumSeverity)")
        page.raw("</p>")
        for (i, f) in c.findings.prefix(detailed).enumerated() {
            try renderFinding(i, f, c, plot: i < plotted, into: &page)
        }
        if c.findings.count > detailed {
            page.raw("<h3>\(c.findings.count - detailed) more finding(s)</h3>")
            let cols = ["severity", "rule", "window_start", "principal_arn", "table", "title"]
            page.table(columns: cols, rows: c.findings.dropFirst(detailed).map { f in cols.map { f[ReportContext.column($0)] } },
                       cap: 500, more: "ddbtrail detect \(c.dbArgument) --format jsonl")
        }
    }

    func renderFinding(_ i: Int, _ f: [SQLValue], _ c: ReportContext, plot: Bool, into page: inout HTMLBuffer) throws {
        let v = { (name: String) in f[ReportContext.column(name)] }
        let severity = c.field(f, "severity")
        page.raw("<div class=\"finding sev-\(HTMLText.escape(severity))\" id=\"finding-\(i + 1)\"><h3>")
        page.raw("<span class=\"badge sev-\(HTMLText.escape(severity))\">\(HTMLText.escape(severity))</span>#\(i + 1) ")
        page.value(v("title"), column: "title", limit: 400)
        page.raw("</h3><dl>")
        func row(_ label: String, _ column: String, limit: Int = 400) {
            let value = v(column)
            guard !value.isNull, !(value.stringValue ?? "").isEmpty else { return }
            page.raw("<dt>\(HTMLText.escape(label))</dt><dd>")
            page.value(value, column: column, limit: limit)
            page.raw("</dd>")
        }
        row("rule", "rule")
        row("principal", "principal_arn")
        row("access key", "access_key_id")
        if !v("origin_kind").isNull {
            page.raw("<dt>origin of the key</dt><dd>")
            page.value(v("origin_kind"), column: "origin_kind")
            page.text(" ")
            page.value(v("origin_arn"), column: "origin_arn")
            if !v("origin_access_key_id").isNull { page.text(" (key "); page.value(v("origin_access_key_id"), column: "origin_access_key_id"); page.text(")") }
            page.raw("</dd>")
        }
        row("table", "table")
        page.raw("<dt>window</dt><dd>")
        page.text(c.field(f, "window_start") + " to " + c.field(f, "window_end"))
        page.raw("</dd>")
        row("detail", "detail", limit: 600)
        let ids = Self.eventIDs(c.field(f, "evidence_event_ids"))
        page.raw("<dt>evidence events</dt><dd class=\"mono\">")
        page.text(ids.prefix(8).map { page.display(.string($0), column: "event_id") }.joined(separator: ", "))
        if ids.count > 8 { page.text(" … and \(ids.count - 8) more (\(ids.count) in all)") }
        page.raw("</dd><dt>drill down</dt><dd>")
        let drill = page.display(v("drill_down"), column: "drill_down")
        page.command(drill.isEmpty ? "ddbtrail investigate \(c.field(f, "investigation"))" : drill)
        page.raw("</dd></dl>")
        if plot, let mini = try Self.miniPlot(f, c, label: { page.display(.string($0), column: "text") }) {
            page.raw("<div class=\"plotwrap\">\(mini.svg(title: "Activity around finding #\(i + 1)"))</div>")
        }
        page.raw("</div>\n")
    }

    /// The ids in a JSON array (or a comma list).
    static func eventIDs(_ text: String) -> [String] {
        if let json = try? JSONParser.parse(text), let items = json.array {
            return items.compactMap(\.string)
        }
        return text.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }

    /// Calls of the finding's key, on its table and in the whole case, around its window.
    static func miniPlot(_ f: [SQLValue], _ c: ReportContext, label: (String) -> String) throws -> TimelinePlot? {
        guard let ws = Timestamp.epochSeconds(c.field(f, "window_start")) else { return nil }
        let we = max(Timestamp.epochSeconds(c.field(f, "window_end")) ?? ws, ws)
        let pad = max(600, (we - ws) / 2)
        let start = ws - pad, end = we + pad + 1, bins = 60
        let key = c.field(f, "access_key_id"), arn = c.field(f, "principal_arn"), table = c.field(f, "table")
        var lanes: [TimelinePlot.Lane] = []
        func lane(_ name: String, _ kind: String, _ filter: String, _ params: [String: String]) throws {
            var p = params
            p["from"] = Timestamp.format(epochSeconds: start)
            p["to"] = Timestamp.format(epochSeconds: end)
            p["start"] = String(start); p["span"] = String(end - start); p["bins"] = String(bins)
            let sql = """
                SELECT min(:bins - 1, (CAST(strftime('%s', e.event_time) AS INTEGER) - :start) * :bins / :span) AS bin, count(*)
                FROM events e WHERE e.event_time >= :from AND e.event_time < :to AND \(filter) GROUP BY bin
                """
            var counts = [Int](repeating: 0, count: bins)
            for r in try QueryRunner.rows(c.db, sql: sql, parameters: p).rows {
                let b = Int(r[0].int64Value ?? -1)
                if b >= 0, b < bins { counts[b] += Int(r[1].int64Value ?? 0) }
            }
            lanes.append(TimelinePlot.Lane(label: name, kind: kind, counts: counts))
        }
        if !key.isEmpty {
            try lane("key " + label(key), "key", "e.principal_id IN (SELECT id FROM principals WHERE access_key_id = :key)", ["key": key])
        } else if !arn.isEmpty {
            try lane(label(arn), "key", "e.principal_id IN (SELECT id FROM principals WHERE arn = :arn)", ["arn": arn])
        }
        if !table.isEmpty {
            try lane("table " + label(table), "table", """
                e.id IN (SELECT a.event_id FROM item_accesses a JOIN ddb_tables t ON t.id = a.table_id WHERE t.name = :t
                         UNION SELECT r.event_id FROM table_references r JOIN ddb_tables t ON t.id = r.table_id WHERE t.name = :t)
                """, ["t": table])
        }
        try lane("all calls", "principal", "1", [:])
        return TimelinePlot(start: start, end: end, lanes: lanes,
                            markers: [.init(start: ws, end: we, severity: c.field(f, "severity"), label: "finding window")],
                            width: 900, laneHeight: 20, labelWidth: 260)
    }
}

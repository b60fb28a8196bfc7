import DDBTrailSQLite

/// Runs one embedded `info-*` query.
func infoRows(_ db: Database, _ name: String) throws -> (columns: [String], rows: [[SQLValue]]) {
    guard let q = QueryFile.embedded(name) else { throw QueryError("embedded query \(name) is missing") }
    return try QueryRunner.rows(db, sql: q.sql)
}

/// Evidence files, integrity, time span, coverage per table, and what is missing.
struct OverviewSection: ReportSection {
    let id = "overview"
    let title = "Overview of the evidence"

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        let db = c.db
        let more = { (key: String) in "ddbtrail info \(c.dbArgument) --section \(key)" }
        page.raw("<h3>Evidence files by format and status</h3>")
        let files = try infoRows(db, "info-files")
        page.table(columns: files.columns, rows: files.rows, more: more("files"))
        page.raw("<h3>Integrity of the CloudTrail files</h3>")
        let integrity = try infoRows(db, "info-integrity")
        page.table(columns: integrity.columns, rows: integrity.rows, more: more("integrity"),
                   empty: "no CloudTrail digest evidence: integrity was not checked (ddbtrail verify)")
        page.raw("<h3>Time span per account and region</h3>")
        let span = try infoRows(db, "info-time-range")
        page.table(columns: span.columns, rows: span.rows, more: more("time_range"))
        page.raw("<h3>Data events and change records per table</h3>")
        let tables = try infoRows(db, "info-tables")
        let changes = try infoRows(db, "info-changes")
        var streams: [String: [SQLValue]] = [:]
        for r in changes.rows { streams[r[0].stringValue ?? ""] = r }
        let wanted = Set(c.settings.tables)
        let rows = tables.rows.filter { wanted.isEmpty || wanted.contains($0[2].stringValue ?? "") }.map { r -> [SQLValue] in
            let s = streams[r[2].stringValue ?? ""]
            return [r[0], r[1], r[2], r[3], r[5], r[6], r[7], s?[1] ?? .null, s?[4] ?? .null, s?[2] ?? .null, s?[3] ?? .null, s?[10] ?? .null]
        }
        page.table(columns: ["account_id", "region", "table_name", "data_events", "first_data_event", "last_data_event",
                             "management_events", "change_sources", "changes", "first_change", "last_change", "attribution_rate"],
                   rows: rows, more: more("tables") + " and --section changes")
        page.raw("<h3>What is missing</h3><ul>")
        var gaps: [String] = []
        for r in rows {
            let name = page.display(r[2], column: "table_name")
            let data = r[3].int64Value ?? 0, changeCount = r[8].int64Value ?? 0
            if data == 0 {
                gaps.append("\(name): no CloudTrail data events, so reads and writes of its items are not in the evidence (their absence proves nothing)")
            }
            if changeCount == 0 { gaps.append("\(name): no stream or export change records, so the values written are not in the evidence") }
        }
        for r in integrity.rows where (r[0].stringValue ?? "").hasSuffix("files") && !["verified", "listed"].contains(r[1].stringValue ?? "") {
            gaps.append("\(r[2].stringValue ?? "?") \(r[0].stringValue ?? "") with integrity '\(r[1].stringValue ?? "")' (ddbtrail verify \(c.dbArgument) lists them)")
        }
        if integrity.rows.isEmpty { gaps.append("no digest files: the CloudTrail logs could not be checked against their digests") }
        let rejected = try db.scalar("SELECT count(*) FROM import_errors WHERE severity = 'error'").int64Value ?? 0
        if rejected > 0 { gaps.append("\(rejected) record(s) or files were not imported (see Import errors and warnings)") }
        let conflicts = try db.scalar("SELECT count(*) FROM event_copies WHERE conflicting = 1").int64Value ?? 0
        if conflicts > 0 { gaps.append("\(conflicts) conflicting copies of CloudTrail events (\(more("conflicting_copies")))") }
        if gaps.isEmpty { gaps.append("nothing obvious: every table has data events and change records") }
        for g in gaps.prefix(40) { page.element("li", g) }
        if gaps.count > 40 { page.element("li", "\(gaps.count - 40) more: \(more("tables"))") }
        page.raw("</ul>")
    }
}

/// The whole span as lanes of activity, with the findings as bands.
struct TimelineSection: ReportSection {
    let id = "timeline"
    let title = "Timeline of activity and findings"

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        try plot(c, from: c.start, to: c.end, title: "Calls over time per table and principal, \(c.settings.bins) bins", into: &page)
        // A long case squeezes an attack into a few columns: the span of the high and critical
        // findings is drawn again on its own when it is a small part of the whole.
        let high = c.findings.filter { ["critical", "high"].contains(c.field($0, "severity")) }
        let starts = high.compactMap { Timestamp.epochSeconds(c.field($0, "window_start")) }
        let ends = high.compactMap { Timestamp.epochSeconds(c.field($0, "window_end")) }
        if let first = starts.min(), let last = max(ends.max() ?? first, starts.max() ?? first) as Int64? {
            let margin = max(3600, (last - first) / 4)
            let from = max(c.start, first - margin), to = min(c.end, last + margin)
            if (to - from) * 4 < (c.end - c.start) {
                page.element("h3", "Around the high-severity findings: \(Timestamp.format(epochSeconds: from)) to \(Timestamp.format(epochSeconds: to))")
                try plot(c, from: from, to: to, title: "Calls around the high-severity findings, \(c.settings.bins) bins", into: &page)
            }
        }
    }

    func plot(_ c: ReportContext, from start: Int64, to end: Int64, title: String, into page: inout HTMLBuffer) throws {
        let p = page
        let bins = try ActivityBins.compute(c.db, start: start, end: end, bins: c.settings.bins, maxLanes: c.settings.maxLanes,
                                            tablesJSON: c.tablesJSON) { kind, label in
            (kind == "table" ? "table " : "") + p.display(.string(label), column: kind == "table" ? "table_name" : "principal_arn")
        }
        guard !bins.lanes.isEmpty else { page.element("p", "No timed events in this span.", class: "empty"); return }
        let markers = c.findings.enumerated().compactMap { i, f -> TimelinePlot.Marker? in
            guard let s = Timestamp.epochSeconds(c.field(f, "window_start")) else { return nil }
            let e = Timestamp.epochSeconds(c.field(f, "window_end")) ?? s
            return TimelinePlot.Marker(start: s, end: e, severity: c.field(f, "severity"),
                                       label: "#\(i + 1) \(c.field(f, "severity")): \(p.display(c.field(f, "title")))")
        }
        let plot = TimelinePlot(start: start, end: end, lanes: bins.lanes, markers: markers.filter { $0.end >= start && $0.start < end })
        page.raw("<p class=\"legend\"><span><i style=\"background:#2f6fb3\"></i>calls per table</span><span><i style=\"background:#5a8f3d\"></i>calls per principal</span>")
        for s in Detections.severities where markers.contains(where: { $0.severity == s }) {
            page.raw("<span><i class=\"badge sev-\(s)\" style=\"opacity:.6\"></i>\(s) finding window</span>")
        }
        page.raw("</p><div class=\"plotwrap\">")
        page.raw(plot.svg(title: title))
        page.raw("</div>")
        let binSeconds = max(1, (end - start) / Int64(c.settings.bins))
        var note = "Each column is about \(binSeconds) s; bar height grows with the square root of the calls in it, scaled per lane. Tables count data calls and control-plane calls naming them."
        if bins.hiddenLanes > 0 {
            note += " \(bins.hiddenLanes) quieter lane(s) are not drawn (\(bins.hiddenEvents) calls by other principals): ddbtrail sql \(c.dbArgument) \"SELECT p.arn, count(*) FROM events e JOIN principals p ON p.id = e.principal_id GROUP BY 1 ORDER BY 2 DESC\" lists them."
        }
        page.element("p", note, class: "note")
    }
}

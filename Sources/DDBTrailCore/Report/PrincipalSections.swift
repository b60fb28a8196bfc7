import DDBTrailSQLite

/// For each principal of a high or critical finding: its credential chain and the items its
/// calls changed.
struct PrincipalsSection: ReportSection {
    let id = "principals"
    let title = "Principals behind high and critical findings"
    var changeCap = 25
    var principalCap = 10

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        var seen: [String] = []
        for f in c.findings where ["critical", "high"].contains(c.field(f, "severity")) {
            let who = c.field(f, "access_key_id").isEmpty ? c.field(f, "principal_arn") : c.field(f, "access_key_id")
            if !who.isEmpty, !seen.contains(who) { seen.append(who) }
        }
        guard !seen.isEmpty else { page.element("p", "No high or critical finding names a principal.", class: "empty"); return }
        for who in seen.prefix(principalCap) {
            let shown = page.display(.string(who), column: "access_key_id")
            page.raw("<h3>")
            page.text(shown)
            page.raw("</h3><p>Identity chain (")
            page.command("ddbtrail principal \(c.dbArgument) \(ShellQuote.quote(shown))")
            page.raw(" shows identities and activity too):</p>")
            let report = try IdentityResolver.report(c.db, who: who, since: c.settings.since, until: c.settings.until)
            page.table(columns: PrincipalReport.chainColumns, rows: report.chainRows, cap: 20,
                       more: "ddbtrail principal \(c.dbArgument) \(ShellQuote.quote(shown)) --section chain",
                       empty: "no chain: the key's origin is not in the evidence")
            try changes(of: who, c, shown: shown, into: &page)
        }
        if seen.count > principalCap {
            page.element("p", "\(seen.count - principalCap) more principal(s): ddbtrail principal \(c.dbArgument) WHO for each.", class: "more")
        }
    }

    /// Changes attributed to calls of `who` (an access key id or ARN).
    func changes(of who: String, _ c: ReportContext, shown: String, into page: inout HTMLBuffer) throws {
        let from = """
            FROM change_attributions a JOIN events e ON e.id = a.event_id JOIN principals p ON p.id = e.principal_id
            JOIN changes c ON c.id = a.change_id LEFT JOIN ddb_tables t ON t.id = c.table_id
            WHERE (p.access_key_id = :who OR p.arn = :who)
              AND (:since = '' OR c.change_time >= :since) AND (:until = '' OR c.change_time < :until)
              AND (:tables = '[]' OR t.name IN (SELECT value FROM json_each(:tables)))
            """
        let params = ["who": who, "since": c.settings.since, "until": c.settings.until, "tables": c.tablesJSON]
        let total = try QueryRunner.rows(c.db, sql: "SELECT count(*) " + from, parameters: params).rows.first?[0].int64Value ?? 0
        page.raw("<p>Items its calls changed: \(total) change(s)")
        guard total > 0 else { page.raw(".</p>"); return }
        page.raw(total > Int64(changeCap) ? ", the first \(changeCap) shown.</p>" : ".</p>")
        let rows = try QueryRunner.rows(c.db, sql: """
            SELECT c.change_time, t.name AS table_name, c.item_key, c.change_type, c.diff, a.method AS attribution, a.confidence, e.event_id
            \(from) ORDER BY c.change_time_us, c.id LIMIT \(changeCap)
            """, parameters: params)
        page.raw("<table><thead><tr>")
        for col in ["time", "table", "item", "change", "before → after", "attribution", "confidence", "call"] { page.element("th", col) }
        page.raw("</tr></thead><tbody>")
        for r in rows.rows {
            page.raw("<tr><td>"); page.value(r[0], column: "change_time")
            page.raw("</td><td>"); page.value(r[1], column: "table_name")
            page.raw("</td><td class=\"mono\">"); page.value(r[2], column: "item_key")
            page.raw("</td><td>"); page.value(r[3], column: "change_type")
            page.raw("</td><td class=\"mono\">")
            page.text(Self.diffLines(page.display(r[4], column: "diff")))
            page.raw("</td><td>"); page.value(r[5], column: "attribution")
            page.raw("</td><td class=\"n\">"); page.value(r[6], column: "confidence")
            page.raw("</td><td class=\"mono\">"); page.value(r[7], column: "event_id")
            page.raw("</td></tr>")
        }
        page.raw("</tbody></table><p class=\"more\">Each item's whole history: ")
        page.command("ddbtrail item \(c.dbArgument) TABLE KEY")
        page.raw("; every call of this principal: ")
        page.command("ddbtrail sql \(c.dbArgument) --param principal=\(ShellQuote.quote(shown)) \"$(cat queries/principal-activity.sql)\"")
        page.raw("</p>")
    }

    /// A stored diff as short lines: `~ name: old → new`, `+ name = value`, `- name (was value)`.
    static func diffLines(_ text: String, limit: Int = 8) -> String {
        guard let json = try? JSONParser.parse(text), let o = json.object else { return HTMLText.shorten(text, 300) }
        var lines: [String] = []
        func members(_ name: String) -> [(String, JSON)] {
            (o[name]?.object?.members ?? []).map { ($0.key, $0.value) }
        }
        for (k, v) in members("changed") {
            if let pair = v.object, let old = pair["old"], let new = pair["new"] {
                lines.append("~ \(k): \(old.compactText) → \(new.compactText)")
            }
        }
        for (k, v) in members("added") { lines.append("+ \(k) = \(v.compactText)") }
        for (k, v) in members("removed") { lines.append("- \(k) (was \(v.compactText))") }
        if lines.isEmpty { return "(no attribute changed)" }
        let shown = lines.prefix(limit).map { HTMLText.shorten($0, 160) }
        return shown.joined(separator: "\n") + (lines.count > limit ? "\n… \(lines.count - limit) more" : "")
    }
}

/// Import errors and warnings: counts and the first few.
struct ImportProblemsSection: ReportSection {
    let id = "import-problems"
    let title = "Import errors and warnings"

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        let counts = try QueryRunner.rows(c.db, sql: "SELECT severity, count(*) AS problems, count(DISTINCT source_file_id) AS files FROM import_errors GROUP BY 1 ORDER BY 1")
        page.table(columns: counts.columns, rows: counts.rows, empty: "No import errors or warnings.")
        guard !counts.rows.isEmpty else { return }
        let first = try QueryRunner.rows(c.db, sql: """
            SELECT e.severity, f.path, e.record_index, e.reason FROM import_errors e JOIN source_files f ON f.id = e.source_file_id
            ORDER BY e.severity, e.id LIMIT 21
            """)
        page.raw("<h3>The first problems</h3>")
        page.table(columns: first.columns, rows: first.rows, cap: 20, more: "ddbtrail info \(c.dbArgument) --section import_errors (per file), ddbtrail sql \(c.dbArgument) \"SELECT * FROM import_errors\" (every one)")
    }
}

/// How and when the report was made.
struct ProvenanceSection: ReportSection {
    let id = "provenance"
    let title = "How this report was made"

    func render(_ c: ReportContext, into page: inout HTMLBuffer) throws {
        page.raw("<dl class=\"mono\">")
        for (k, v) in [("tool", "ddbtrail \(ToolVersion.current)"), ("command", c.settings.commandLine), ("made at (UTC)", c.settings.generatedAt),
                       ("case", c.settings.casePath),
                       ("span", "\(Timestamp.format(epochSeconds: c.start)) to \(Timestamp.format(epochSeconds: c.end))"),
                       ("tables", c.settings.tables.isEmpty ? "all" : c.settings.tables.joined(separator: ", ")),
                       ("findings", "severity \(c.settings.minimumSeverity) or higher, default thresholds")] {
            page.raw("<dt>"); page.text(k); page.raw("</dt><dd>"); page.text(v); page.raw("</dd>")
        }
        page.raw("</dl><p class=\"note\">A single file: styles and plots are inline, nothing is loaded from anywhere, and it prints as it shows.</p>")
    }
}

import DDBTrailSQLite

/// What a report covers and how it shows values.
public struct ReportSettings {
    public var since = ""                 // UTC, inclusive; '' = the case's start
    public var until = ""                 // UTC, exclusive; '' = the case's end
    public var tables: [String] = []      // [] = every table
    public var minimumSeverity = "low"
    public var maxLanes = 12
    public var bins = 200
    /// Every displayed evidence value passes through this (pseudonymisation).
    public var transform: (String, SQLValue) -> SQLValue = { $1 }
    public var commandLine = "ddbtrail report"
    public var casePath = "CASE"
    public var generatedAt = ""
    public init() {}
}

/// Everything the sections share: the case, the settings and the findings (computed once).
public struct ReportContext {
    public let db: Database
    public let settings: ReportSettings
    public let findings: [[SQLValue]]
    /// The span the report draws: the settings' limits, else the case's first and last event.
    public let start: Int64
    public let end: Int64

    public init(db: Database, catalog: QueryCatalog, settings: ReportSettings) throws {
        self.db = db
        self.settings = settings
        let all = try Detections.run(db, catalog: catalog, settings: Detections.Settings(), minimumSeverity: settings.minimumSeverity)
        let c = Self.column
        findings = all.filter { f in
            let from = f[c("window_start")].stringValue ?? "", to = f[c("window_end")].stringValue ?? from
            if !settings.since.isEmpty, !to.isEmpty, to < settings.since { return false }
            if !settings.until.isEmpty, !from.isEmpty, from >= settings.until { return false }
            if !settings.tables.isEmpty, !settings.tables.contains(f[c("table")].stringValue ?? "") { return false }
            return true
        }
        let span = try db.rows("""
            SELECT CAST(strftime('%s', min(event_time)) AS INTEGER), CAST(strftime('%s', max(event_time)) AS INTEGER)
            FROM events WHERE event_time IS NOT NULL AND (?1 = '' OR event_time >= ?1) AND (?2 = '' OR event_time < ?2)
            """, [.string(settings.since), .string(settings.until)]).first ?? []
        let first = settings.since.isEmpty ? span.first?.int64Value : Timestamp.epochSeconds(settings.since)
        let last = settings.until.isEmpty ? span.last?.int64Value : Timestamp.epochSeconds(settings.until)
        start = first ?? 0
        end = max(last ?? start, start) + 1
    }

    /// A finding's field by its `Detections.columns` name.
    public static func column(_ name: String) -> Int { Detections.columns.firstIndex(of: name) ?? 0 }

    public func field(_ finding: [SQLValue], _ name: String) -> String { finding[Self.column(name)].stringValue ?? "" }

    /// `--db CASE` as the reader should type it.
    public var dbArgument: String { "--db " + ShellQuote.quote(settings.casePath) }

    /// The tables wanted, as a JSON array for `json_each` ('[]' = all).
    public var tablesJSON: String { "[" + settings.tables.map(jsonString).joined(separator: ",") + "]" }
}

/// Single-quotes a word for a POSIX shell when it needs it.
enum ShellQuote {
    static func quote(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789-_./=:,@+".unicodeScalars.contains($0) }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// One part of the report. A new part is one more conforming type added to `CaseReport.sections`.
public protocol ReportSection: Sendable {
    var id: String { get }
    var title: String { get }
    func render(_ context: ReportContext, into page: inout HTMLBuffer) throws
}

/// `ddbtrail report`: one self-contained HTML page (inline CSS and SVG, no script, nothing
/// loaded from anywhere) telling what the case holds and what the detections found.
public enum CaseReport {
    public static let sections: [any ReportSection] = [
        OverviewSection(), TimelineSection(), FindingsSection(), PrincipalsSection(), ImportProblemsSection(), ProvenanceSection(),
    ]

    /// Writes the page into `sink`; returns the number of findings shown.
    @discardableResult
    public static func write(_ db: Database, catalog: QueryCatalog, settings: ReportSettings,
                             sink: any OutputSink) throws -> Int {
        let context = try ReportContext(db: db, catalog: catalog, settings: settings)
        var page = HTMLBuffer(transform: settings.transform)
        page.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.raw("<title>")
        page.text("ddbtrail report: " + settings.casePath)
        page.raw("</title><style>\(ReportStyle.css)</style></head><body>\n<header><h1>")
        page.text("ddbtrail report")
        page.raw("</h1><p class=\"sub\">")
        page.text("Case \(settings.casePath), \(Timestamp.format(epochSeconds: context.start)) to \(Timestamp.format(epochSeconds: context.end)). \(context.findings.count) finding(s) of severity \(settings.minimumSeverity) or higher. Made \(settings.generatedAt).")
        page.raw("</p><nav><ol>")
        for s in sections { page.raw("<li><a href=\"#\(s.id)\">\(HTMLText.escape(s.title))</a></li>") }
        page.raw("</ol></nav></header>\n")
        sink.write(page.html)
        for s in sections {
            var part = HTMLBuffer(transform: settings.transform)
            part.raw("<section id=\"\(s.id)\"><h2>\(HTMLText.escape(s.title))</h2>\n")
            try s.render(context, into: &part)
            part.raw("</section>\n")
            sink.write(part.html)
        }
        sink.write("</body></html>\n")
        return context.findings.count
    }
}

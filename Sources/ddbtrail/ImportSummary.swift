import DDBTrailCore
import DDBTrailSQLite

/// The per-file accounting printed at the end of every import.
enum ImportSummary {
    static func render(_ report: ImportReport, database: String) -> String {
        let sink = StringOutputSink()
        let renderer = ResultRenderer(
            columns: ["file", "status", "format", "read", "imported", "duplicate", "rejected", "detail"],
            options: RenderOptions(format: .table), sink: sink)
        for f in report.files {
            renderer.add([.string(tail(f.path)), .string(f.status.rawValue), .optional(f.format), .integer(Int64(f.recordsRead)),
                          .integer(Int64(f.imported)), .integer(Int64(f.duplicates)), .integer(Int64(f.rejected)),
                          .optional(f.detail ?? notes(f))])
        }
        renderer.finish()
        var byStatus: [String: Int] = [:]
        for f in report.files { byStatus[f.status.rawValue, default: 0] += 1 }
        let statuses = byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var text = sink.text
        let rate = report.seconds > 0 ? Double(report.records) / report.seconds : 0
        text += "\n\(report.files.count) files (\(statuses)); \(report.records) records read: \(report.imported) imported, "
        text += "\(report.duplicates) duplicate"
        text += report.conflicting > 0 ? " (\(report.conflicting) conflicting)" : ""
        text += ", \(report.rejected) rejected; \(formatted(report.seconds))s"
        text += report.records > 0 ? ", \(Int(rate)) records/s" : ""
        text += "\ncase database: \(database)"
        if report.keysRecanonicalised > 0 {
            text += "\n\(report.keysRecanonicalised) item keys re-typed from key schemas learned in this import"
        }
        if report.changesAttributed > 0 {
            text += "\n\(report.changesAttributed) change(s) attributed to the CloudTrail call that caused them (see ddbtrail item / info)"
        }
        if report.conflicting > 0 {
            text += "\n\(report.conflicting) duplicate(s) differ in content from the stored event (tampering, or a tool that rewrote records?): see `ddbtrail info` (conflicting copies)"
        }
        if report.anyRejected {
            text += "\nSome input was not imported: see the rows above and `ddbtrail info` (import errors)."
        }
        return text
    }

    /// The detail of a file without one: its conflicting copies and warnings, if any.
    static func notes(_ f: FileSummary) -> String? {
        var notes: [String] = []
        // Each conflicting copy is also a warning: counted once, here.
        if f.conflicting > 0 { notes.append("\(f.conflicting) conflicting duplicate(s), see `ddbtrail info` and import_errors") }
        if f.warnings > f.conflicting { notes.append("\(f.warnings - f.conflicting) warning(s), see import_errors") }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// Long paths keep their end (the file name), which is what tells files apart.
    static func tail(_ path: String, limit: Int = 78) -> String {
        path.count <= limit ? path : "…" + path.suffix(limit - 1)
    }

    static func formatted(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

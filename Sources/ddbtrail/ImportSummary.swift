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
                          .optional(f.detail ?? (f.warnings > 0 ? "\(f.warnings) warning(s), see import_errors" : nil))])
        }
        renderer.finish()
        var byStatus: [String: Int] = [:]
        for f in report.files { byStatus[f.status.rawValue, default: 0] += 1 }
        let statuses = byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var text = sink.text
        let rate = report.seconds > 0 ? Double(report.records) / report.seconds : 0
        text += "\n\(report.files.count) files (\(statuses)); \(report.records) records read: \(report.imported) imported, "
        text += "\(report.duplicates) duplicate, \(report.rejected) rejected; \(formatted(report.seconds))s"
        text += report.records > 0 ? ", \(Int(rate)) records/s" : ""
        text += "\ncase database: \(database)"
        if report.keysRecanonicalised > 0 {
            text += "\n\(report.keysRecanonicalised) item keys re-typed from key schemas learned in this import"
        }
        if report.changesAttributed > 0 {
            text += "\n\(report.changesAttributed) change(s) attributed to the CloudTrail call that caused them (see ddbtrail item / info)"
        }
        if report.anyRejected {
            text += "\nSome input was not imported: see the rows above and `ddbtrail info` (import errors)."
        }
        return text
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

import DDBTrailSQLite

/// `ddbtrail info`: what the case holds, as a fixed list of embedded queries.
public enum CaseInfo {
    public static let sectionQueries = ["info-time-range", "info-event-counts", "info-tables", "info-changes", "info-files",
                                        "info-digests", "info-import-errors"]

    /// Section key as used in JSON output: `info-time-range` → `time_range`.
    public static func key(_ name: String) -> String {
        String(name.dropFirst("info-".count)).replacingOccurrences(of: "-", with: "_")
    }

    public static var sections: [QueryFile] { sectionQueries.compactMap(QueryFile.embedded) }

    public static func render(_ db: Database, options: RenderOptions, sink: any OutputSink, only: String? = nil) throws {
        let chosen = sections.filter { only == nil || key($0.name) == only || $0.name == only }
        if let only, chosen.isEmpty {
            throw QueryError("no info section '\(only)'; sections: \(sectionQueries.map(key).joined(separator: ", "))")
        }
        if options.format == .csv, chosen.count > 1 {
            throw QueryError("CSV holds one table: choose a section with --section (\(sectionQueries.map(key).joined(separator: ", ")))")
        }
        if options.format == .json, only == nil { sink.write("{\n") }
        for (n, section) in chosen.enumerated() {
            let statement = try QueryRunner.prepare(db, sql: section.sql, parameters: [:])
            switch options.format {
            case .table:
                sink.write("== \(section.title) ==\n")
                let renderer = ResultRenderer(columns: statement.columnNames, options: options, sink: sink)
                try QueryRunner.run(statement, into: renderer)
                if section.name == "info-tables" {
                    sink.write("Note: missing data events do not prove there was no item activity: CloudTrail logs DynamoDB data events only where a trail or event data store was configured to.\n")
                }
                sink.write("\n")
            case .json:
                if only == nil { sink.write("\(n == 0 ? "" : ",\n")\"\(key(section.name))\": ") }
                let renderer = ResultRenderer(columns: statement.columnNames, options: options, sink: sink)
                try QueryRunner.run(statement, into: renderer)
            case .jsonl:
                let renderer = ResultRenderer(columns: ["section"] + statement.columnNames, options: options, sink: sink)
                while try statement.step() { renderer.add([.string(key(section.name))] + statement.row()) }
                renderer.finish()
            case .csv:
                let renderer = ResultRenderer(columns: statement.columnNames, options: options, sink: sink)
                try QueryRunner.run(statement, into: renderer)
            }
        }
        if options.format == .json, only == nil { sink.write("}\n") }
    }
}

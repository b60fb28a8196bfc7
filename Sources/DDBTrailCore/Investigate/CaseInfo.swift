import DDBTrailSQLite

/// `ddbtrail info`: what the case holds, as a fixed list of embedded queries.
public enum CaseInfo {
    public static let sectionQueries = ["info-time-range", "info-event-counts", "info-tables", "info-metrics", "info-changes", "info-files",
                                        "info-integrity", "info-import-errors", "info-conflicting-copies"]

    /// Section key as used in JSON output: `info-time-range` → `time_range`.
    public static func key(_ name: String) -> String {
        String(name.dropFirst("info-".count)).replacingOccurrences(of: "-", with: "_")
    }

    public static var sections: [QueryFile] { sectionQueries.compactMap(QueryFile.embedded) }

    public static func render(_ db: Database, options: RenderOptions, sink: any OutputSink, only: String? = nil) throws {
        let parts = try sections.map { query in
            let statement = try QueryRunner.prepare(db, sql: query.sql, parameters: [:])
            return OutputSection(
                key: key(query.name), title: query.title, columns: statement.columnNames,
                note: query.name == "info-tables"
                    ? "Note: missing data events do not prove there was no item activity: CloudTrail logs DynamoDB data events only where a trail or event data store was configured to."
                    : nil,
                rows: { add in while try statement.step() { add(statement.row()) } })
        }
        // `--section` takes the key (`tables`) or the query's name (`info-tables`).
        let chosen = only.map { name in sections.first { $0.name == name }.map { key($0.name) } ?? name }
        try OutputSection.render(parts, command: "info", options: options, sink: sink, only: chosen)
    }
}

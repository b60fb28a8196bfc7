import ArgumentParser
import DDBTrailCore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Import the bundled example incident into ./ddbtrail-demo.db and show what it reveals.",
        discussion: "The evidence files are written to ./ddbtrail-demo-evidence/ first, so you can inspect them and re-import them yourself.")

    @Option(name: .long, help: ArgumentHelp("Case database to (re)create.", valueName: "path"))
    var db = "./ddbtrail-demo.db"

    @Option(name: .long, help: ArgumentHelp("Where to write the example evidence.", valueName: "dir"))
    var evidence = "./ddbtrail-demo-evidence"

    func run() throws {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try? FileManager.default.removeItem(atPath: evidence)
        let files = try DemoIncident.extract(to: evidence)
        print("Example incident: \(files.count) evidence files written to \(evidence)/")
        print("$ ddbtrail import --db \(db) \(evidence)\n")

        let database = try CaseDatabase.openForImport(path: db)
        let importer = try Importer(database: database, observer: ImportConsole(quiet: true))
        let report = try importer.importFiles(Importer.expand([evidence]).files)
        print(ImportSummary.render(report, database: db))

        let query = try CaseDatabase.openForQuery(path: db)
        let out = StandardOutputSink()
        print("\n$ ddbtrail info --db \(db)\n")
        try CaseInfo.render(query, options: RenderOptions(format: .table), sink: out, only: nil)
        out.flush()

        print("""
            The complaint: order O-77 of customer C-1001 shows a refund nobody issued. Who touched it?
            $ ddbtrail sql --db \(db) --param table=\(DemoIncident.table) --param key='\(DemoIncident.key)' "SELECT …"
              (the query is queries/item-accesses.sql)

            """)
        guard let itemQuery = QueryFile.embedded("item-accesses") else { throw QueryError("item-accesses query is missing") }
        let statement = try QueryRunner.prepare(query, sql: itemQuery.sql,
                                                parameters: ["table": DemoIncident.table, "key": DemoIncident.key])
        try QueryRunner.run(statement, into: ResultRenderer(columns: statement.columnNames, options: RenderOptions(format: .table), sink: out))
        out.flush()
        print("""

            Streams say what changed but never who; CloudTrail says who but never the values. Joined:
            $ ddbtrail item --db \(db) \(DemoIncident.itemArguments)   (changes only)

            """)
        guard let timeline = QueryFile.embedded("item-history") else { throw QueryError("item-history query is missing") }
        let selector = try ItemSelector(table: DemoIncident.table, keys: DemoIncident.keySelectors)
        let timelineRows = try QueryRunner.prepare(query, query: timeline, arguments: ["table": selector.table, "key": selector.parameterText])
        let changeColumns = ["time", "change_type", "principal_arn", "source_ip", "diff", "attribution", "confidence"]
            .compactMap { timelineRows.columnNames.firstIndex(of: $0) }
        let kind = timelineRows.columnNames.firstIndex(of: "kind") ?? 0
        let changesOut = ResultRenderer(columns: changeColumns.map { timelineRows.columnNames[$0] }, options: RenderOptions(format: .table), sink: out)
        while try timelineRows.step() {
            let row = timelineRows.row()
            if row[kind].stringValue == "change" { changesOut.add(changeColumns.map { row[$0] }) }
        }
        changesOut.finish()
        out.flush()
        print("\n$ ddbtrail state --db \(db) \(DemoIncident.itemArguments) --at 2026-11-03T02:47:00Z   (and 02:48:00Z)\n")
        let stateOut = ResultRenderer(columns: ["at", "state", "item", "principal_arn"], options: RenderOptions(format: .table), sink: out)
        for instant in ["2026-11-03T02:47:00Z", "2026-11-03T02:48:00Z"] {
            let row = try ItemState.at(query, selector: selector, at: instant)
            stateOut.add([row[2], row[3], row[4], row[8]])
        }
        stateOut.finish()
        out.flush()
        print("""

            What else did the intruder do? The rule pack, over the whole case, highest severity first:
            $ ddbtrail detect --db \(db) --min-severity medium   (columns shortened here)

            """)
        let findings = try Detections.run(query, catalog: QueryCatalog(), settings: Detections.Settings(), minimumSeverity: "medium")
        let shown = ["severity", "rule", "window_start", "access_key_id", "title"].compactMap { Detections.columns.firstIndex(of: $0) }
        let findingsOut = ResultRenderer(columns: shown.map { Detections.columns[$0] }, options: RenderOptions(format: .table), sink: out)
        for row in findings { findingsOut.add(shown.map { row[$0] }) }
        findingsOut.finish()
        out.flush()
        print("""

            Next: `ddbtrail investigate --list`, `ddbtrail detect --db \(db) --format jsonl`, `ddbtrail item --db \(db) \(DemoIncident.itemArguments) --format jsonl`,
            `ddbtrail sql --db \(db) "SELECT * FROM principals"`, or `--format csv|json|jsonl` on any query.
            """)
        // The same story as one page: written next to the case.
        let reportPath = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("ddbtrail-demo-report.html").path
        try ReportCommand.write(db: query, casePath: db, output: reportPath, catalog: QueryCatalog(), settings: ReportSettings(),
                                commandLine: "ddbtrail report --db \(db) --output \(reportPath)")
        print("\nThe report of this case, one HTML file to open in any browser:\n\(reportPath)")
    }
}

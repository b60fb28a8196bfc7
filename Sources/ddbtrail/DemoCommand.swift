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
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try? FileManager.default.removeItem(atPath: evidence)
        let files = try DemoIncident.extract(to: evidence)
        print("Example incident: \(files.count) evidence files written to \(evidence)/")
        print("$ ddbtrail import --db \(db) \(evidence)\n")

        let database = try CaseDatabase.openForImport(path: db)
        let importer = try Importer(database: database, observer: ImportConsole(quiet: true))
        let report = try importer.importFiles(Importer.expand([evidence]).files)
        print(ImportSummaryText.render(report, database: db))

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

            Next: `ddbtrail sql --db \(db) "SELECT * FROM principals"`, or `--format csv|json|jsonl` on any query.
            """)
    }
}

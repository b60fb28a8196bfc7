import ArgumentParser
import DDBTrailCore
import Foundation

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL query against the case database.",
        discussion: """
            Named parameters (:name) are bound from --param name=value, never spliced into the SQL.
            Statements that would write are refused. Tables: see `ddbtrail info` and the README.
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: "The SQL query.")
    var query: String

    @Option(name: .long, help: ArgumentHelp("Bind a named parameter (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Flag(name: .long, help: "Print how long the query took (running it and writing every row) to standard error.")
    var timer = false

    func run() throws {
        let parameters = try parseParameters(param)
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let statement = try QueryRunner.prepare(db, sql: query, parameters: parameters)
        let options = try outputOptions.renderOptions(db: db)
        try outputOptions.checkingColumns { try options.checkColumns(statement.columnNames) }
        let (sink, close) = try outputOptions.makeSink()
        let renderer = ResultRenderer(columns: statement.columnNames, options: options, sink: sink)
        let started = DispatchTime.now().uptimeNanoseconds
        let rows = try QueryRunner.run(statement, into: renderer)
        try close()
        if timer {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            printError(String(format: "run time: %.2f ms, %d rows", ms, rows))
        }
    }
}

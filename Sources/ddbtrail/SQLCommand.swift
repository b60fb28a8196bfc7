import ArgumentParser
import DDBTrailCore

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

    func run() throws {
        let parameters = try parseParameters(param)
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let statement = try QueryRunner.prepare(db, sql: query, parameters: parameters)
        let (sink, close) = try outputOptions.makeSink()
        let renderer = ResultRenderer(columns: statement.columnNames, options: outputOptions.renderOptions, sink: sink)
        try QueryRunner.run(statement, into: renderer)
        try close()
    }
}

import ArgumentParser
import DDBTrailCore
import Foundation

/// `--table` and `--key`, shared by `item` and `state`.
struct ItemOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Table name.", valueName: "table"))
    var table: String

    @Option(name: .long, help: ArgumentHelp("A key attribute, ATTR=VALUE (any type), or ATTR:S=…, ATTR:N=42, ATTR:B=<base64>; repeat for a sort key.", valueName: "key"))
    var key: [String] = []

    func selector() throws -> ItemSelector {
        do { return try ItemSelector(table: table, keys: key) } catch { throw ValidationError("\(error)") }
    }
}

/// Parses a time argument into ddbtrail's UTC form.
func utcTime(_ text: String?, option: String) throws -> String {
    guard let text else { return "" }
    guard let t = Timestamp.normalise(text) else {
        throw ValidationError("\(option) '\(text)' is not a time: use ISO 8601, e.g. 2026-11-03T02:47:12Z")
    }
    return t
}

struct ItemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "item",
        abstract: "The whole life of one item: every call that touched it and every change, with diffs and the principal behind each.",
        discussion: "Runs queries/item-history.sql (also `ddbtrail investigate item-history`). In json/jsonl, images and diffs are JSON values.")

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var itemOptions: ItemOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Only from this time (UTC, inclusive).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only before this time (UTC, exclusive).", valueName: "time"))
    var until: String?

    func run() throws {
        let selector = try itemOptions.selector()
        let parameters = ["table": selector.table, "key": selector.parameterText,
                          "since": try utcTime(since, option: "--since"), "until": try utcTime(until, option: "--until")]
        guard let query = QueryFile.embedded("item-history") else { throw QueryError("item-history query is missing") }
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let statement = try QueryRunner.prepare(db, query: query, arguments: parameters)
        var options = try outputOptions.renderOptions(db: db)
        options.jsonColumns = Set(query.jsonColumns)
        options.defaultColumns = query.tableColumns.isEmpty ? nil : query.tableColumns
        try outputOptions.checkingColumns { try options.checkColumns(statement.columnNames) }
        let (sink, close) = try outputOptions.makeSink()
        let rows = try QueryRunner.run(statement, into: ResultRenderer(columns: statement.columnNames, options: options, sink: sink))
        try close()
        if rows == 0 {
            printError("no accesses or changes for \(selector.table) \(selector.canonicalKeys.first ?? "") in the case")
        }
    }
}

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "An item as it was at one instant, rebuilt from the change images, with the change it came from.")

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var itemOptions: ItemOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: ArgumentHelp("The instant (UTC ISO 8601).", valueName: "time"))
    var at: String

    func run() throws {
        let selector = try itemOptions.selector()
        let instant = try utcTime(at, option: "--at")
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let row = try ItemState.at(db, selector: selector, at: instant)
        var options = try outputOptions.renderOptions(db: db)
        options.jsonColumns = ["item"]
        try outputOptions.checkingColumns { try options.checkColumns(ItemState.columns) }
        let (sink, close) = try outputOptions.makeSink()
        let renderer = ResultRenderer(columns: ItemState.columns, options: options, sink: sink)
        renderer.add(row)
        renderer.finish()
        try close()
    }
}

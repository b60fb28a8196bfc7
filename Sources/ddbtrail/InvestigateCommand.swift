import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite

struct InvestigateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "investigate",
        abstract: "Run a canned investigation (a query file) by name; --list shows them all.",
        discussion: """
            Investigations are SQL files with a metadata header: the built-in ones, and yours from --queries DIR \
            or $DDBTRAIL_QUERIES (same name: yours wins). Parameters are bound by name, never spliced into SQL; \
            each has a type (text, integer, real, time, item-key) and may have a default. Detections (kind \
            detection) are investigations whose rows are findings; `ddbtrail detect` runs them all.
            Examples:
              ddbtrail investigate --list
              ddbtrail investigate mass-deletes --format csv
              ddbtrail investigate item-history --param table=Orders --param key=customerId=C-1001,orderId=O-77
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var queryOptions: QueryOptions
    @OptionGroup var outputOptions: OutputOptions

    @Flag(name: .long, help: "List the investigations and detections with their parameters.")
    var list = false

    @Option(name: .long, help: ArgumentHelp("Set a parameter (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Argument(help: ArgumentHelp("The investigation to run.", valueName: "name"))
    var name: String?

    func validate() throws {
        if list == (name != nil) { throw ValidationError("give an investigation name, or --list") }
    }

    func run() throws {
        let catalog = try queryOptions.catalog()
        let (sink, close) = try outputOptions.makeSink()
        if list {
            try Self.renderList(catalog, options: outputOptions.renderOptions, sink: sink)
            try close()
            return
        }
        let arguments = try parseParameters(param)
        let query: QueryFile
        let values: [String: SQLValue]
        do {
            query = try catalog.named(name ?? "")
            values = try query.arguments(arguments)
        } catch let error as QueryError {
            throw ValidationError(error.description)
        }
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let statement = try QueryRunner.prepare(db, query: query, values: values)
        var options = try outputOptions.renderOptions(db: db)
        options.jsonColumns = Set(query.jsonColumns)
        options.defaultColumns = query.tableColumns.isEmpty ? nil : query.tableColumns
        try outputOptions.checkingColumns { try options.checkColumns(statement.columnNames) }
        try QueryRunner.run(statement, into: ResultRenderer(columns: statement.columnNames, options: options, sink: sink))
        try close()
    }

    static func renderList(_ catalog: QueryCatalog, options: RenderOptions, sink: any OutputSink) throws {
        var options = options
        let structured = options.format == .json || options.format == .jsonl
        if structured { options.jsonColumns = ["parameters"] }
        let renderer = ResultRenderer(columns: ["name", "kind", "title", "parameters", "description", "origin"], options: options, sink: sink)
        for query in catalog.all(.investigation) + catalog.all(.detection) {
            let parameters = structured
                ? "[" + query.parameters.map { p in
                    "{\"name\":\(jsonString(p.name)),\"type\":\(jsonString(p.type)),\"default\":\(p.defaultValue.map(jsonString) ?? "null"),\"description\":\(jsonString(p.description))}"
                  }.joined(separator: ",") + "]"
                : query.parameters.map { p in
                    "\(p.name) \(p.type)" + (p.defaultValue.map { " = " + ($0.isEmpty ? "''" : $0) } ?? " (required)")
                  }.joined(separator: "; ")
            renderer.add([.string(query.name), .string(query.kind.rawValue), .string(query.title), .string(parameters),
                          .string(query.description), .string(query.origin)])
        }
        renderer.finish()
    }
}

import ArgumentParser
import DDBTrailCore

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise what the case holds: time ranges, event counts, tables and data-event coverage, files, integrity, import errors, conflicting copies of events.")

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: "Show one section only: time_range, event_counts, tables, changes, files, integrity, import_errors, conflicting_copies (required for csv).")
    var section: String?

    func run() throws {
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let (sink, close) = try outputOptions.makeSink()
        let options = try outputOptions.renderOptions(db: db)
        try outputOptions.checkingColumns { try CaseInfo.render(db, options: options, sink: sink, only: section) }
        try close()
    }
}

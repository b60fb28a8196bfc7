import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run the detection rule pack over the case and print findings, highest severity first.",
        discussion: """
            Every detection is a query file of kind detection (see `ddbtrail investigate --list`); its parameters \
            are its thresholds. Change one with --set NAME=VALUE (every detection with that threshold) or \
            --set DETECTION.NAME=VALUE (one detection), or put such lines in a --config file (# comments). \
            Each finding names its evidence (CloudTrail event ids) and the command that drills into it, and \
            resolves the access key to the identity behind it.
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var queryOptions: QueryOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Set a threshold (repeatable; wins over --config).", valueName: "name=value"))
    var set: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file of NAME = VALUE threshold lines.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Run only this detection (repeatable).", valueName: "name"))
    var only: [String] = []

    @Option(name: .customLong("min-severity"), help: "Leave out findings below this severity: critical, high, medium, low, info (context such as TTL expiry and routine failed calls).")
    var minSeverity = "low"

    /// What a fitted table shows without --wide: what a responder reads first.
    static let tableColumns = ["severity", "rule", "title", "principal_arn", "table", "window_start"]

    func validate() throws {
        guard Detections.severities.contains(minSeverity) else {
            throw ValidationError("--min-severity must be one of \(Detections.severities.joined(separator: ", ")), got '\(minSeverity)'")
        }
    }

    func run() throws {
        var settings = Detections.Settings()
        if let config {
            guard let data = FileManager.default.contents(atPath: config), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--config: cannot read '\(config)'")
            }
            try settings.addConfig(text: text, path: config)
        }
        for item in set { try settings.add(item, origin: "--set") }
        let catalog = try queryOptions.catalog()
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let findings: [[SQLValue]]
        do {
            findings = try Detections.run(db, catalog: catalog, settings: settings, only: only, minimumSeverity: minSeverity)
        } catch let error as QueryError {
            throw ValidationError(error.description)
        }
        var options = try outputOptions.renderOptions(db: db)
        options.jsonColumns = ["evidence_event_ids"]
        options.defaultColumns = Self.tableColumns
        try outputOptions.checkingColumns { try options.checkColumns(Detections.columns) }
        let (sink, close) = try outputOptions.makeSink()
        let renderer = ResultRenderer(columns: Detections.columns, options: options, sink: sink)
        for row in findings { renderer.add(row) }
        renderer.finish()
        try close()
        if outputOptions.format == .table || outputOptions.output != nil {
            printError("\(findings.count) finding(s)")
        }
    }
}

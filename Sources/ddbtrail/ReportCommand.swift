import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of the case: evidence overview, timeline, findings, principals behind them, import problems.",
        discussion: """
            The page has inline CSS and SVG and no script; it loads nothing from anywhere, reads offline and prints. Long lists are cut, each with the command that shows them all.

            Exit codes: 0 success; 1 the case could not be read or the file not written; 64 usage error.
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var queryOptions: QueryOptions

    @Option(name: .long, help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("From this time (UTC, inclusive).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Before this time (UTC, exclusive).", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only this table (repeatable).", valueName: "name"))
    var table: [String] = []

    @Option(name: .long, help: "Lowest severity of findings shown: critical, high, medium, low, info.")
    var minSeverity = "low"

    @Option(name: .customLong("pseudonymise"), help: ArgumentHelp("Replace personal data by keyed pseudonyms made with the secret in this file (as for the query commands).", valueName: "secret-file"))
    var pseudonymise: String?

    func validate() throws {
        guard Detections.severities.contains(minSeverity) else {
            throw ValidationError("--min-severity must be one of \(Detections.severities.joined(separator: ", "))")
        }
    }

    func run() throws {
        var settings = ReportSettings()
        settings.since = try utcTime(since, option: "--since")
        settings.until = try utcTime(until, option: "--until")
        settings.tables = table
        settings.minimumSeverity = minSeverity
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        if let pseudonymise {
            let p: Pseudonymiser
            do { p = try Pseudonymiser(secretPath: pseudonymise, db: db) } catch let refusal as Pseudonymiser.Refusal {
                throw ValidationError(refusal.description)
            }
            settings.transform = { column, value in p.cell(column: column, value) }
        }
        let started = Date()
        let findings = try Self.write(db: db, casePath: caseOptions.path, output: output, catalog: queryOptions.catalog(),
                                      settings: settings, commandLine: (["ddbtrail"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        printError("\(output): \(size) bytes, \(findings) finding(s), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Writes the report to `output` through a temporary file renamed into place.
    @discardableResult
    static func write(db: Database, casePath: String, output: String, catalog: QueryCatalog, settings: ReportSettings,
                      commandLine: String) throws -> Int {
        var settings = settings
        settings.casePath = casePath
        settings.commandLine = commandLine
        settings.generatedAt = Timestamp.format(epochSeconds: Int64(Date().timeIntervalSince1970))
        let partial = output + ".partial"
        let sink = try FileOutputSink(path: partial)
        let findings: Int
        do {
            findings = try CaseReport.write(db, catalog: catalog, settings: settings, sink: sink)
            try sink.close()
        } catch {
            try? sink.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        if rename(partial, output) != 0 {
            try? FileManager.default.removeItem(atPath: partial)
            throw QueryError("cannot write '\(output)'")
        }
        return findings
    }
}

import ArgumentParser
import DDBTrailCore
import Foundation

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Hand evidence over: a folder of query results, the records they cite and a manifest of SHA-256s; and checking one.",
        subcommands: [BundleCreateCommand.self, BundleVerifyCommand.self])
}

struct BundleCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Run query commands into a new bundle folder, with the records they cite and a manifest.",
        discussion: """
            Each --command is a query command line (sql, item, state, investigate, detect, principal, info, verify) \
            without the program name and without --db, --format or --output, quoted as in a shell, e.g.
              ddbtrail bundle create handover --db case.db \\
                --command "item --table Orders --key customerId=C-1001 --key orderId=O-77" \\
                --command detect --command "sql 'SELECT count(*) AS n FROM events'"
            Each is run as CSV and as JSON lines into results/. records/cloudtrail.jsonl and records/changes.jsonl \
            hold every CloudTrail record and change record the results cite (event_id, evidence_event_ids, \
            candidate_event_ids, stream_event_id), byte-exact, with source file, SHA-256 and position; \
            --include-evidence-files adds the original files. manifest.json lists every file with its SHA-256. \
            The bundle is written beside DIR and renamed into place only when complete.
            Exit codes: 0 written; 1 a command failed or a file could not be read or written; 64 usage error \
            (DIR exists, an unknown command, a reserved option, a command's own usage error).
            """)

    @Argument(help: ArgumentHelp("The bundle folder to create (must not exist).", valueName: "dir"))
    var directory: String

    @OptionGroup var caseOptions: CaseOptions

    @Option(name: .customLong("command"), help: ArgumentHelp("A query command line to run into the bundle (repeatable).", valueName: "command"))
    var commands: [String] = []

    @Option(name: .long, help: ArgumentHelp("Pseudonymise results and records with the secret in this file.", valueName: "secret-file"))
    var pseudonymise: String?

    @Flag(name: .long, help: "Also copy the original evidence files the cited records came from (not with --pseudonymise).")
    var includeEvidenceFiles = false

    func run() throws {
        let request = BundleRequest(directory: directory, casePath: caseOptions.path, commands: commands,
                                    secretPath: pseudonymise, includeEvidenceFiles: includeEvidenceFiles)
        let executable = Self.executable()
        let summary: BundleBuilder.Summary
        do {
            summary = try BundleBuilder.create(request) { arguments in try Self.runChild(executable, arguments) }
        } catch let error as BundleError where error.kind == .usage {
            // Said here, without the usage text of the whole program that ArgumentParser would add.
            printError("Error: \(error.description)")
            throw ExitCode(64)
        }
        let m = summary.manifest
        print("bundle written: \(summary.directory)")
        print("  \(m.commands.count) command(s); \(m.cloudTrailRecords) CloudTrail record(s) and \(m.changeRecords) change record(s) cited"
              + (m.evidenceFiles.isEmpty ? "" : "; \(m.evidenceFiles.count) evidence file(s)")
              + "; \(m.files.count) file(s) in manifest.json" + (m.pseudonymised ? "; pseudonymised" : ""))
        print("  manifest.json SHA-256: \(summary.manifestSHA256) (give it to the recipient separately)")
        print("check it with: ddbtrail bundle verify \(summary.directory)")
    }

    /// This executable's path, for running the query commands as child processes.
    static func executable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
           FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let first = CommandLine.arguments[0]
        if first.contains("/") { return URL(fileURLWithPath: first).standardizedFileURL.path }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(folder) + "/" + first
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return first
    }

    /// Runs `ddbtrail ARGUMENTS`; standard output is discarded (results go to --output files).
    static func runChild(_ executable: String, _ arguments: [String]) throws -> BundleChildRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BundleChildRun(status: process.terminationStatus, stderr: String(decoding: text, as: UTF8.self))
    }
}

struct BundleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle against its manifest.json: every listed file present and unchanged, nothing added.",
        discussion: """
            Needs no case database. Prints one line per problem: altered PATH (its SHA-256 or size differs), \
            missing PATH (listed, not there), extra PATH (there, not listed); then a summary.
            Exit codes: 0 the bundle matches its manifest; 1 a problem was found, or manifest.json is missing \
            or unreadable; 64 usage error (DIR does not exist).
            """)

    @Argument(help: ArgumentHelp("The bundle folder.", valueName: "dir"))
    var directory: String

    func run() throws {
        let report: BundleVerifier.Report
        do {
            report = try BundleVerifier.verify(directory: directory)
        } catch {
            printError("Error: \(error.description)")
            throw ExitCode(error.kind == .usage ? 64 : 1)
        }
        for problem in report.problems { print(problem.description) }
        let made = [report.listing.createdAt.map { "made \($0)" }, report.listing.toolVersion.map { "by ddbtrail \($0)" },
                    report.listing.pseudonymised.map { "pseudonymised: \($0 ? "yes" : "no")" }].compactMap { $0 }
        if report.ok {
            print("bundle \(directory): all \(report.listed) listed file(s) match manifest.json and nothing else is there"
                  + (made.isEmpty ? "" : " (" + made.joined(separator: ", ") + ")"))
        } else {
            print("bundle \(directory): \(report.count(.altered)) altered, \(report.count(.missing)) missing, "
                  + "\(report.count(.extra)) extra (\(report.listed) file(s) listed in manifest.json)")
            throw ExitCode(1)
        }
    }
}

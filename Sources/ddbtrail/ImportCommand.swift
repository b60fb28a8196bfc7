import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import evidence files or directories (walked recursively) into the case database.",
        discussion: """
            Formats are detected by content (gzip or plain): CloudTrail S3 log files, JSON lines/arrays/single
            records, lookup-events output, EventBridge envelopes, CloudWatch Logs output and S3 exports, and
            CloudTrail digest files (catalogued). Use - for standard input. Re-importing adds nothing.
            Exit codes: 0 everything imported; 1 some input was rejected (the summary says where); 64 usage error.
            """)

    @OptionGroup var caseOptions: CaseOptions

    @Argument(help: ArgumentHelp("Files or directories to import; - reads standard input.", valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Print no progress and no per-record diagnostics; only the summary.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Table (name or ARN) of DynamoDB Streams pages that name none and have no describe-stream output beside them.", valueName: "table"))
    var table: String?

    @Option(name: .long, help: ArgumentHelp("Account of get-metric-data and get-metric-statistics outputs (they do not say).", valueName: "account"))
    var account: String?

    @Option(name: .long, help: ArgumentHelp("Region of get-metric-data and get-metric-statistics outputs (they do not say).", valueName: "region"))
    var region: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or directory to import") }
    }

    func run() throws {
        let (files, missing) = Importer.expand(paths)
        if !missing.isEmpty {
            throw ValidationError("no such file or directory: \(missing.joined(separator: ", "))")
        }
        let db = try CaseDatabase.openForImport(path: caseOptions.path)
        let console = ImportConsole(quiet: quiet)
        let importer = try Importer(database: db, observer: console, tableOverride: table, metricAccount: account, metricRegion: region)
        let report: ImportReport
        do {
            report = try importer.importFiles(files)
        } catch let error as SQLiteError where error.code & 0xff == 13 /* SQLITE_FULL */ {
            console.clearProgress()
            throw ImportCommand.diskFull(case: caseOptions.path, evidence: files)
        }
        console.clearProgress()
        print(ImportSummary.render(report, database: caseOptions.path))
        if report.anyRejected { throw ExitCode(1) }
    }
}

/// Progress on a terminal (standard error), diagnostics as they happen, quiet in pipes.
final class ImportConsole: ImportObserver {
    let quiet: Bool
    let isTerminal = isatty(2) == 1
    let started = Date()
    var fileIndex = 0, fileTotal = 0
    var lastDraw = Date.distantPast
    var perFileShown: [String: Int] = [:]
    static let diagnosticsPerFile = 10
    var progressVisible = false

    init(quiet: Bool) { self.quiet = quiet }

    func importing(file: String, index: Int, of total: Int) {
        fileIndex = index + 1
        fileTotal = total
    }

    var records = 0
    var bytes: Int64 = 0

    func progress(records: Int, bytes: Int64) {
        self.records = records
        self.bytes = bytes
        guard isTerminal, !quiet, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let width = 24
        let done = fileTotal == 0 ? 0 : width * fileIndex / fileTotal
        let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
        let line = String(format: "\r[%@] files %d/%d  records %d  %.0f rec/s  %.1f MB/s ",
                          bar, fileIndex, fileTotal, records, Double(records) / elapsed, Double(bytes) / elapsed / 1e6)
        FileHandle.standardError.write(Data(line.utf8))
        progressVisible = true
    }

    func clearProgress() {
        if progressVisible {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            progressVisible = false
        }
    }

    func diagnostic(_ diagnostic: Diagnostic) {
        guard !quiet else { return }
        let shown = perFileShown[diagnostic.path, default: 0]
        perFileShown[diagnostic.path] = shown + 1
        if shown < Self.diagnosticsPerFile {
            clearProgress()
            printError(diagnostic.description)
        } else if shown == Self.diagnosticsPerFile {
            clearProgress()
            printError("\(diagnostic.path): note: further problems in this file are recorded in import_errors but not printed")
        }
    }

    func finished(file: FileSummary) {
        progress(records: records, bytes: bytes)
    }
}

extension ImportCommand {
    /// What a full disk means for the case, in words: which disk, about how much more it needs,
    /// and that re-running the same import resumes (every commit before left the case consistent).
    static func diskFull(case path: String, evidence: [String]) -> QueryError {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        var free = "unknown"
        if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder),
           let bytes = (attributes[.systemFreeSize] as? NSNumber)?.int64Value { free = ByteCount.text(bytes) }
        let stored = evidence.reduce(Int64(0)) { total, file in
            total + (((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
        return QueryError("the disk holding \(path) is full (\(free) free on the file system of \(folder)). "
            + "The case is consistent: everything up to the last commit is kept and the rest was rolled back. "
            + "A case needs about 6 times the evidence's compressed size (here about \(ByteCount.text(stored * 6)) for "
            + "\(ByteCount.text(stored)) of evidence), plus room for SQLite's rollback journal: free space there (or move "
            + "the case to a larger disk) and re-run the same `ddbtrail import`, which skips the files already imported and completes the rest.")
    }
}

/// Byte counts for people: 1.5 GB, 230.0 MB, 12 bytes.
enum ByteCount {
    static func text(_ bytes: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}

import DDBTrailSQLite
import Foundation

/// What `ddbtrail bundle create` was asked for.
public struct BundleRequest: Sendable {
    public var directory: String
    public var casePath: String
    public var commands: [String]
    public var secretPath: String?
    public var includeEvidenceFiles: Bool

    public init(directory: String, casePath: String, commands: [String], secretPath: String? = nil, includeEvidenceFiles: Bool = false) {
        self.directory = directory
        self.casePath = casePath
        self.commands = commands
        self.secretPath = secretPath
        self.includeEvidenceFiles = includeEvidenceFiles
    }
}

/// How a query command run by the bundle ended.
public struct BundleChildRun: Sendable {
    public var status: Int32
    public var stderr: String

    public init(status: Int32, stderr: String) {
        self.status = status
        self.stderr = stderr
    }
}

/// Makes a bundle: runs each command (through `run`, which the CLI backs with a child process of
/// itself) into a folder beside the target, adds the cited records, the evidence files when
/// asked, README.txt and manifest.json, and renames the folder into place. On any error the
/// folder is removed.
public enum BundleBuilder {
    public typealias Runner = (_ arguments: [String]) throws -> BundleChildRun

    public struct Summary: Sendable {
        public let directory: String
        public let manifest: BundleManifest
        public let manifestSHA256: String
    }

    public static func create(_ request: BundleRequest, run: Runner) throws -> Summary {
        var request = request
        while request.directory.count > 1 && request.directory.hasSuffix("/") { request.directory.removeLast() }
        let queries = try check(request)
        let db = try CaseDatabase.openForQuery(path: request.casePath)
        let pseudonymiser = try request.secretPath.map { try Pseudonymiser(secretPath: $0, db: db) }
        let hashes = try db.rows("SELECT sha256 FROM source_files WHERE sha256 IS NOT NULL").compactMap { $0[0].stringValue }.sorted()
        var manifest = BundleManifest(
            createdAt: Timestamp.format(epochSeconds: Int64(Date().timeIntervalSince1970.rounded(.down))),
            pseudonymised: pseudonymiser != nil,
            caseFingerprint: hexString(SHA256Hasher.digest(of: Array(hashes.joined(separator: "\n").utf8))),
            caseFiles: hashes.count)

        let partial = request.directory + ".partial-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        try BundleFiles.makeDirectory(partial)
        do {
            try BundleFiles.makeDirectory(partial + "/results")
            try BundleFiles.makeDirectory(partial + "/records")
            var records = BundleRecords()
            for (index, query) in queries.enumerated() {
                let command = try runCommand(query, number: index + 1, in: partial, request: request, pseudonymiser: pseudonymiser,
                                             run: run, records: &records)
                manifest.commands.append(command)
            }
            let written = try records.write(db, to: partial + "/records", pseudonymiser: pseudonymiser)
            manifest.cloudTrailRecords = written.events
            manifest.changeRecords = written.changes
            if request.includeEvidenceFiles {
                manifest.evidenceFiles = try copyEvidence(written.files, into: partial, casePath: request.casePath, db: db)
            }
            try BundleFiles.writeFile(Array(BundleReadme.text(manifest).utf8), to: partial + "/README.txt")
            for path in try BundleFiles.walk(partial) {
                let found = try BundleFiles.digest(partial + "/" + path)
                manifest.files.append(BundleManifest.File(path: path, sha256: found.sha256, bytes: found.bytes))
            }
            let text = Array(manifest.json().utf8)
            try BundleFiles.writeFile(text, to: partial + "/" + BundleManifest.fileName)
            guard BundleFiles.kind(request.directory) == .absent else {
                throw BundleError.usage("\(request.directory) appeared while the bundle was made; it is left as it is")
            }
            guard rename(partial, request.directory) == 0 else {
                throw BundleError.failure("cannot rename \(partial) to \(request.directory): \(String(cString: strerror(errno)))")
            }
            return Summary(directory: request.directory, manifest: manifest, manifestSHA256: hexString(SHA256Hasher.digest(of: text)))
        } catch {
            BundleFiles.remove(partial)
            throw error
        }
    }

    /// The checks made before anything is written.
    static func check(_ request: BundleRequest) throws(BundleError) -> [BundleQuery] {
        guard !request.commands.isEmpty else { throw .usage("give at least one --command") }
        let queries = try request.commands.map { (line) throws(BundleError) in try BundleQuery(line) }
        if request.includeEvidenceFiles && request.secretPath != nil {
            throw .usage("--include-evidence-files and --pseudonymise exclude each other: original files cannot be pseudonymised and stay byte-exact")
        }
        let directory = request.directory
        guard !directory.isEmpty, !directory.hasSuffix("/.."), directory != ".." else { throw .usage("'\(directory)' cannot be a bundle folder") }
        guard BundleFiles.kind(directory) == .absent else { throw .usage("\(directory) already exists; a bundle goes into a new folder") }
        let parent = directory.contains("/") ? String(directory[..<directory.lastIndex(of: "/")!]) : "."
        guard BundleFiles.kind(parent.isEmpty ? "/" : parent) == .directory else { throw .usage("\(parent): no such folder") }
        return queries
    }

    /// Runs one command as JSON lines and as CSV into `results/`, and collects what it cites.
    static func runCommand(_ query: BundleQuery, number: Int, in partial: String, request: BundleRequest,
                           pseudonymiser: Pseudonymiser?, run: Runner, records: inout BundleRecords) throws -> BundleManifest.Command {
        let shown = pseudonymiser.map { $0.text(query.line) } ?? query.line
        let base = "results/" + (number < 10 ? "0" : "") + String(number) + "-" + BundleQuery.slug(shown)
        var extra = ["--db", request.casePath]
        if let secret = request.secretPath { extra += ["--pseudonymise", secret] }

        func attempt(_ format: String, _ relative: String, _ more: [String] = []) throws -> Int32 {
            let output = partial + "/" + relative
            let result = try run(query.words + more + extra + ["--format", format, "--output", output])
            let wrote = BundleFiles.kind(output) == .file
            if result.status == 0 && wrote { return 0 }
            if result.status == 1 && wrote && query.oneIsAResult { return 1 }
            let why = result.status == 0 ? "wrote no results" : "failed with exit status \(result.status)"
            let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let text = "command '\(shown)' \(why)" + (message.isEmpty ? "" : ": \(message)")
            throw result.status == 64 ? BundleError.usage(text) : BundleError.failure(text)
        }

        let lines = base + ".jsonl"
        let status = try attempt("jsonl", lines)
        var results = [lines]
        if let sections = query.csvSections {
            for section in sections {
                let csv = base + "-" + section.replacingOccurrences(of: "_", with: "-") + ".csv"
                _ = try attempt("csv", csv, ["--section", section])
                results.append(csv)
            }
        } else {
            _ = try attempt("csv", base + ".csv")
            results.append(base + ".csv")
        }
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: partial + "/" + lines)))
        records.collect(jsonLines: bytes)
        return BundleManifest.Command(
            command: shown, results: results.sorted(), exitStatus: status,
            rows: bytes.split(separator: 0x0A).count,
            note: pseudonymiser == nil ? nil : "pseudonymised: values in this command line were replaced, so it cannot be re-run as written")
    }

    /// Copies the files the records came from into `evidence/`, checking each against its SHA-256
    /// in the case. A relative path is looked up from the current folder, then from the case's.
    /// Writes each file the cited records came from: from the case's own copy when it keeps one,
    /// else copied from where it was imported (and checked against the SHA-256 the case holds).
    static func copyEvidence(_ files: [BundleRecords.SourceFile], into partial: String, casePath: String, db: Database) throws -> [BundleManifest.EvidenceFile] {
        guard !files.isEmpty else { return [] }
        try BundleFiles.makeDirectory(partial + "/evidence")
        let caseFolder = casePath.contains("/") ? String(casePath[..<casePath.lastIndex(of: "/")!]) : "."
        let width = max(2, String(files.count).count)
        var copied: [BundleManifest.EvidenceFile] = []
        let stored = StoredFiles(db: db)
        for (index, file) in files.enumerated() {
            let number = String(index + 1)
            let name = String(repeating: "0", count: width - number.count) + number + "-" + (file.path.split(separator: "/").last.map(String.init) ?? "file")
            let relative = "evidence/" + name
            let sink = try FileOutputSink(path: partial + "/" + relative)
            if let sha256 = try stored.evidenceFile(fileID: file.id, { bytes in bytes.withUnsafeBufferPointer { sink.write(utf8: $0) } }) {
                try sink.close()
                guard sha256 == file.sha256 else {
                    throw BundleError.failure("the case's copy of evidence file \(file.path) does not hash to the SHA-256 it was imported with (\(sha256), the case has \(file.sha256 ?? "none"))")
                }
                copied.append(BundleManifest.EvidenceFile(path: relative, sourceFile: file.path, sha256: sha256))
                continue
            }
            try sink.close()
            guard file.path != "-" else {
                throw BundleError.failure("a cited record was read from standard input; it has no file to include (leave out --include-evidence-files)")
            }
            var source = file.path
            if !source.hasPrefix("/"), BundleFiles.kind(source) != .file, BundleFiles.kind(caseFolder + "/" + source) == .file {
                source = caseFolder + "/" + source
            }
            guard BundleFiles.kind(source) == .file else {
                throw BundleError.failure("evidence file \(file.path) is not there any more (cited records came from it)")
            }
            let found = try BundleFiles.copy(source, to: partial + "/" + relative)
            guard found.sha256 == file.sha256 else {
                throw BundleError.failure("evidence file \(file.path) changed since it was imported: SHA-256 \(found.sha256), the case has \(file.sha256 ?? "none")")
            }
            copied.append(BundleManifest.EvidenceFile(path: relative, sourceFile: file.path, sha256: found.sha256))
        }
        return copied
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

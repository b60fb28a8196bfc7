import DDBTrailSQLite
import Foundation

/// A problem found while importing, positioned like a compiler diagnostic:
/// `path#record: warning: message [reader]`.
public struct Diagnostic: Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var path: String
    public var record: Int?
    public var line: Int?
    public var severity: Severity
    public var message: String
    public var reader: String?

    public var description: String {
        var position = path
        if let line { position += ":\(line)" } else if let record { position += "#\(record)" }
        return "\(position): \(severity.rawValue): \(message)" + (reader.map { " [\($0)]" } ?? "")
    }
}

/// Per-file accounting, printed at the end of every import.
public struct FileSummary: Sendable {
    public var path: String
    public var status: String
    public var format: String?
    public var detail: String?
    public var recordsRead = 0
    public var imported = 0
    public var duplicates = 0
    public var rejected = 0
    public var warnings = 0
    /// True when some input in this file was not imported (rejected records, unreadable or
    /// unrecognised file, damage).
    public var hadRejections: Bool { rejected > 0 || ["unrecognised", "unsupported", "unreadable"].contains(status) }
}

public struct ImportReport: Sendable {
    public var files: [FileSummary] = []
    public var keysRecanonicalised = 0
    public var seconds: Double = 0
    public var records: Int { files.reduce(0) { $0 + $1.recordsRead } }
    public var imported: Int { files.reduce(0) { $0 + $1.imported } }
    public var duplicates: Int { files.reduce(0) { $0 + $1.duplicates } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var anyRejected: Bool { files.contains { $0.hadRejections } }
}

/// Receives progress and diagnostics while an import runs (the CLI prints them; tests collect them).
public protocol ImportObserver: AnyObject {
    func importing(file: String, index: Int, of total: Int)
    func progress(records: Int, bytes: Int64)
    func diagnostic(_ diagnostic: Diagnostic)
    func finished(file: FileSummary)
}

public final class Importer {
    let db: Database
    let writer: EventWriter
    weak var observer: ImportObserver?
    private var records = 0
    private var bytes: Int64 = 0
    /// Records per transaction. Each commit leaves the database consistent.
    let batchSize = 20_000

    public init(database: Database, observer: ImportObserver?) throws {
        db = database
        writer = try EventWriter(db: database)
        self.observer = observer
    }

    /// Expands directories (recursively, sorted) into files; `-` is standard input.
    public static func expand(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" { files.append(path); continue }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { missing.append(path); continue }
            if !isDirectory.boolValue { files.append(path); continue }
            var found: [String] = []
            if let walker = fm.enumerator(atPath: path) {
                for case let relative as String in walker {
                    let full = (path as NSString).appendingPathComponent(relative)
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { found.append(full) }
                }
            }
            files += found.sorted()
        }
        return (files, missing)
    }

    public func importFiles(_ paths: [String]) throws -> ImportReport {
        let started = Date()
        var report = ImportReport()
        for (n, path) in paths.enumerated() {
            observer?.importing(file: path, index: n, of: paths.count)
            let summary = try importFile(path)
            report.files.append(summary)
            observer?.finished(file: summary)
        }
        report.keysRecanonicalised = try db.transaction { try writer.recanonicaliseKeys() }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    static func now() -> String { Timestamp.fromEpoch(Date().timeIntervalSince1970.rounded(.down)) ?? "" }

    private func diagnostic(_ summary: FileSummary, _ severity: Diagnostic.Severity, _ message: String, element: RawElement? = nil) {
        observer?.diagnostic(Diagnostic(path: summary.path, record: element?.index, line: element?.line,
                                        severity: severity, message: message, reader: summary.format))
    }

    /// Stored-bytes hash before importing, to recognise evidence already in the case.
    private func hashStoredBytes(_ path: String) -> String? {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0.baseAddress!, count: $0.count) }
        }
        return hasher.finalizeHex()
    }

    func importFile(_ path: String) throws -> FileSummary {
        var summary = FileSummary(path: path, status: "importing")
        let preHash = hashStoredBytes(path)
        var fileID: Int64
        if let preHash, let row = try db.rows("SELECT id, path, status, import_finished_at FROM source_files WHERE sha256 = ?", [.string(preHash)]).first {
            fileID = row[0].int64Value!
            if !row[3].isNull {
                summary.status = "already-imported"
                summary.detail = "same SHA-256 as file #\(fileID) \(row[1].stringValue ?? ""), imported before (\(row[2].stringValue ?? ""))"
                return summary
            }
            // An import of this file was interrupted: complete it.
            try db.run("UPDATE source_files SET records_read = 0, records_imported = 0, records_duplicate = 0, records_rejected = 0 WHERE id = ?", [.integer(fileID)])
            try db.run("DELETE FROM import_errors WHERE source_file_id = ?", [.integer(fileID)])
        } else {
            try db.run("INSERT INTO source_files(path, sha256, compression, status, import_started_at) VALUES (?, ?, 'none', 'importing', ?)",
                       [.string(path), .optional(preHash), .string(Self.now())])
            fileID = db.lastInsertRowID
        }

        let source: ByteSource
        do {
            source = try ByteSource(path: path)
        } catch {
            summary.status = "unreadable"
            summary.detail = "\(error)"
            diagnostic(summary, .error, "cannot read file: \(error)")
            try finishFile(fileID, summary, source: nil)
            return summary
        }
        let splitter = RecordSplitter(source: source)
        let head: Head
        do {
            let bytes = try splitter.head()
            head = Head(path: path, bytes: bytes, complete: bytes.count < 64 * 1024)
        } catch {
            summary.status = "unreadable"
            summary.detail = "\(error)"
            diagnostic(summary, .error, "cannot read file: \(error)")
            try finishFile(fileID, summary, source: source)
            return summary
        }

        let reader: any RecordReader
        switch ReaderRegistry.detect(head) {
        case .blank:
            summary.status = "empty"
            summary.detail = source.damage.map { "no data: \($0)" } ?? "the file holds no data"
            if let damage = source.damage {
                summary.status = "unreadable"
                diagnostic(summary, .error, damage.message)
            }
            try finishFile(fileID, summary, source: source)
            return summary
        case .unrecognised(let why):
            summary.status = "unrecognised"
            summary.detail = "unrecognised format: \(why)"
            diagnostic(summary, .error, summary.detail!)
            try finishFile(fileID, summary, source: source, excerpt: Array(head.bytes.prefix(512)))
            return summary
        case .ambiguous(let names):
            summary.status = "unrecognised"
            summary.detail = "ambiguous format: matches \(names.joined(separator: " and "))"
            diagnostic(summary, .error, summary.detail!)
            try finishFile(fileID, summary, source: source, excerpt: Array(head.bytes.prefix(512)))
            return summary
        case .reader(let r):
            reader = r
        }
        summary.format = reader.name
        if let unsupported = reader.sniff(head).flatMap({ reader.unsupported != nil ? $0 : nil }) {
            summary.status = "unsupported"
            summary.detail = unsupported
            diagnostic(summary, .error, "not imported: \(unsupported)")
            try finishFile(fileID, summary, source: source)
            return summary
        }

        splitter.start(reader.layout(for: head))
        summary.status = "imported"
        var sinceCommit = 0
        try db.execute("BEGIN IMMEDIATE")
        do {
            while let item = try splitter.next() {
                switch item {
                case .damage(let offset, let message):
                    let full = source.damage.map { "\($0.message); \(message)" } ?? message
                    // The damaged tail counts as one element read and rejected.
                    summary.recordsRead += 1
                    summary.rejected += 1
                    diagnostic(summary, .error, "at byte \(offset): \(full)")
                    try writer.recordProblem(fileID: fileID, severity: "error",
                                             element: RawElement(bytes: [], offset: offset, index: summary.recordsRead, line: nil),
                                             reason: full, excerpt: nil)
                case .element(let element):
                    summary.recordsRead += 1
                    records += 1
                    bytes += Int64(element.bytes.count)
                    try handle(element, reader: reader, fileID: fileID, summary: &summary)
                    sinceCommit += 1
                    if sinceCommit >= batchSize {
                        try commitBatch(fileID, summary)
                        sinceCommit = 0
                        observer?.progress(records: records, bytes: bytes)
                    }
                }
            }
            if let damage = source.damage, !summary.hadRejections {
                // Damage after the last complete element (e.g. truncated gzip between records).
                summary.recordsRead += 1
                summary.rejected += 1
                diagnostic(summary, .error, damage.message)
                try writer.recordProblem(fileID: fileID, severity: "error", element: nil, reason: damage.message, excerpt: nil)
            }
            if summary.format == DigestFileReader().name, summary.imported == 0, summary.rejected == 0 {
                summary.status = "digest"
            } else if summary.recordsRead == 0 {
                summary.status = "empty"
                summary.detail = "no records (\(reader.sniff(head) ?? reader.name))"
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        try finishFile(fileID, summary, source: source)
        observer?.progress(records: records, bytes: bytes)
        return summary
    }

    private func commitBatch(_ fileID: Int64, _ summary: FileSummary) throws {
        try updateCounts(fileID, summary)
        try db.execute("COMMIT")
        try db.execute("BEGIN IMMEDIATE")
    }

    private func updateCounts(_ fileID: Int64, _ s: FileSummary) throws {
        try db.run("UPDATE source_files SET format = ?, records_read = ?, records_imported = ?, records_duplicate = ?, records_rejected = ? WHERE id = ?",
                   [.optional(s.format), .integer(Int64(s.recordsRead)), .integer(Int64(s.imported)), .integer(Int64(s.duplicates)),
                    .integer(Int64(s.rejected)), .integer(fileID)])
    }

    private func handle(_ element: RawElement, reader: any RecordReader, fileID: Int64, summary: inout FileSummary) throws {
        switch reader.unwrap(element) {
        case .rejected(let reason):
            summary.rejected += 1
            diagnostic(summary, .error, "record not imported: \(reason)", element: element)
            try writer.recordProblem(fileID: fileID, severity: "error", element: element, reason: reason, excerpt: element.bytes)
        case .digest(let digest, _):
            try writer.writeDigest(digest, fileID: fileID)
        case .cloudTrail(let record, let raw):
            let event = CloudTrailNormaliser.normalise(record) { self.writer.keyTypes[$0] ?? [:] }
            switch try writer.write(event, raw: raw, element: element, fileID: fileID) {
            case .imported(let id), .alreadyFromThisFile(let id):
                summary.imported += 1
                var warnings = event.warnings
                if String(validating: raw, as: UTF8.self) == nil {
                    warnings.append("record holds bytes that are not UTF-8; stored byte-exact, shown with U+FFFD in fields")
                }
                for warning in warnings {
                    summary.warnings += 1
                    diagnostic(summary, .warning, warning, element: element)
                    try writer.recordProblem(fileID: fileID, severity: "warning", element: element, eventID: id, reason: warning, excerpt: nil)
                }
            case .duplicate:
                summary.duplicates += 1
            }
        }
    }

    private func finishFile(_ fileID: Int64, _ s: FileSummary, source: ByteSource?, excerpt: [UInt8]? = nil) throws {
        var hashes: (stored: String, content: String)? = nil
        if let source { hashes = try? source.finishHashes() }
        try db.transaction {
            if s.status != "imported", s.status != "digest", let detail = s.detail {
                try writer.recordProblem(fileID: fileID, severity: s.status == "empty" ? "warning" : "error", element: nil, reason: detail, excerpt: excerpt)
            }
            try updateCounts(fileID, s)
            try db.run("""
                UPDATE source_files SET size = ?, sha256 = coalesce(sha256, ?), content_sha256 = ?, content_size = ?, compression = ?,
                  status = ?, status_detail = ?, import_finished_at = ? WHERE id = ?
                """, [.optional(source?.storedSize), .optional(hashes?.stored), .optional(hashes?.content), .optional(source?.contentSize),
                      .string(source?.isGzip == true ? "gzip" : "none"), .string(s.status), .optional(s.detail),
                      .string(Self.now()), .integer(fileID)])
        }
    }
}

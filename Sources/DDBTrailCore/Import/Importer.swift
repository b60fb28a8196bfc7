import DDBTrailSQLite
import Foundation

public final class Importer {
    let db: Database
    let store: CaseWriter
    let writer: EventWriter
    weak var observer: ImportObserver?
    private var records = 0
    private var bytes: Int64 = 0
    /// Records per transaction, across file boundaries. Each commit leaves the database
    /// consistent (a file is marked finished in the transaction holding its last record).
    /// Committing every small file on its own rewrote each index page it touched: ten times
    /// the data written in all.
    let batchSize = 100_000

    let changeWriter: ChangeWriter
    let metricWriter: MetricWriter

    /// `tableOverride` (`--table`) names the table of change records that name none and have
    /// no describe-stream or export manifest beside them.
    /// `metricAccount`/`metricRegion` (`--account`/`--region`): where get-metric-data and
    /// get-metric-statistics outputs, which do not say, were fetched.
    public init(database: Database, observer: ImportObserver?, tableOverride: String? = nil,
                metricAccount: String? = nil, metricRegion: String? = nil) throws {
        db = database
        store = try CaseWriter(db: database)
        writer = try EventWriter(store: store)
        changeWriter = try ChangeWriter(store: store, tableOverride: tableOverride)
        metricWriter = MetricWriter(db: database, account: metricAccount, region: metricRegion)
        self.observer = observer
    }

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

    /// Imports files in order. A reading thread hashes, detects, cuts, parses and normalises
    /// (`FileReading`) while this thread writes to SQLite, across file boundaries.
    public func importFiles(_ paths: [String]) throws -> ImportReport {
        let started = Date()
        var report = ImportReport()
        let completed = Set(try db.rows("SELECT sha256 || coalesce('+' || request_sha256, '') FROM source_files WHERE import_finished_at IS NOT NULL AND sha256 IS NOT NULL")
            .compactMap { $0[0].stringValue })
        let changesBefore = try db.scalar("SELECT coalesce(max(id), 0) FROM changes").int64Value ?? 0
        let accessesBefore = try db.scalar("SELECT coalesce(max(id), 0) FROM item_accesses").int64Value ?? 0
        let queue = BoundedQueue<ReadingMessage>(capacity: 16)
        let producer = ProducerThread {
            FileReading(paths: paths, alreadyImported: completed, queue: queue).run()
        }
        producer.start()
        var current: (fileID: Int64, summary: FileSummary)? = nil
        var sinceCommit = 0
        var inTransaction = false
        do {
            while let message = queue.take() {
                switch message {
                case .alreadyImported(let index, let path, let sha256, let requestSHA256):
                    observer?.importing(file: path, index: index, of: paths.count)
                    var summary = FileSummary(path: path, status: .alreadyImported)
                    if let row = try db.rows(Self.sameIdentity("id, path, status"), [.string(sha256), .string(requestSHA256 ?? "")]).first {
                        summary.detail = "same SHA-256 as file #\(row[0].int64Value ?? 0) \(row[1].stringValue ?? ""), imported before (\(row[2].stringValue ?? ""))"
                    } else {
                        summary.detail = "same SHA-256 as an earlier file in this import"
                    }
                    report.files.append(summary)
                    observer?.finished(file: summary)
                case .begin(let index, let path, let sha256, let requestSHA256, let opening):
                    observer?.importing(file: path, index: index, of: paths.count)
                    if !inTransaction { try db.execute("BEGIN IMMEDIATE"); inTransaction = true }
                    current = try beginFile(path: path, sha256: sha256, requestSHA256: requestSHA256, opening: opening)
                case .items(let batch):
                    guard var file = current else { continue }
                    for item in batch {
                        try consume(item, fileID: file.fileID, summary: &file.summary)
                        sinceCommit += 1
                        if sinceCommit >= batchSize {
                            try storePending(fileID: file.fileID, summary: &file.summary)
                            try updateCounts(file.fileID, file.summary)
                            try writer.flushCoverage()
                            try db.execute("COMMIT")
                            db.startWriteback()
                            try db.execute("BEGIN IMMEDIATE")
                            sinceCommit = 0
                            observer?.progress(records: records, bytes: bytes)
                        }
                    }
                    // Stored now, so that the message holds the only references to its records.
                    try storePending(fileID: file.fileID, summary: &file.summary)
                    current = file
                    // Freed on whichever thread has time to spare: here when the reader is behind.
                    if queue.consumerIsBehind { queue.giveBack(message) }
                case .stored(let piece):
                    guard let file = current else { continue }
                    try store.files.write(piece, fileID: file.fileID)
                case .end(let ending):
                    guard var file = current else { continue }
                    try storePending(fileID: file.fileID, summary: &file.summary)
                    if let piece = ending.stored { try store.files.write(piece, fileID: file.fileID) }
                    try endFile(fileID: file.fileID, summary: &file.summary, ending: ending)
                    report.files.append(file.summary)
                    observer?.progress(records: records, bytes: bytes)
                    observer?.finished(file: file.summary)
                    current = nil
                }
            }
            producer.finish()
            if inTransaction {
                try writer.flushCoverage()
                try db.execute("COMMIT")
            }
        } catch {
            pendingEvents.removeAll()
            pendingChanges.removeAll()
            queue.cancel()
            producer.finish()
            if inTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
        try db.transaction {
            try writer.flushCoverage()
            report.keysRecanonicalised = try store.recanonicaliseKeys()
            for pending in try changeWriter.resolvePendingTables() {
                let reason = "\(pending.count) change record(s) do not say which table they belong to: put the describe-stream output (or the export's manifest-summary.json) in the same folder, or pass --table"
                try store.recordProblem(fileID: pending.fileID, severity: .error, element: nil, reason: reason, excerpt: nil)
                observer?.diagnostic(Diagnostic(path: pending.path, record: nil, line: nil, severity: .error, message: reason, reader: nil))
                if let index = report.files.firstIndex(where: { $0.path == pending.path }) { report.files[index].detail = reason; report.files[index].tableUnknown = pending.count }
            }
            // Re-typed keys can newly join earlier changes: then everything is recomputed.
            report.changesAttributed = report.keysRecanonicalised > 0
                ? try Attribution.recompute(db)
                : try Attribution.recompute(db, changesAfter: changesBefore, accessesAfter: accessesBefore)
            try CredentialGrants.derive(db)
            try DigestChecks.recompute(db)
        }
        try CaseDatabase.finishImport(db)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The source_files row with a file's identity (SHA-256, and its request's or '').
    static func sameIdentity(_ columns: String) -> String {
        "SELECT \(columns) FROM source_files WHERE sha256 = ? AND coalesce(request_sha256, '') = ?"
    }

    static func now() -> String { Timestamp.fromEpoch(Date().timeIntervalSince1970.rounded(.down)) ?? "" }

    private func diagnostic(_ summary: FileSummary, _ severity: Diagnostic.Severity, _ message: String, element: RawElement? = nil) {
        observer?.diagnostic(Diagnostic(path: summary.path, record: element?.index, line: element?.line,
                                        severity: severity, message: message, reader: summary.format))
    }

    /// Registers the file (or finds the row of an interrupted import of it) and records what
    /// the reading thread made of its start.
    private func beginFile(path: String, sha256: String?, requestSHA256: String?, opening: FileOpening) throws -> (fileID: Int64, summary: FileSummary) {
        var summary = FileSummary(path: path, status: .importing)
        let fileID: Int64
        if let sha256, let row = try db.rows(Self.sameIdentity("id"), [.string(sha256), .string(requestSHA256 ?? "")]).first {
            // An import of this file was interrupted: complete it.
            fileID = row[0].int64Value!
            try db.run("UPDATE source_files SET records_read = 0, records_imported = 0, records_duplicate = 0, records_rejected = 0 WHERE id = ?", [.integer(fileID)])
            try db.run("DELETE FROM import_errors WHERE source_file_id = ?", [.integer(fileID)])
            try store.files.forget(fileID: fileID)
        } else {
            try db.run("INSERT INTO source_files(path, sha256, request_sha256, compression, status, import_started_at) VALUES (?, ?, ?, 'none', 'importing', ?)",
                       [.string(path), .optional(sha256), .optional(requestSHA256), .string(Self.now())])
            fileID = db.lastInsertRowID
        }
        switch opening {
        case .reader(let name, _):
            summary.format = name
            summary.status = .imported
        case .notImported(let status, let format, let detail, let excerpt):
            summary.status = status
            summary.format = format
            summary.detail = detail
            let message = status == .unsupported ? "not imported: \(detail)" : detail
            if status != .empty { diagnostic(summary, .error, message) }
            try store.recordProblem(fileID: fileID, severity: status == .empty ? .warning : .error, element: nil,
                                     reason: detail, excerpt: excerpt)
        }
        return (fileID, summary)
    }

    private func endFile(fileID: Int64, summary s: inout FileSummary, ending: FileEnding) throws {
        if s.status == .imported {
            if let damage = ending.damage, !s.hadRejections {
                // Damage after the last complete element (e.g. truncated gzip between records).
                s.recordsRead += 1
                s.rejected += 1
                diagnostic(s, .error, damage)
                try store.recordProblem(fileID: fileID, severity: .error, element: nil, reason: damage, excerpt: nil)
            }
            if s.format == DigestFileReader().name, s.imported == 0, s.rejected == 0 {
                s.status = .digest
            } else if s.recordsRead == 0 {
                s.status = .empty
                s.detail = "no records (\(ending.sniffReason ?? s.format ?? ""))"
            }
        } else if s.status == .empty, let damage = ending.damage {
            s.status = .unreadable
            s.detail = "no data: \(damage)"
            diagnostic(s, .error, damage)
            try store.recordProblem(fileID: fileID, severity: .error, element: nil, reason: damage, excerpt: nil)
        }
        try updateCounts(fileID, s)
        try db.run("""
            UPDATE source_files SET size = ?, sha256 = coalesce(sha256, ?), content_sha256 = ?, content_size = ?, compression = ?,
              status = ?, status_detail = ?, stored = ?, import_finished_at = ? WHERE id = ?
            """, [.optional(ending.storedSize), .optional(ending.storedSHA256), .optional(ending.contentSHA256),
                  .optional(ending.contentSize), .string(ending.gzip ? "gzip" : "none"), .string(s.status.rawValue),
                  .optional(s.detail), .optional(ending.storedEncoding?.rawValue), .string(Self.now()), .integer(fileID)])
    }

    private func updateCounts(_ fileID: Int64, _ s: FileSummary) throws {
        try db.run("UPDATE source_files SET format = ?, records_read = ?, records_imported = ?, records_duplicate = ?, records_rejected = ? WHERE id = ?",
                   [.optional(s.format), .integer(Int64(s.recordsRead)), .integer(Int64(s.imported)), .integer(Int64(s.duplicates)),
                    .integer(Int64(s.rejected)), .integer(fileID)])
    }

    /// Events and change records taken from the reading thread but not yet stored: stored
    /// together (`EventWriter.write`, `ChangeWriter.write`) at the end of each message, and
    /// before anything else is written, so that rows keep the order of the evidence.
    private var pendingEvents: [EventWriter.Pending] = []
    private var pendingChanges: [ChangeWriter.Pending] = []

    private func storePending(fileID: Int64, summary: inout FileSummary) throws {
        if !pendingEvents.isEmpty {
            defer { pendingEvents.removeAll(keepingCapacity: true) }
            let outcomes = try writer.write(pendingEvents, fileID: fileID)
            for (pending, outcome) in zip(pendingEvents, outcomes) {
                var warnings = pending.event.warnings
                if pending.invalidUTF8 ?? !ByteScan.isValidUTF8(pending.raw) {
                    warnings.append("record holds bytes that are not UTF-8; stored byte-exact, shown with U+FFFD in fields")
                }
                try account(outcome, warnings: warnings, element: pending.element, summary: &summary) {
                    try store.recordProblem(fileID: fileID, severity: .warning, element: pending.element, eventID: $0, reason: $1, excerpt: nil)
                }
            }
        }
        if !pendingChanges.isEmpty {
            defer { pendingChanges.removeAll(keepingCapacity: true) }
            let outcomes = try changeWriter.write(pendingChanges, fileID: fileID, path: summary.path)
            for (pending, outcome) in zip(pendingChanges, outcomes) {
                try account(outcome, warnings: pending.change.warnings, element: pending.element, summary: &summary) {
                    try store.recordProblem(fileID: fileID, severity: .warning, element: pending.element, reason: $1, excerpt: nil, changeID: $0)
                }
            }
        }
    }

    /// Counts a stored record and records its warnings (`record` gets the row id and the warning).
    private func account(_ outcome: CaseWriter.Outcome, warnings: [String], element: RawElement,
                         summary: inout FileSummary, record: (Int64, String) throws -> Void) throws {
        switch outcome {
        case .imported(let id), .alreadyFromThisFile(let id):
            summary.imported += 1
            for warning in warnings {
                summary.warnings += 1
                diagnostic(summary, .warning, warning, element: element)
                try record(id, warning)
            }
        case .duplicate:
            summary.duplicates += 1
        case .conflictingCopy(let id, let reason):
            // Still a duplicate (its event is stored once); the warning says it differs.
            summary.duplicates += 1
            summary.conflicting += 1
            summary.warnings += 1
            diagnostic(summary, .warning, reason, element: element)
            try record(id, reason)
        }
    }

    private func consume(_ item: PreparedItem, fileID: Int64, summary: inout FileSummary) throws {
        switch item {
        case .event(let event, let raw, let element, let invalidUTF8):
            count(element, &summary)
            pendingEvents.append(EventWriter.Pending(event: event, raw: raw, element: element, invalidUTF8: invalidUTF8))
            return
        case .change(let change, let text, let raw, let element):
            count(element, &summary)
            pendingChanges.append(ChangeWriter.Pending(change: change, text: text, raw: raw, element: element))
            return
        default:
            try storePending(fileID: fileID, summary: &summary)
        }
        switch item {
        case .damage(let offset, let message):
            // The damaged tail counts as one element read and rejected.
            summary.recordsRead += 1
            summary.rejected += 1
            diagnostic(summary, .error, "at byte \(offset): \(message)")
            try store.recordProblem(fileID: fileID, severity: .error,
                                     element: RawElement(bytes: [], offset: offset, index: summary.recordsRead - 1, line: nil),
                                     reason: message, excerpt: nil)
        case .rejected(let element, let reason):
            count(element, &summary)
            summary.rejected += 1
            diagnostic(summary, .error, "record not imported: \(reason)", element: element)
            try store.recordProblem(fileID: fileID, severity: .error, element: element, reason: reason, excerpt: element.bytes)
        case .digest(let digest, let element):
            count(element, &summary)
            try DigestWriter.write(digest, fileID: fileID, into: db)
        case .context(let context, let element):
            count(element, &summary)
            summary.imported += 1
            try changeWriter.writeContext(context, fileID: fileID, path: summary.path)
        case .integrity(let shape, let object, let element):
            count(element, &summary)
            if let problem = try IntegrityWriter.write(shape, object, fileID: fileID, path: summary.path, into: db) {
                summary.rejected += 1
                diagnostic(summary, .error, "record not imported: \(problem)", element: element)
                try store.recordProblem(fileID: fileID, severity: .error, element: element, reason: problem, excerpt: element.bytes)
            } else {
                summary.imported += 1
            }
        case .metrics(let points, let element):
            count(element, &summary)
            let (stored, warning) = try metricWriter.write(points, fileID: fileID, element: element)
            if stored == 0 && !points.isEmpty { summary.duplicates += 1 } else { summary.imported += 1 }
            if let warning {
                summary.warnings += 1
                diagnostic(summary, .warning, warning, element: element)
                try store.recordProblem(fileID: fileID, severity: .warning, element: element, reason: warning, excerpt: nil)
            }
        case .metricRequest(let element):
            count(element, &summary)
            summary.imported += 1
        case .event, .change:
            break // stored in batches above
        }
    }

    private func count(_ element: RawElement, _ summary: inout FileSummary) {
        summary.recordsRead += 1
        records += 1
        bytes += Int64(element.bytes.count)
    }
}

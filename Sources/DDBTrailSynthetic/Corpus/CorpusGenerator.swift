import Foundation

// Synthetic CloudTrail evidence: a large, reproducible corpus for benchmarks and the small
// scripted demo incident that ships with the tool.
//
// Records are written as JSON text by hand (not JSONSerialization/Codable): that keeps CloudTrail's
// field order, which reviewers and some parsers rely on, and is fast enough for a million records.
// Field names, order and value shapes follow shared/formats.md sections 1–2 and the AWS sample
// events in shared/samples/.

/// What `CorpusGenerator.writeCorpus` wrote.
public struct CorpusSummary: Sendable, Equatable {
    /// Log files written.
    public var files = 0
    /// Records written, duplicates included.
    public var records = 0
    /// Records that repeat an earlier record (same eventID) from an earlier file.
    public var duplicates = 0
    /// Size of the `.json.gz` files on disk.
    public var bytes = 0
    /// Size of the JSON before compression.
    public var uncompressedBytes = 0

    public init() {}
}

/// Deterministic generator of CloudTrail log files: the same seed always yields the same bytes.
public struct CorpusGenerator {
    private var engine: CorpusEngine

    public init(seed: UInt64) {
        engine = CorpusEngine(seed: seed)
    }

    /// Writes S3-delivered CloudTrail log files: gzip of `{"Records":[…]}` in the real key layout
    /// `<dir>/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz`.
    ///
    /// Every file holds `recordsPerFile` records (the last one possibly fewer). Each log stream
    /// (account + region) has its own clock, so time advances independently per stream; records
    /// inside a file are slightly out of order, and about 0.5% of records repeat a record from an
    /// earlier file of the same stream, as CloudTrail's at-least-once delivery does. The table
    /// `Orders` key `{"customerId":"C-1001","orderId":"O-77"}` is the hottest key and always
    /// appears, so benchmarks have a known item to look up. Calling again continues the history.
    public mutating func writeCorpus(to directory: String, records: Int, recordsPerFile: Int = 1000) throws -> CorpusSummary {
        precondition(records >= 0, "records must not be negative")
        precondition(recordsPerFile > 0, "recordsPerFile must be positive")
        var summary = CorpusSummary()
        var madeDirectories = Set<String>()
        var remaining = records
        // Rendering stays on this thread (it drives the one random stream, so the bytes depend only
        // on the seed); gzip, about four fifths of the work, runs on worker threads meanwhile. The
        // semaphore bounds the files in flight, and so the memory, to one per processor.
        let queue = DispatchQueue(label: "ddbtrail.corpus.gzip", attributes: .concurrent)
        let group = DispatchGroup()
        let inFlight = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))
        let outcomes = Outcomes()
        while remaining > 0 && !outcomes.hasFailed {
            let count = min(recordsPerFile, remaining)
            let file = engine.renderFile(records: count)
            remaining -= count
            summary.files += 1
            summary.records += count
            summary.duplicates += file.duplicates
            let folder = directory + "/" + file.folder
            if madeDirectories.insert(folder).inserted {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    group.wait()
                    throw GzipWriterError(path: folder, message: "cannot create directory: \(error.localizedDescription)")
                }
            }
            let index = summary.files
            inFlight.wait()
            queue.async(group: group) {
                defer { inFlight.signal() }
                outcomes.record(index, Result {
                    let writer = try GzipWriter(path: folder + "/" + file.name)
                    try writer.write(file.bytes)
                    try writer.close()
                    return (writer.compressedCount, writer.uncompressedCount)
                })
            }
        }
        group.wait()
        let (compressed, uncompressed) = try outcomes.totals()
        summary.bytes = compressed
        summary.uncompressedBytes = uncompressed
        return summary
    }

    /// Results of the gzip workers, collected under a lock.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var compressed = 0, uncompressed = 0
        private var failures: [(index: Int, error: Error)] = []

        var hasFailed: Bool { lock.withLock { !failures.isEmpty } }

        func record(_ index: Int, _ result: Result<(Int, Int), Error>) {
            lock.withLock {
                switch result {
                case .success(let (c, u)): compressed += c; uncompressed += u
                case .failure(let error): failures.append((index, error))
                }
            }
        }

        /// Byte totals, or the error of the earliest file that failed.
        func totals() throws -> (Int, Int) {
            try lock.withLock {
                if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
                return (compressed, uncompressed)
            }
        }
    }

    /// Writes the bundled demo incident into `directory` and returns the relative paths written:
    /// the CloudTrail log files (uncompressed, named like real log files but ending `.json`), one
    /// digest file listing them, and `lookup-events.json` (an `aws cloudtrail lookup-events` dump
    /// of the incident's management events, which repeats records from the log files).
    public static func writeDemoIncident(to directory: String) throws -> [String] {
        var written: [String] = []
        var files = DemoIncidentScript.files().map { (path: $0.path, bytes: $0.bytes) }
        files.append(DemoStream.file(from: DemoIncidentScript.render()))
        for file in files {
            let path = directory + "/" + file.path
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            } catch {
                throw GzipWriterError(path: path, message: "cannot write demo file: \(error.localizedDescription)")
            }
            written.append(file.path)
        }
        return written
    }
}

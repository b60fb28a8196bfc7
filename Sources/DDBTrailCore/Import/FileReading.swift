import Foundation

/// What the reading thread made of the start of a file.
enum FileOpening: Sendable {
    /// Importable by this reader (`sniffReason` says why it matched).
    case reader(name: String, sniffReason: String)
    /// Not importable: status (`empty`, `unrecognised`, `unsupported`, `unreadable`), why, and the first bytes.
    case notImported(status: FileStatus, format: String?, detail: String, excerpt: [UInt8]?)
}

/// What the reading thread learned once a file was read to its end.
struct FileEnding: Sendable {
    var storedSize: Int64?
    var contentSize: Int64?
    var storedSHA256: String?
    var contentSHA256: String?
    var gzip = false
    /// Damage found after the last element (e.g. a gzip stream ending early).
    var damage: String?
    var sniffReason: String?
    /// The last of the stored copy, and how it is encoded (nil: the file is not kept).
    var stored: StoredPiece?
    var storedEncoding: StoredEncoding?
}

enum ReadingMessage: @unchecked Sendable {
    case alreadyImported(index: Int, path: String, sha256: String, requestSHA256: String?)
    case begin(index: Int, path: String, sha256: String?, requestSHA256: String?, opening: FileOpening)
    case items([PreparedItem])
    /// Stored bytes and access points of the current file, sent before the records they hold.
    case stored(StoredPiece)
    case end(FileEnding)
}

/// The reading side of an import, run on its own thread: for each file, hash the stored bytes
/// (to skip evidence already in the case), detect the format, cut, unwrap, parse and normalise,
/// and send everything to the writing thread in batches.
struct FileReading {
    let paths: [String]
    let alreadyImported: Set<String>
    let queue: BoundedQueue<ReadingMessage>
    /// A batch is sent when it holds this many records, or records of this many bytes: the
    /// queue holds at most 16 batches, so memory stays bounded when records are large.
    static let batchSize = 256
    static let batchBytes = 4 << 20
    let principals = PrincipalMemo()

    func run() {
        var seen = alreadyImported
        for (index, path) in paths.enumerated() {
            let sha256 = Self.hashStoredBytes(path)
            // A metric output's identity includes the request it answered (see MetricPairing).
            let pairing = MetricPairing(for: path)
            let identity = sha256.map { Self.identity($0, request: pairing.requestSHA256) }
            if let sha256, let identity, seen.contains(identity) {
                guard queue.put(.alreadyImported(index: index, path: path, sha256: sha256, requestSHA256: pairing.requestSHA256)) else { return }
                continue
            }
            if let identity { seen.insert(identity) }
            guard read(index: index, path: path, sha256: sha256, pairing: pairing) else { return }
        }
        queue.close()
    }

    /// A file's identity in the case: its SHA-256, plus its request's for a paired metric output
    /// (the same text as `Importer`'s query on source_files builds).
    static func identity(_ sha256: String, request: String?) -> String {
        request.map { sha256 + "+" + $0 } ?? sha256
    }

    /// Stored-bytes hash before importing, to recognise evidence already in the case.
    static func hashStoredBytes(_ path: String) -> String? {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0.baseAddress!, count: $0.count) }
        }
        return hasher.finalizeHex()
    }

    /// Reads one file; false when the writing side gave up.
    private func read(index: Int, path: String, sha256: String?, pairing: MetricPairing) -> Bool {
        func begin(_ opening: FileOpening) -> Bool {
            queue.put(.begin(index: index, path: path, sha256: sha256, requestSHA256: pairing.requestSHA256, opening: opening))
        }
        func end(_ source: ByteSource?, sniffReason: String? = nil) -> Bool {
            var ending = FileEnding(sniffReason: sniffReason)
            if let source {
                // Only files a reader took are kept.
                if sniffReason == nil { source.copy.discard() }
                let hashes = try? source.finishHashes()
                if source.copy.keeping {
                    ending.stored = source.drainStored()
                    ending.storedEncoding = source.copy.encoding
                }
                ending.storedSize = source.storedSize
                ending.contentSize = source.contentSize
                ending.storedSHA256 = hashes?.stored
                ending.contentSHA256 = hashes?.content
                ending.gzip = source.isGzip
                ending.damage = source.damage?.message
            }
            return queue.put(.end(ending))
        }
        let stream: RecordStream
        do {
            stream = try RecordStream(path: path, storedSHA256: sha256)
        } catch {
            return begin(.notImported(status: .unreadable, format: nil, detail: "cannot read file: \(error)", excerpt: nil)) && end(nil)
        }
        let source = stream.source, head = stream.head
        let reader: any RecordReader, reason: String
        switch stream.match {
        case .blank:
            return begin(.notImported(status: .empty, format: nil, detail: "the file holds no data", excerpt: nil)) && end(source)
        case .unrecognised(let why):
            return begin(.notImported(status: .unrecognised, format: nil, detail: "unrecognised format: \(why)",
                                      excerpt: Array(head.bytes.prefix(512)))) && end(source)
        case .ambiguous(let names):
            return begin(.notImported(status: .unrecognised, format: nil,
                                      detail: "ambiguous format: matches \(names.joined(separator: " and "))",
                                      excerpt: Array(head.bytes.prefix(512)))) && end(source)
        case .reader(let r, let why):
            (reader, reason) = (r, why)
        }
        if reader.unsupported != nil {
            return begin(.notImported(status: .unsupported, format: reader.name, detail: reason, excerpt: nil)) && end(source)
        }
        guard begin(.reader(name: reader.name, sniffReason: reason)) else { return false }
        stream.start(reader)
        var batch: [PreparedItem] = []
        batch.reserveCapacity(Self.batchSize)
        var bytes = 0
        // Decided once per batch: the queue's fill tells which thread has time to spare.
        var share = queue.consumerIsBehind
        do {
            while let item = try stream.next() {
                var prepared = PreparedItem.prepare(item, reader: reader, principals: principals, share: share, pairing: pairing)
                if case .damage(let offset, let message) = prepared, let damage = source.damage {
                    prepared = .damage(offset: offset, message: "\(damage.message); \(message)")
                }
                batch.append(prepared)
                if case .element(let element) = item { bytes += element.bytes.count }
                if batch.count == Self.batchSize || bytes >= Self.batchBytes {
                    guard sendStored(source), queue.put(.items(batch)) else { return false }
                    batch.removeAll(keepingCapacity: true)
                    bytes = 0
                    share = queue.consumerIsBehind
                }
            }
        } catch {
            // A read error ends this file, not the import.
            batch.append(.damage(offset: source.contentSize, message: "read error: \(error); the rest of the file was not read"))
        }
        if !batch.isEmpty, !(sendStored(source) && queue.put(.items(batch))) { return false }
        return end(source, sniffReason: reason)
    }

    /// Sends what was stored of the file since the last batch, ahead of the records it holds.
    private func sendStored(_ source: ByteSource) -> Bool {
        let piece = source.drainStored()
        return piece.isEmpty || queue.put(.stored(piece))
    }
}

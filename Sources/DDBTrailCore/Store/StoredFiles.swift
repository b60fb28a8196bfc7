import CZlib
import DDBTrailSQLite

/// The evidence files a case keeps (`file_chunks`, `file_access_points`, `source_files.stored`)
/// and the bytes of records read back out of them.
///
/// A record is addressed by its file and its place in the file's decompressed content
/// (`record_offset`, `record_length`). Reading it decompresses from the access point before it
/// to the next one (at most about `StoredCopy.span` of content) and keeps the last few such
/// spans, so records read in file order cost one decompression per span.
public final class StoredFiles {
    // Unowned: the connection's SQL functions hold this reader, and the connection outlives them.
    unowned let db: Database
    /// Stored bytes per `file_chunks` row.
    static let chunkLimit = 1 << 20

    public init(db: Database) { self.db = db }

    // MARK: writing

    /// Stores a piece of file `fileID`'s stored copy.
    func write(_ piece: StoredPiece, fileID: Int64) throws {
        var start = 0
        while start < piece.bytes.count {
            let n = min(Self.chunkLimit, piece.bytes.count - start)
            try db.run("INSERT INTO file_chunks(source_file_id, stored_offset, bytes) VALUES (?, ?, ?)",
                       [.integer(fileID), .integer(piece.storedOffset + Int64(start)), .blob(Array(piece.bytes[start..<start + n]))])
            start += n
        }
        for point in piece.points {
            try db.run("INSERT OR REPLACE INTO file_access_points(source_file_id, content_offset, stored_offset, bits, window) VALUES (?, ?, ?, ?, ?)",
                       [.integer(fileID), .integer(point.contentOffset), .integer(point.storedOffset), .integer(Int64(point.bits)),
                        point.window.isEmpty ? .null : .blob(Zlib.compress(point.window))])
        }
        if !piece.isEmpty { spans.removeAll { $0.fileID == fileID } }
    }

    /// Forgets what an interrupted import stored of a file, before it is read again.
    func forget(fileID: Int64) throws {
        try db.run("DELETE FROM file_chunks WHERE source_file_id = ?", [.integer(fileID)])
        try db.run("DELETE FROM file_access_points WHERE source_file_id = ?", [.integer(fileID)])
        spans.removeAll { $0.fileID == fileID }
    }

    // MARK: reading records

    private struct Span { let fileID: Int64; let start: Int64; let bytes: [UInt8] }
    private var spans: [Span] = []

    /// Content bytes `offset ..< offset + length` of file `fileID`; nil when the case does not
    /// keep that file (or not that far).
    public func content(fileID: Int64, offset: Int64, length: Int) throws -> [UInt8]? {
        if let hit = spans.firstIndex(where: { $0.fileID == fileID && $0.start <= offset && offset + Int64(length) <= $0.start + Int64($0.bytes.count) }) {
            let span = spans.remove(at: hit)
            spans.insert(span, at: 0)
            let from = Int(offset - span.start)
            return Array(span.bytes[from..<from + length])
        }
        let point = try db.rows("""
            SELECT content_offset, stored_offset, bits, window FROM file_access_points
            WHERE source_file_id = ? AND content_offset <= ? ORDER BY content_offset DESC LIMIT 1
            """, [.integer(fileID), .integer(offset)]).first
        let next = try db.scalar("SELECT min(content_offset) FROM file_access_points WHERE source_file_id = ? AND content_offset > ?",
                                 [.integer(fileID), .integer(offset)]).int64Value
        let start = point?[0].int64Value ?? 0
        let need = offset + Int64(length) - start
        // To the next point (or the end of the file), so that the records after this one are read too.
        let want = max(need, (next ?? start + 2 * StoredCopy.span) - start)
        var window: [UInt8] = []
        if case .blob(let packed)? = point?[3] { window = try Zlib.uncompress(packed, size: StoredCopy.windowSize) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(want))
        _ = try inflate(fileID: fileID, storedOffset: point?[1].int64Value ?? 0, bits: Int32(point?[2].int64Value ?? 0),
                        window: window, fromHeader: point == nil) { piece in
            bytes += piece.prefix(Int(want) - bytes.count)
            return bytes.count < Int(want)
        }
        guard bytes.count >= need else { return nil }
        spans.insert(Span(fileID: fileID, start: start, bytes: bytes), at: 0)
        if spans.count > 4 { spans.removeLast() }
        let from = Int(offset - start)
        return Array(bytes[from..<from + length])
    }

    /// Stored bytes of file `fileID` from `offset` on, in order, a chunk at a time.
    func storedBytes(fileID: Int64, from offset: Int64 = 0, _ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        let statement = try db.prepare("""
            SELECT stored_offset, bytes FROM file_chunks WHERE source_file_id = ?1
              AND stored_offset >= coalesce((SELECT max(stored_offset) FROM file_chunks WHERE source_file_id = ?1 AND stored_offset <= ?2), 0)
            ORDER BY stored_offset
            """)
        try statement.bind([.integer(fileID), .integer(offset)])
        while try statement.step() {
            let at = statement.int64(at: 0)
            let bytes: [UInt8] = statement.withBytes(at: 1) { Array($0) }
            let skip = Int(max(0, offset - at))
            guard skip < bytes.count else { continue }
            guard try body(bytes[skip...]) else { return }
        }
    }

    /// Decompresses from an access point (or the start of the stream), handing the content to
    /// `emit` a piece at a time until it returns false or the stored bytes end; gzip members
    /// after the first are read on. False when the stored bytes are damaged.
    private func inflate(fileID: Int64, storedOffset: Int64, bits: Int32, window: [UInt8], fromHeader: Bool,
                         _ emit: (ArraySlice<UInt8>) throws -> Bool) throws -> Bool {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { inflateEnd(stream); stream.deinitialize(count: 1); stream.deallocate() }
        guard ddbtrail_inflateInit2(stream, fromHeader ? 15 + 32 : -15) == Z_OK else { throw Zlib.Failure(message: "cannot start inflating") }
        func setWindow() {
            guard !window.isEmpty else { return }
            _ = window.withUnsafeBufferPointer { inflateSetDictionary(stream, $0.baseAddress, UInt32($0.count)) }
        }
        if bits == 0 { setWindow() }
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        var raw = !fromHeader
        var primed = bits == 0
        var trailer = 0 // bytes of a gzip trailer still to skip (after a raw-started member ends)
        var ended = false, wanted = true, damaged = false
        try storedBytes(fileID: fileID, from: storedOffset - (bits > 0 ? 1 : 0)) { chunk in
            var input = chunk
            if !primed {
                // The byte before the point holds its first `bits` bits, in its high bits.
                guard let first = input.first else { return true }
                _ = inflatePrime(stream, bits, Int32(first >> (8 - UInt8(bits))))
                input = input.dropFirst()
                setWindow()
                primed = true
            }
            while !input.isEmpty && wanted {
                if trailer > 0 {
                    let n = min(trailer, input.count)
                    input = input.dropFirst(n)
                    trailer -= n
                    continue
                }
                if ended {
                    // After a member: another gzip member, or the end of what is worth reading.
                    guard input.count < 2 || (input[input.startIndex] == 0x1f && input[input.startIndex + 1] == 0x8b) else { return false }
                    inflateReset2(stream, 15 + 32)
                    raw = false
                    ended = false
                }
                let status: Int32 = input.withUnsafeBufferPointer { inp in
                    output.withUnsafeMutableBufferPointer { out in
                        stream.pointee.next_in = UnsafeMutablePointer(mutating: inp.baseAddress!)
                        stream.pointee.avail_in = UInt32(inp.count)
                        stream.pointee.next_out = out.baseAddress!
                        stream.pointee.avail_out = UInt32(out.count)
                        return CZlib.inflate(stream, Z_NO_FLUSH)
                    }
                }
                let used = input.count - Int(stream.pointee.avail_in)
                input = input.dropFirst(used)
                let produced = output.count - Int(stream.pointee.avail_out)
                if produced > 0 { wanted = try emit(output[0..<produced]) }
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    // Room and input but no progress: nothing more can come out.
                    if used == 0 && produced == 0 { damaged = true; return false }
                case Z_STREAM_END:
                    ended = true
                    if raw { trailer = 8 }
                default:
                    // Damaged stored bytes: what came out before is all there is.
                    damaged = true
                    return false
                }
            }
            return wanted
        }
        return !damaged
    }
}

/// zlib's one-shot compression, for access point windows.
enum Zlib {
    struct Failure: Error, CustomStringConvertible { let message: String; var description: String { "zlib: \(message)" } }

    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(i.count), 6) }
        }
        precondition(status == Z_OK, "compress2 failed with enough room")
        out.removeLast(out.count - Int(size))
        return out
    }

    static func uncompress(_ bytes: [UInt8], size: Int) throws -> [UInt8] {
        var length = uLongf(size)
        var out = [UInt8](repeating: 0, count: size)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in CZlib.uncompress(o.baseAddress, &length, i.baseAddress, uLong(i.count)) }
        }
        guard status == Z_OK else { throw Failure(message: "a stored access point window is damaged (status \(status))") }
        out.removeLast(out.count - Int(length))
        return out
    }
}

/// The two kinds of record a case holds, and where each keeps its text when the text is not a
/// slice of its stored file.
public enum RecordKind: String, Sendable {
    case event, change
    var table: String { self == .event ? "events" : "changes" }
    var textTable: String { self == .event ? "event_texts" : "change_texts" }
    var textKey: String { self == .event ? "event_id" : "change_id" }
}

extension StoredFiles {
    /// The exact bytes of an events or changes row's record; nil when there is no such row or
    /// the case does not hold its bytes.
    public func record(_ kind: RecordKind, id: Int64) throws -> [UInt8]? {
        let statement = try db.cached("""
            SELECT r.source_file_id, r.record_offset, r.record_length, t.raw FROM \(kind.table) r
            LEFT JOIN \(kind.textTable) t ON t.\(kind.textKey) = r.id WHERE r.id = ?
            """)
        try statement.bind([.integer(id)])
        guard try statement.step() else { statement.reset(); return nil }
        if !statement.isNull(at: 3) {
            let text = statement.withBytes(at: 3) { Array($0) }
            statement.reset()
            return text
        }
        let file = statement.int64(at: 0), offset = statement.int64(at: 1), length = statement.int64(at: 2)
        statement.reset()
        return try content(fileID: file, offset: offset, length: Int(length))
    }
}

extension StoredFiles {
    /// Hands file `fileID`'s bytes as delivered to `sink`, in order, and returns their SHA-256;
    /// nil when the case does not keep that file.
    public func evidenceFile(fileID: Int64, _ sink: ([UInt8]) throws -> Void) throws -> String? {
        guard let encoding = try db.scalar("SELECT stored FROM source_files WHERE id = ?", [.integer(fileID)]).stringValue
            .flatMap(StoredEncoding.init(rawValue:)) else { return nil }
        let hasher = SHA256Hasher()
        func emit(_ bytes: [UInt8]) throws {
            bytes.withUnsafeBytes { if $0.count > 0 { hasher.update($0.baseAddress!, count: $0.count) } }
            try sink(bytes)
        }
        switch encoding {
        case .asDelivered:
            try storedBytes(fileID: fileID) { try emit(Array($0)); return true }
        case .deflated:
            guard try inflate(fileID: fileID, storedOffset: 0, bits: 0, window: [], fromHeader: true, { try emit(Array($0)); return true }) else {
                throw Zlib.Failure(message: "the stored copy of file #\(fileID) is damaged")
            }
        }
        return hasher.finalizeHex()
    }
}

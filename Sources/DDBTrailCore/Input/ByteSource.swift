import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be read to its end. Everything decoded before the problem is kept.
public struct InputDamage: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The decompressed bytes of one input file (or standard input), read in chunks.
///
/// Gzip is recognised by its magic bytes, not by the file name; concatenated gzip members are
/// read as one stream. While reading it hashes the decompressed bytes (what CloudTrail digest
/// files hash) and, for a gzip file, the bytes as stored (the evidence file's identity). A plain
/// file's stored bytes are its content, so each byte read is hashed once.
final class ByteSource {
    let path: String
    private let fd: Int32
    private let ownsFD: Bool
    private var raw = [UInt8](repeating: 0, count: 1 << 20)
    private var rawStart = 0, rawEnd = 0
    private var rawEOF = false
    private(set) var storedSize: Int64 = 0
    private(set) var contentSize: Int64 = 0
    private let storedHash = SHA256Hasher()
    private let contentHash = SHA256Hasher()
    private(set) var isGzip = false
    /// The copy of this input the case keeps (`StoredCopy`), gathered as it is read.
    private(set) var copy: StoredCopy!
    /// Decompressed bytes produced so far, the content offset of the last access point, and
    /// the last `StoredCopy.windowSize` bytes produced (gzip input).
    private var inflated: Int64 = 0
    private var lastPoint: Int64 = 0
    private var window: [UInt8] = []
    // zlib's state points back at its z_stream and checks that on every call, so the stream lives
    // at a fixed heap address rather than inline, where Swift could pass zlib a temporary copy.
    private let stream: UnsafeMutablePointer<z_stream> = {
        let p = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        p.initialize(to: z_stream())
        return p
    }()
    private var inflating = false
    private var finished = false
    /// Set when the input ended early or was corrupt; reported once the good bytes are consumed.
    private(set) var damage: InputDamage?

    /// The stored bytes' SHA-256 as the caller computed it just before, to be checked against
    /// the bytes read here (nil: nothing to check).
    private let expectedStoredSHA256: String?

    init(path: String, storedSHA256: String? = nil) throws {
        self.path = path
        expectedStoredSHA256 = storedSHA256
        if path == "-" {
            fd = 0
            ownsFD = false
        } else {
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else {
                throw InputDamage(message: "cannot open: \(String(cString: strerror(errno)))")
            }
            fd = opened
            ownsFD = true
        }
        try fillRaw()
        if rawEnd - rawStart >= 2, raw[rawStart] == 0x1f, raw[rawStart + 1] == 0x8b {
            isGzip = true
            copy = StoredCopy(encoding: .asDelivered)
            raw.withUnsafeBytes {
                storedHash.update($0.baseAddress! + rawStart, count: rawEnd - rawStart)
                copy.appendStored(UnsafeRawBufferPointer(rebasing: $0[rawStart..<rawEnd]))
            }
            try startInflate()
        } else {
            copy = StoredCopy(encoding: .deflated)
        }
    }

    deinit {
        if inflating { inflateEnd(stream) }
        if ownsFD { close(fd) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func startInflate() throws {
        stream.pointee = z_stream()
        guard ddbtrail_inflateInit2(stream, 15 + 32) == Z_OK else {
            throw InputDamage(message: "zlib could not start inflating")
        }
        inflating = true
    }

    /// Reads more stored bytes into `raw` (hashing them when they are gzip). Keeps unconsumed bytes.
    private func fillRaw() throws {
        if rawStart > 0 {
            if rawStart < rawEnd { raw.withUnsafeMutableBufferPointer { b in
                _ = memmove(b.baseAddress!, b.baseAddress! + rawStart, rawEnd - rawStart) } }
            rawEnd -= rawStart
            rawStart = 0
        }
        while rawEnd < raw.count && !rawEOF {
            let n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + rawEnd, $0.count - rawEnd) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputDamage(message: "read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { rawEOF = true; break }
            if isGzip { raw.withUnsafeBytes {
                storedHash.update($0.baseAddress! + rawEnd, count: n)
                copy.appendStored(UnsafeRawBufferPointer(rebasing: $0[rawEnd..<rawEnd + n]))
            } }
            rawEnd += n
            storedSize += Int64(n)
        }
    }

    /// Appends up to `maximum` decompressed bytes to `buffer`; returns 0 at the end of input.
    func read(into buffer: inout [UInt8], maximum: Int) throws -> Int {
        if finished { return 0 }
        let produced: Int
        if isGzip {
            produced = try inflateMore(into: &buffer, maximum: maximum)
        } else {
            if rawStart == rawEnd { try fillRaw() }
            let n = min(maximum, rawEnd - rawStart)
            buffer.append(contentsOf: raw[rawStart..<rawStart + n])
            raw.withUnsafeBytes { copy.appendContent(UnsafeRawBufferPointer(rebasing: $0[rawStart..<rawStart + n])) }
            rawStart += n
            produced = n
        }
        if produced == 0 { finished = true }
        if produced > 0 {
            buffer.withUnsafeBytes { contentHash.update($0.baseAddress! + ($0.count - produced), count: produced) }
            contentSize += Int64(produced)
        }
        return produced
    }

    /// Inflate output lands here first, then is appended to the caller's buffer.
    private var scratch = [UInt8](repeating: 0, count: 256 * 1024)

    /// Keeps the last `StoredCopy.windowSize` bytes of what inflate produced into `scratch`.
    private func slideWindow(_ produced: Int) {
        let size = StoredCopy.windowSize
        if produced >= size {
            window = Array(scratch[(produced - size)..<produced])
        } else {
            window.append(contentsOf: scratch[0..<produced])
            if window.count > size { window.removeFirst(window.count - size) }
        }
    }

    /// Stored bytes and access points gathered since the last call.
    func drainStored() -> StoredPiece { copy.drain() }

    private func inflateMore(into buffer: inout [UInt8], maximum: Int) throws -> Int {
        var produced = 0
        while produced == 0 {
            if rawStart == rawEnd {
                try fillRaw()
                if rawStart == rawEnd {
                    if inflating {
                        damage = InputDamage(message: "gzip stream ends early (truncated file after \(storedSize) stored bytes, \(contentSize) bytes decompressed)")
                    }
                    return 0
                }
            }
            if !inflating {
                // Bytes after a complete gzip member: another member, or trailing junk.
                if rawEnd - rawStart < 2 && !rawEOF { try fillRaw() }
                if rawEnd - rawStart >= 2, raw[rawStart] == 0x1f, raw[rawStart + 1] == 0x8b {
                    try startInflate()
                } else {
                    damage = InputDamage(message: "\(rawEnd - rawStart)+ bytes of non-gzip data after the end of the gzip stream")
                    return 0
                }
            }
            let available = rawEnd - rawStart
            let room = min(maximum, scratch.count)
            // Once a span of content has passed since the last access point, inflate stops at
            // each block boundary until one can be noted there.
            let wantPoint = copy.keeping && inflated - lastPoint >= StoredCopy.span
            let status: Int32 = raw.withUnsafeMutableBufferPointer { input in
                scratch.withUnsafeMutableBufferPointer { output in
                    stream.pointee.next_in = input.baseAddress! + rawStart
                    stream.pointee.avail_in = UInt32(available)
                    stream.pointee.next_out = output.baseAddress!
                    stream.pointee.avail_out = UInt32(room)
                    return inflate(stream, wantPoint ? Z_BLOCK : Z_NO_FLUSH)
                }
            }
            rawStart += available - Int(stream.pointee.avail_in)
            produced = room - Int(stream.pointee.avail_out)
            if produced > 0 {
                scratch.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                if copy.keeping { slideWindow(produced) }
                inflated += Int64(produced)
            }
            let type = stream.pointee.data_type
            if wantPoint, status == Z_OK, type & 128 != 0, type & 64 == 0 {
                copy.addPoint(AccessPoint(contentOffset: inflated, storedOffset: storedSize - Int64(rawEnd - rawStart),
                                          bits: type & 7, window: window))
                lastPoint = inflated
            }
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inflateEnd(stream)
                inflating = false
                if rawStart == rawEnd { try fillRaw() }
                if rawStart == rawEnd && produced == 0 { return 0 }
                if produced == 0 { continue }
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                damage = InputDamage(message: "gzip data is corrupt (\(reason)) near stored byte \(storedSize - Int64(rawEnd - rawStart)), after \(contentSize + Int64(produced)) bytes decompressed")
                inflateEnd(stream)
                inflating = false
                finished = true
                return produced
            }
        }
        return produced
    }

    /// Reads what is left (so the hashes cover the whole file) and returns both digests. A file
    /// whose stored bytes do not hash to what the caller computed before changed while it was
    /// read: that is reported as damage, and the hash of the bytes read here is the one returned.
    func finishHashes() throws -> (stored: String, content: String) {
        var scratch = [UInt8]()
        scratch.reserveCapacity(1 << 20)
        while !finished {
            scratch.removeAll(keepingCapacity: true)
            if try read(into: &scratch, maximum: 1 << 20) == 0 { break }
        }
        while !rawEOF { rawStart = rawEnd; try fillRaw() }
        if !isGzip { copy.finish() }
        let content = contentHash.finalizeHex()
        let stored = isGzip ? storedHash.finalizeHex() : content
        if let expected = expectedStoredSHA256, expected != stored, damage == nil {
            damage = InputDamage(message: "the file changed while it was read (SHA-256 \(expected) before, \(stored) while importing)")
        }
        return (stored, content)
    }
}

import CZlib

/// A place in a file's stored deflate stream where decompression can start without reading
/// what comes before: the content offset it yields, the first stored byte to feed, the bits of
/// the byte before that still to be read (0–7), and the content just before it, which
/// back-references may reach (empty after a full flush, where none can).
public struct AccessPoint: Sendable, Equatable {
    public var contentOffset: Int64
    public var storedOffset: Int64
    public var bits: Int32
    public var window: [UInt8]
}

/// Stored bytes of the file being read, and the access points found in them, since the last
/// `StoredCopy.drain()`. `storedOffset` is where `bytes` start in the stored copy.
public struct StoredPiece: Sendable {
    public var storedOffset: Int64
    public var bytes: [UInt8]
    public var points: [AccessPoint]
    public var isEmpty: Bool { bytes.isEmpty && points.isEmpty }
}

/// How a case keeps an evidence file: the file's own bytes when it arrived gzip-compressed
/// (the copy is the evidence, byte for byte), else its content deflated by ddbtrail into a gzip
/// stream with a full flush every `StoredCopy.span` bytes. Either way every record is reached
/// by decompressing from the access point before it, at most about one span of content.
public enum StoredEncoding: String, Sendable {
    case asDelivered = "as-delivered"
    case deflated
}

/// The stored copy of one input as it is read: gzip input is kept as it arrives and access
/// points are noted while it is inflated (`ByteSource`); plain input is compressed here.
final class StoredCopy {
    /// Content between access points: small enough that reaching any record decompresses about
    /// 2 ms of work, large enough that windows add little to the case.
    static let span: Int64 = 1 << 19
    static let windowSize = 32 * 1024

    let encoding: StoredEncoding
    /// False once the caller decided not to keep this file: nothing accumulates any more.
    private(set) var keeping = true
    private var pending: [UInt8] = []
    private var pendingOffset: Int64 = 0
    private var points: [AccessPoint] = []
    private(set) var storedTotal: Int64 = 0

    // Plain input only: the deflater and where the last full flush was.
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var fed: Int64 = 0
    private var lastFlush: Int64 = 0
    private var flushedAt: Int64 = 0
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    init(encoding: StoredEncoding) {
        self.encoding = encoding
        if encoding == .deflated {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // Level 1: plain inputs can be large, and JSON compresses well even at the fastest level.
            if ddbtrail_deflateInit2(stream, 1, 31) == Z_OK {
                deflater = stream
            } else {
                stream.deinitialize(count: 1)
                stream.deallocate()
                keeping = false
            }
        }
    }

    deinit { endDeflater() }

    private func endDeflater() {
        guard let deflater else { return }
        deflateEnd(deflater)
        deflater.deinitialize(count: 1)
        deflater.deallocate()
        self.deflater = nil
    }

    /// Stops keeping this file (it is not imported): what was gathered is dropped.
    func discard() {
        keeping = false
        pending = []
        points = []
        endDeflater()
    }

    /// Stored bytes as they were read (gzip input).
    func appendStored(_ bytes: UnsafeRawBufferPointer) {
        guard keeping, encoding == .asDelivered, bytes.count > 0 else { return }
        pending.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        storedTotal += Int64(bytes.count)
    }

    func addPoint(_ point: AccessPoint) {
        guard keeping else { return }
        points.append(point)
    }

    /// Content of a plain input, in order: compressed, with a full flush (and an access point
    /// needing no window) each time another span of content has gone in.
    func appendContent(_ bytes: UnsafeRawBufferPointer) {
        guard keeping, encoding == .deflated, deflater != nil else { return }
        var start = 0
        while start < bytes.count {
            let room = Int(Self.span - (fed - lastFlush))
            let n = min(room, bytes.count - start)
            deflate(UnsafeRawBufferPointer(rebasing: bytes[start..<start + n]), flush: Z_NO_FLUSH)
            fed += Int64(n)
            start += n
            if fed - lastFlush == Self.span {
                deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FULL_FLUSH)
                lastFlush = fed
                points.append(AccessPoint(contentOffset: fed, storedOffset: storedTotal, bits: 0, window: []))
            }
        }
    }

    /// Ends a plain input's stream (after its last content).
    func finish() {
        guard keeping, encoding == .deflated, deflater != nil else { return }
        deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        endDeflater()
    }

    private func deflate(_ input: UnsafeRawBufferPointer, flush: Int32) {
        guard let stream = deflater else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        repeat {
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress!
                stream.pointee.avail_out = UInt32(out.count)
                return CZlib.deflate(stream, flush)
            }
            let produced = output.count - Int(stream.pointee.avail_out)
            pending.append(contentsOf: output[0..<produced])
            storedTotal += Int64(produced)
            if status == Z_STREAM_END || status < 0 && status != Z_BUF_ERROR { break }
            if stream.pointee.avail_out != 0 && stream.pointee.avail_in == 0 { break }
        } while true
    }

    /// What was gathered since the last drain. A plain input's deflater is flushed first, so
    /// that every record read so far can be read back from what was drained.
    func drain() -> StoredPiece {
        if keeping, encoding == .deflated, deflater != nil, fed > flushedAt {
            deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_SYNC_FLUSH)
            flushedAt = fed
        }
        let piece = StoredPiece(storedOffset: pendingOffset, bytes: pending, points: points)
        pendingOffset += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
        points.removeAll()
        return piece
    }
}

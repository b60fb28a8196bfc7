import CZlib
import Foundation

/// A failure while writing a gzip file; the message names the file.
public struct GzipWriterError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    public var description: String { "\(path): \(message)" }
}

/// Streams bytes through zlib's deflate into a `.gz` file (RFC 1952 gzip framing).
///
/// The gzip header zlib writes carries no file name and a zero modification time, so the
/// output depends only on the input bytes and the level: generated corpora are reproducible.
public final class GzipWriter {
    public let path: String
    /// Bytes handed to `write` so far.
    public private(set) var uncompressedCount = 0
    /// Bytes written to the file so far (complete only after `close()`).
    public private(set) var compressedCount = 0

    // zlib keeps a pointer from its internal state back to the z_stream and checks it on every
    // call, so the stream must live at a fixed address: heap-allocate it rather than storing
    // it inline in the object, where Swift may hand zlib a temporary copy.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    private var descriptor: Int32
    private var finished = false

    private static let chunkSize = 256 * 1024

    /// Creates (or truncates) `path`. `level` is zlib's 0–9; 6 is gzip's default.
    public init(path: String, level: Int32 = 6) throws {
        self.path = path
        output = [UInt8](repeating: 0, count: Self.chunkSize)
        // `stream` and `descriptor` are assigned last: until every stored property is set, a
        // throw does not run deinit, so each failure path below releases what it acquired itself.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw GzipWriterError(path: path, message: "cannot create file: \(String(cString: strerror(errno)))")
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 31 = 15-bit window + 16, which asks zlib for a gzip header and trailer.
        let status = ddbtrail_deflateInit2(stream, level, 31)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            _ = Foundation.close(fd)
            throw GzipWriterError(path: path, message: "cannot initialise deflate (zlib status \(status))")
        }
        self.stream = stream
        descriptor = fd
    }

    deinit {
        // An abandoned writer (an error part-way) still releases zlib's memory and the descriptor;
        // the file it leaves is truncated, which gunzip reports as such.
        if !finished { deflateEnd(stream) }
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard !finished else { throw GzipWriterError(path: path, message: "write after close") }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        uncompressedCount += buffer.count
        // avail_in is a 32-bit count: feed very large buffers in slices.
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(count)
            try deflateAvailable(flush: Z_NO_FLUSH)
            offset += count
        }
    }

    /// Finishes the gzip stream and closes the file. Calling it twice is harmless.
    public func close() throws {
        guard !finished else { return }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try deflateAvailable(flush: Z_FINISH)
        deflateEnd(stream)
        finished = true
        let fd = descriptor
        descriptor = -1
        if Foundation.close(fd) != 0 {
            throw GzipWriterError(path: path, message: "cannot close file: \(String(cString: strerror(errno)))")
        }
    }

    /// Runs deflate until it has consumed all pending input (and, for Z_FINISH, written the
    /// trailer), writing each filled output chunk to the file.
    private func deflateAvailable(flush: Int32) throws {
        while true {
            let (status, outputFull): (Int32, Bool) = try output.withUnsafeMutableBytes { out in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                let status = deflate(stream, flush)
                // Z_BUF_ERROR only means "no progress possible now", which is not fatal.
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw GzipWriterError(path: path, message: "deflate failed (zlib status \(status))")
                }
                let produced = out.count - Int(stream.pointee.avail_out)
                try writeAll(UnsafeRawBufferPointer(rebasing: out[0..<produced]))
                return (status, stream.pointee.avail_out == 0)
            }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.pointee.avail_in == 0 && !outputFull {
                return
            }
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw GzipWriterError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        compressedCount += bytes.count
    }
}

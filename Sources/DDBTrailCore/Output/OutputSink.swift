// `stdout` is a C global; the preconcurrency import lets Swift 6 code take its address.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import DDBTrailSQLite

// MARK: - Sinks

/// Where rendered output goes. Core never writes to the terminal by itself; the CLI hands
/// it a sink.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
    /// Writes bytes that are valid UTF-8. The default turns them into a `String`; file sinks
    /// write them as they are.
    func write(utf8 bytes: UnsafeBufferPointer<UInt8>)
    /// Pushes out anything the sink buffers itself. The default does nothing.
    func flush()
}

extension OutputSink {
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        write(String(decoding: bytes, as: UTF8.self))
    }

    public func flush() {}
}

/// Collects everything in memory; for tests and small outputs.
public final class StringOutputSink: OutputSink {
    public private(set) var text = ""

    public init() {}

    public func write(_ text: String) { self.text += text }
}

public enum OutputSinkError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "cannot open '\(path)' for writing: \(String(cString: strerror(code)))"
        case .writeFailed(let path, let code):
            return "write to '\(path)' failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Writes through a C `FILE*` (which buffers) and remembers the first failure, so a full disk
/// or closed pipe is reported instead of producing a silently short export.
private struct CFileWriter {
    let file: UnsafeMutablePointer<FILE>
    let name: String
    var error: OutputSinkError?

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard error == nil, let base = bytes.baseAddress, bytes.count > 0 else { return }
        if fwrite(base, 1, bytes.count, file) != bytes.count {
            error = .writeFailed(path: name, errno: errno)
        }
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    mutating func flush() {
        guard error == nil else { return }
        if fflush(file) != 0 { error = .writeFailed(path: name, errno: errno) }
    }
}

/// Writes to a file, created or truncated on open.
public final class FileOutputSink: OutputSink {
    private var writer: CFileWriter
    private var isClosed = false
    public let path: String

    public init(path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw OutputSinkError.cannotOpen(path: path, errno: errno)
        }
        self.path = path
        writer = CFileWriter(file: file, name: path)
        // A large stdio buffer: exports are written in ~64 KB pieces anyway.
        setvbuf(file, nil, _IOFBF, 1 << 16)
    }

    deinit {
        if !isClosed { fclose(writer.file) }
    }

    /// The first write error, if any.
    public var error: OutputSinkError? { writer.error }

    public func write(_ text: String) { writer.write(text) }
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { writer.write(bytes) }
    public func flush() { writer.flush() }

    /// Flushes and closes the file; throws if any write or the close failed.
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        writer.flush()
        if fclose(writer.file) != 0, writer.error == nil {
            writer.error = .writeFailed(path: path, errno: errno)
        }
        if let error = writer.error { throw error }
    }
}

/// Writes to the process's standard output through the C `stdout` stream, so it stays in
/// order with anything else written there.
public final class StandardOutputSink: OutputSink {
    private var writer: CFileWriter

    public init() {
        writer = CFileWriter(file: stdout, name: "<stdout>")
    }

    /// The first write error, if any (for example a closed pipe).
    public var error: OutputSinkError? { writer.error }

    public func write(_ text: String) { writer.write(text) }
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { writer.write(bytes) }
    public func flush() { writer.flush() }
}

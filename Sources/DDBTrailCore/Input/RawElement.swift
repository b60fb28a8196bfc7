#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Anything that yields decompressed bytes in chunks.
protocol ByteReading: AnyObject {
    func read(into buffer: inout [UInt8], maximum: Int) throws -> Int
}

extension ByteSource: ByteReading {}

/// Bytes already in memory (tests, and sniffing a file's head).
final class MemoryBytes: ByteReading {
    private let bytes: [UInt8]
    private var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(into buffer: inout [UInt8], maximum: Int) throws -> Int {
        let n = min(maximum, bytes.count - position)
        buffer.append(contentsOf: bytes[position..<position + n])
        position += n
        return n
    }
}

/// One top-level element of an input: the byte-exact text of a record candidate and where it was.
public struct RawElement: Sendable {
    public var bytes: [UInt8]
    /// Offset of the first byte in the decompressed input.
    public var offset: Int64
    /// 0-based position among the elements of the input.
    public var index: Int
    /// 1-based line number, for line-oriented inputs.
    public var line: Int?
}

/// How an input is cut into elements.
public enum Layout: Sendable, Equatable {
    /// One or more JSON values. A top-level array yields its elements; a top-level object
    /// yields the elements of its first array member named in `containers`, or else itself.
    case document(containers: [String])
    /// One element per non-blank line. With `stripPrefix`, text before the first `{` of a line
    /// (a CloudWatch Logs export timestamp) is not part of the element.
    case lines(stripPrefix: Bool)
}

public enum SplitItem: Sendable {
    case element(RawElement)
    /// The input could not be cut further at `offset`; everything before was delivered.
    case damage(offset: Int64, message: String)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches for the scanners' hot loops, most of them word at a time (eight bytes per step).
enum ByteScan {
    /// Whether two strings have the same UTF-8 bytes (DynamoDB compares names and strings by
    /// bytes; `==` compares canonical equivalence, and `utf8.elementsEqual` a byte at a time).
    static func sameUTF8(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        // In place (no copy of either string); bridged strings, which have no contiguous bytes, go a byte at a time.
        return a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in count == 0 || memcmp(x.baseAddress!, y.baseAddress!, count) == 0 }
        }.flatMap { $0 } ?? a.utf8.elementsEqual(b.utf8)
    }

    /// Whether two byte arrays are equal, compared with memcmp.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.isEmpty || a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { memcmp(x.baseAddress!, $0.baseAddress!, x.count) == 0 } })
    }

    /// Whether `needle` occurs in `text`, comparing bytes (a plain search, for short texts).
    static func contains(_ text: String, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        var text = text
        return text.withUTF8 { b in
            guard let first = n.first else { return true }
            guard n.count <= b.count else { return false }
            for i in 0...(b.count - n.count) where b[i] == first {
                if (1..<n.count).allSatisfy({ b[i + $0] == n[$0] }) { return true }
            }
            return false
        }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `w` equal to `byte`; the lowest set bit is always exact.
    @inline(__always) static func equal(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// Index of the first `"` or `\` at or after `from`, or `b.count`.
    @inline(__always) static func quoteOrBackslash(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var j = from
        let n = b.count
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= n {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                let hit = equal(w, 0x22) | equal(w, 0x5C)
                if hit != 0 { return j + hit.trailingZeroBitCount >> 3 }
                j += 8
            }
        }
        while j < n, b[j] != 0x22, b[j] != 0x5C { j += 1 }
        return j
    }

    /// Whether `bytes` are valid UTF-8, without copying them: ASCII eight bytes at a time, and
    /// the standard library's validation from the first byte with its high bit set.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var j = 0
            if let base = b.baseAddress {
                let raw = UnsafeRawPointer(base)
                while j + 8 <= b.count, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) & highs == 0 {
                    j += 8
                }
            }
            while j < b.count, b[j] < 0x80 { j += 1 }
            if j == b.count { return true }
            // Back to the start of a possible sequence (a non-ASCII byte follows ASCII here, so j is one).
            return String(validating: UnsafeBufferPointer(rebasing: b[j...]), as: UTF8.self) != nil
        }
    }

    /// Index of the first byte at or after `from` that a JSON string cannot pass over quickly:
    /// `"`, `\`, a control character or a non-ASCII byte; or `end`.
    @inline(__always) static func stringSpecial(_ b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        var j = from
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= end {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                // Bytes below 0x20 (exact while no byte has its high bit set, which `w & highs` catches).
                let control = (w &- ones &* 0x20) & ~w & highs
                let hit = equal(w, 0x22) | equal(w, 0x5C) | control | (w & highs)
                if hit != 0 { return j + hit.trailingZeroBitCount >> 3 }
                j += 8
            }
        }
        while j < end {
            let c = b[j]
            if c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 { return j }
            j += 1
        }
        return end
    }
}

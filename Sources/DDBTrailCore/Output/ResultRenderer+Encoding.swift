extension ResultRenderer {
    // MARK: - Encoding helpers

    /// UTF-8 repair, so TEXT that is not UTF-8 is repaired once and then copied byte for byte.
    enum UTF8Bytes {
        /// `bytes` itself when it is valid UTF-8 (no copy), otherwise its decoding with every
        /// invalid sequence replaced by U+FFFD.
        static func valid(_ bytes: [UInt8]) -> [UInt8] {
            if ByteScan.isValidUTF8(bytes) { return bytes }
            return Array(String(decoding: bytes, as: UTF8.self).utf8)
        }
    }

    enum NumberText {
        /// Two lowercase hex digits for a value below 256.
        static func hex(_ value: UInt32) -> String { hexString([UInt8(truncatingIfNeeded: value)]) }

        /// Decimal digits of an integer, without going through `String`.
        static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
            let start = out.count
            var magnitude = value.magnitude
            repeat {
                out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
                magnitude /= 10
            } while magnitude != 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out[start...].reverse()
        }

        /// The shortest text that reads back as the same Double ("0.1", "1e+20"); infinities as
        /// `Inf`/`-Inf` and NaN as `NaN`, as the sqlite3 shell writes them.
        static func realText(_ value: Double) -> String {
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
            return value.description
        }

        static func appendReal(_ value: Double, to out: inout [UInt8]) {
            out.append(contentsOf: realText(value).utf8)
        }
    }

    enum JSONText {
        static let null: [UInt8] = Array("null".utf8)

        /// A JSON string literal for valid UTF-8 bytes (`JSONWriter`'s escaping).
        static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
            bytes.withUnsafeBufferPointer { JSONWriter.appendString($0, to: &out) }
        }
    }
}

import DDBTrailSQLite

extension ResultRenderer {
    // MARK: - Encoding helpers

    /// UTF-8 validation, so TEXT that is not UTF-8 is repaired once and then copied byte for byte.
    enum UTF8Bytes {
        /// `bytes` itself when it is valid UTF-8 (no copy), otherwise its decoding with every
        /// invalid sequence replaced by U+FFFD.
        static func valid(_ bytes: [UInt8]) -> [UInt8] {
            if bytes.withUnsafeBufferPointer(isValid) { return bytes }
            return Array(String(decoding: bytes, as: UTF8.self).utf8)
        }

        /// Well-formed UTF-8 per the Unicode standard (table 3-7): no overlong forms,
        /// surrogates or code points above U+10FFFF.
        static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            let count = bytes.count
            while index < count {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                // Length of the sequence and the allowed range of its second byte.
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return false
                }
                guard index + length <= count else { return false }
                let second = bytes[index + 1]
                guard second >= low, second <= high else { return false }
                for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                    return false
                }
                index += length
            }
            return true
        }
    }

    enum NumberText {
        private static let hexDigits: [Character] = Array("0123456789abcdef")

        /// Two lowercase hex digits for a value below 256.
        static func hex(_ value: UInt32) -> String {
            String(hexDigits[Int(value >> 4 & 0xF)]) + String(hexDigits[Int(value & 0xF)])
        }

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
        private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        /// A JSON string literal for valid UTF-8 bytes. Escapes `"`, `\` and control characters
        /// below U+0020; everything else, including `/` and non-ASCII, is copied as is.
        static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
            out.append(UInt8(ascii: "\""))
            bytes.withUnsafeBufferPointer { source in
                var runStart = 0
                for index in 0..<source.count {
                    let byte = source[index]
                    let special = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    guard special else { continue }
                    if runStart < index {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                    }
                    out.append(UInt8(ascii: "\\"))
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    default:
                        out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                                hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                    }
                    runStart = index + 1
                }
                if runStart < source.count {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

}

/// Decimal numbers as DynamoDB writes them (`N` values, epoch times): read, put in canonical
/// form and compared as text, never through `Double`, so no digit is lost.
public enum DecimalText {
    /// A DynamoDB number in canonical decimal notation, or nil if the text is not a number.
    public static func normalise(_ text: String) -> String? {
        isCanonical(text) ? text : rewrite(text)
    }

    /// `normalise` for text that is not already canonical.
    static func rewrite(_ text: String) -> String? {
        var b = Array(text.trimmingWhitespace.utf8)
        guard !b.isEmpty else { return nil }
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { negative = b[0] == UInt8(ascii: "-"); b.removeFirst() }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var i = 0
        while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: ".") {
            if b[i] == UInt8(ascii: ".") {
                guard pointPosition == nil else { return nil }
                pointPosition = digits.count
            } else { digits.append(b[i]) }
            i += 1
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        if i < b.count {
            guard b[i] | 0x20 == UInt8(ascii: "e") else { return nil }
            i += 1
            guard let e = Int(String(decoding: b[i...], as: UTF8.self)), abs(e) < 1000 else { return nil }
            exponent = e
            i = b.count
        }
        // value = 0.digits × 10^(intDigits + exponent)
        var intDigits = (pointPosition ?? digits.count) + exponent
        while let first = digits.first, first == 48 { digits.removeFirst(); intDigits -= 1 }
        while let last = digits.last, last == 48 { digits.removeLast() }
        if digits.isEmpty { return "0" }
        var out: String
        let d = String(decoding: digits, as: UTF8.self)
        if intDigits <= 0 {
            out = "0." + String(repeating: "0", count: -intDigits) + d
        } else if intDigits >= digits.count {
            out = d + String(repeating: "0", count: intDigits - digits.count)
        } else {
            let idx = d.index(d.startIndex, offsetBy: intDigits)
            out = d[..<idx] + "." + d[idx...]
        }
        return negative ? "-" + out : out
    }

    /// True when `normalise` would return the text unchanged (the common case, checked
    /// without building anything): an optional `-`, then `0` or digits without leading zeros,
    /// then optionally `.` and digits not ending in `0`; never `-0`.
    static func isCanonical(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { b -> Bool in
            var i = 0
            let negative = b.first == 0x2D
            if negative { i = 1 }
            let integerStart = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            let integerDigits = i - integerStart
            guard integerDigits > 0, integerDigits == 1 || b[integerStart] != 0x30 else { return false }
            if i == b.count { return !(negative && integerDigits == 1 && b[integerStart] == 0x30) }
            guard b[i] == 0x2E else { return false }
            i += 1
            let fractionStart = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i == b.count && i > fractionStart && b[i - 1] != 0x30
        } ?? false
    }

    /// Numeric order of two canonical decimals (as produced by `normalise`);
    /// anything else sorts after the numbers, by text.
    static func less(_ a: String, _ b: String) -> Bool {
        let pa = DecimalParts(a), pb = DecimalParts(b)
        guard let x = pa, let y = pb else {
            if pa != nil { return true }
            if pb != nil { return false }
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        if x.negative != y.negative { return x.negative }
        let magnitudeLess: Bool
        if x.integer.count != y.integer.count {
            magnitudeLess = x.integer.count < y.integer.count
        } else if x.integer != y.integer {
            magnitudeLess = x.integer.lexicographicallyPrecedes(y.integer)
        } else if x.fraction != y.fraction {
            magnitudeLess = x.fraction.lexicographicallyPrecedes(y.fraction)
        } else {
            return false
        }
        return x.negative ? !magnitudeLess : magnitudeLess
    }

    private struct DecimalParts {
        var negative: Bool
        var integer: [UInt8]   // no leading zeros; empty for zero
        var fraction: [UInt8]  // no trailing zeros

        init?(_ canonical: String) {
            var bytes = Array(canonical.utf8)
            negative = bytes.first == UInt8(ascii: "-")
            if negative { bytes.removeFirst() }
            guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }) else { return nil }
            if let point = bytes.firstIndex(of: UInt8(ascii: ".")) {
                integer = Array(bytes[..<point])
                fraction = Array(bytes[(point + 1)...])
            } else {
                integer = bytes
                fraction = []
            }
            while integer.first == 48 { integer.removeFirst() }
            while fraction.last == 48 { fraction.removeLast() }
        }
    }

    /// `digits[.digits]` with at most 18 whole digits, read without building a string: the
    /// whole part and the fraction digits (trailing zeros kept; they add nothing to the value).
    /// Nil for anything else (the caller's general path reads it).
    static func plain(_ text: String) -> (whole: Int64, fraction: [UInt8])? {
        var text = text
        return text.withUTF8 { b -> (whole: Int64, fraction: [UInt8])? in
            var whole: Int64 = 0
            var i = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                guard i < 18 else { return nil }
                whole = whole * 10 + Int64(b[i] - 48)
                i += 1
            }
            guard i > 0 else { return nil }
            if i == b.count { return (whole, []) }
            guard b[i] == UInt8(ascii: "."), i + 1 < b.count else { return nil }
            let fraction = Array(b[(i + 1)...])
            return fraction.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? (whole, fraction) : nil
        }
    }
}

/// Instants in microseconds since the epoch (change records carry seconds, milliseconds or
/// microseconds), read exactly and written in `Timestamp`'s UTC form.
extension Timestamp {
    /// Whole seconds of an instant in microseconds, rounded down (also before 1970).
    static func seconds(fromMicros micros: Int64) -> Int64 {
        micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    }

    enum EpochUnit { case seconds, milliseconds, microseconds }

    /// Microseconds since the epoch of a decimal number of seconds, milliseconds (≥ 1e11) or
    /// microseconds (≥ 1e15), read exactly (never through `Double`). Nil for negatives and non-numbers.
    static func epochMicros(_ text: String) -> (micros: Int64, unit: EpochUnit)? {
        guard let first = text.utf8.first, (first >= 48 && first <= 57) || first == UInt8(ascii: ".") else { return nil }
        let whole: Int64
        let fraction: [UInt8]
        if let plain = DecimalText.plain(text) {
            (whole, fraction) = plain
        } else {
            // Exponents, signs and the like: through the decimal normaliser.
            guard let canonical = DecimalText.normalise(text), !canonical.hasPrefix("-") else { return nil }
            let parts = canonical.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0].count <= 18, let w = Int64(parts[0]) else { return nil }
            (whole, fraction) = (w, parts.count > 1 ? Array(parts[1].utf8) : [])
        }
        func digits(_ n: Int) -> Int64 {
            var v: Int64 = 0
            for i in 0..<n { v = v * 10 + Int64(i < fraction.count ? fraction[i] - 48 : 0) }
            return v
        }
        if whole >= 1_000_000_000_000_000 { return (whole, .microseconds) }
        if whole >= 100_000_000_000 {
            let (m, overflow) = whole.multipliedReportingOverflow(by: 1000)
            return overflow ? nil : (m + digits(3), .milliseconds)
        }
        return (whole * 1_000_000 + digits(6), .seconds)
    }

    /// Microseconds since the epoch of an ISO 8601 time (any offset), with the number of
    /// fraction digits it was written with.
    static func isoMicros(_ text: String) -> (micros: Int64, fractionDigits: Int)? {
        guard let seconds = Timestamp.epochSeconds(text) else { return nil }
        let b = Array(text.utf8)
        var fraction: [UInt8] = []
        if let t = b.indices.first(where: { $0 >= 8 && (b[$0] == UInt8(ascii: "T") || b[$0] == UInt8(ascii: "t") || b[$0] == 0x20) }),
           let dot = b[t...].firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }) {
            var i = dot + 1
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction.append(b[i]); i += 1 }
        }
        var micros: Int64 = 0
        for i in 0..<6 { micros = micros * 10 + Int64(i < fraction.count ? fraction[i] - 48 : 0) }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        return (scaled + micros, fraction.count)
    }

    /// Normalised UTC text of an instant in microseconds: a fraction only when non-zero, in
    /// milliseconds when that is exact, else in microseconds.
    static func format(micros: Int64) -> String {
        let seconds = Self.seconds(fromMicros: micros)
        let sub = Int(micros - seconds * 1_000_000)
        var fraction = ""
        if sub != 0 {
            let six = String(sub)
            fraction = String(repeating: "0", count: 6 - six.count) + six
            if fraction.hasSuffix("000") { fraction.removeLast(3) }
        }
        return Timestamp.format(epochSeconds: seconds, fraction: fraction)
    }
}

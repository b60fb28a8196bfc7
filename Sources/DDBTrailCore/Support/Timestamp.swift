/// UTC timestamps in the one form ddbtrail stores and prints: `YYYY-MM-DDTHH:MM:SSZ`, with a
/// fraction only when the source had a non-zero one (`…:SS.123Z`).
public enum Timestamp {
    /// Parses the time spellings found in evidence: ISO 8601 extended or basic, `Z` or a numeric
    /// offset (`+0000`, `+11:00`), a space instead of `T`, fractions up to nanoseconds, and epoch
    /// seconds or milliseconds given as numbers. Returns nil for anything else.
    public static func normalise(_ text: String) -> String? {
        if isCanonical(text) { return text }
        let t = text.trimmingWhitespace
        if !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(t) {
            return fromEpoch(value)
        }
        return parseISO(Array(t.utf8))
    }

    /// Fast path for CloudTrail's own form `YYYY-MM-DDTHH:MM:SSZ` with plausible fields.
    static func isCanonical(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            guard b.count == 20, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 90 else { return false }
            for k in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where b[k] < 48 || b[k] > 57 { return false }
            func two(_ k: Int) -> Int { Int(b[k] - 48) * 10 + Int(b[k + 1] - 48) }
            let (month, day) = (two(5), two(8))
            guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: two(0) * 100 + two(2)),
                  two(11) < 24, two(14) < 60, two(17) < 60 else { return false }
            return true
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func normalise(_ json: JSON?) -> String? {
        switch json {
        case .string(let s)?: return normalise(s)
        case .number(let n)?: return Double(n).flatMap(fromEpoch)
        default: return nil
        }
    }

    /// Epoch seconds, or milliseconds when the magnitude says so (after year 5138 in seconds).
    public static func fromEpoch(_ value: Double) -> String? {
        guard value.isFinite, value >= 0 else { return nil }
        var seconds = value
        if seconds > 1e14 { seconds /= 1e6 } else if seconds > 1e11 { seconds /= 1e3 }
        let whole = Int64(seconds.rounded(.down))
        let millis = Int((seconds - Double(whole)) * 1000 + 0.5)
        return format(epochSeconds: whole, fraction: millis == 0 ? "" : pad(min(millis, 999), 3))
    }

    public static func format(epochSeconds: Int64, fraction: String = "") -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400
        let secondOfDay = epochSeconds - days * 86400
        let (y, m, d) = civil(fromDays: days)
        // Written byte by byte (this runs once per imported record); the year as `pad` spells it.
        var out = Array(pad(Int(y), 4).utf8)
        func field(_ separator: UInt8, _ v: Int) {   // every field but the year has two digits
            out.append(separator)
            out.append(UInt8(48 + v / 10))
            out.append(UInt8(48 + v % 10))
        }
        field(0x2D, m)
        field(0x2D, d)
        field(0x54, Int(secondOfDay / 3600))
        field(0x3A, Int(secondOfDay % 3600 / 60))
        field(0x3A, Int(secondOfDay % 60))
        if !fraction.isEmpty { out.append(0x2E); out += fraction.utf8 }
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Seconds since the epoch of a normalised (or any parseable) timestamp.
    public static func epochSeconds(_ text: String) -> Int64? {
        guard let n = normalise(text) else { return nil }
        let b = Array(n.utf8)
        func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 48) } }
        let days = days(fromCivil: Int64(num(0..<4)), num(5..<7), num(8..<10))
        return days * 86400 + Int64(num(11..<13) * 3600 + num(14..<16) * 60 + num(17..<19))
    }

    private static func parseISO(_ b: [UInt8]) -> String? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var v = 0
            for k in i..<(i + count) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += count
            return v
        }
        func skip(_ c: UInt8) -> Bool { if i < b.count && b[i] == c { i += 1; return true }; return false }
        guard let year = digits(4) else { return nil }
        let extended = skip(UInt8(ascii: "-"))
        guard let month = digits(2) else { return nil }
        if extended { guard skip(UInt8(ascii: "-")) else { return nil } }
        guard let day = digits(2) else { return nil }
        guard skip(UInt8(ascii: "T")) || skip(UInt8(ascii: " ")) || skip(UInt8(ascii: "t")) else { return nil }
        guard let hour = digits(2) else { return nil }
        if extended { guard skip(UInt8(ascii: ":")) else { return nil } } else { _ = skip(UInt8(ascii: ":")) }
        guard let minute = digits(2) else { return nil }
        var second = 0
        if extended ? skip(UInt8(ascii: ":")) : (i < b.count && b[i] >= 48 && b[i] <= 57) {
            guard let s = digits(2) else { return nil }
            second = s
        }
        var fraction = ""
        if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
            fraction = String(decoding: b[start..<min(i, start + 3)], as: UTF8.self)
            while fraction.count < 3 { fraction += "0" }
            if fraction == "000" { fraction = "" }
        }
        while i < b.count, b[i] == 0x20 { i += 1 }
        var offsetSeconds = 0
        if skip(UInt8(ascii: "Z")) || skip(UInt8(ascii: "z")) {
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = skip(UInt8(ascii: ":"))
            let om = digits(2) ?? 0
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else if i < b.count, b[i] == UInt8(ascii: "U") {
            guard b[i...].elementsEqual("UTC".utf8) else { return nil }
            i += 3
        }
        guard i == b.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61 else { return nil }
        let days = days(fromCivil: Int64(year), month, day)
        let epoch = days * 86400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        return format(epochSeconds: epoch, fraction: fraction)
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    package static func days(fromCivil year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    package static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

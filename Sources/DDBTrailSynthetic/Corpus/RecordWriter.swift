import DDBTrailCore

/// A byte buffer for writing CloudTrail records and other JSON by hand (the generators' only JSON
/// writer). `raw` appends trusted JSON fragments as they are; `string` writes a JSON string with
/// Core's escaping (`appendJSONString`), so generated text escapes exactly as ddbtrail's own output.
struct RecordWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// A quoted, escaped JSON string.
    mutating func string(_ text: String) { appendJSONString(text, to: &bytes) }

    mutating func int(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        padded(Int(value.magnitude), width: 1)
    }

    /// A non-negative number, zero-padded to `width` digits.
    mutating func padded(_ value: Int, width: Int) {
        var digits = 1, limit = 10
        while value >= limit && digits < 18 { digits += 1; limit *= 10 }
        digits = max(digits, width)
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var v = value, i = end - 1
        while v > 0 { bytes[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; i -= 1 }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (unquoted), CloudTrail's eventTime format.
    mutating func isoTime(_ time: Int) { raw(UTC.iso(time)) }

    /// Java's `MMM d, yyyy, h:mm:ss a` (unquoted), the style of dates inside responseElements.
    mutating func javaTime(_ time: Int) {
        let c = UTC.components(time)
        raw(UTC.monthNames[c.month - 1]); byte(UInt8(ascii: " "))
        int(c.day); raw(", "); int(c.year); raw(", ")
        int(c.hour % 12 == 0 ? 12 : c.hour % 12); byte(UInt8(ascii: ":"))
        padded(c.minute, width: 2); byte(UInt8(ascii: ":"))
        padded(c.second, width: 2)
        raw(c.hour < 12 ? " AM" : " PM")
    }
}

/// STS `expiration` times, which CloudTrail writes in whatever form the caller's SDK used.
extension Timestamp {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The UTC ISO 8601 form of an STS `expiration`: ISO 8601 and epoch numbers as `Timestamp`
    /// reads them, and Java's `MMM d, yyyy[,] h:mm:ss a` ("Nov 3, 2026, 1:02:11 PM",
    /// "Jul 18, 2014 4:07:39 PM"; newer JDKs put U+202F before AM/PM) or the same with a 24-hour
    /// clock and no marker. CloudTrail renders these in UTC (an AssumeRole at 01:02:11Z for 12
    /// hours expires "Nov 3, 2026, 1:02:11 PM"). Nil when the text is none of these.
    public static func normaliseExpiration(_ text: String) -> String? {
        if let iso = Timestamp.normalise(text) { return iso }
        // Split on scalars, not Characters: grapheme breaking made this a fifth of the end of an
        // import with many STS calls. Every token is short, so each String is stored inline.
        // ASCII is decided without Unicode's property tables (looking them up was most of the rest).
        let tokens = text.unicodeScalars.split { c in
            c.isASCII ? c == "," || c == " " || (c.value >= 0x09 && c.value <= 0x0D) : c.properties.isWhitespace
        }.map { String($0).lowercased() }
        guard tokens.count == 4 || tokens.count == 5 else { return nil }
        guard let month = months.firstIndex(where: { tokens[0].hasPrefix($0) }).map({ $0 + 1 }),
              let day = Int(tokens[1]), let year = Int(tokens[2]), (1...9999).contains(year),
              day >= 1, day <= Timestamp.daysIn(month: month, year: year)
        else { return nil }
        let clock = tokens[3].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard clock.count == 3, let h = clock[0], let minute = clock[1], let second = clock[2],
              (0...59).contains(minute), (0...59).contains(second) else { return nil }
        var hour = h
        if tokens.count == 5 {
            let marker = tokens[4].filter { $0 != "." }
            guard (1...12).contains(h), marker == "am" || marker == "pm" else { return nil }
            hour = h % 12 + (marker == "pm" ? 12 : 0)
        } else {
            guard (0...23).contains(h) else { return nil }
        }
        let days = Timestamp.days(fromCivil: Int64(year), month, day)
        return Timestamp.format(epochSeconds: days * 86_400 + Int64(hour * 3_600 + minute * 60 + second))
    }
}

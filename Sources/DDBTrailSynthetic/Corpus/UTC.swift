import DDBTrailCore

/// Times of generated evidence, in Unix seconds, written the way CloudTrail names and dates
/// things. The calendar arithmetic is Core's `Timestamp` (proleptic Gregorian, after
/// H. Hinnant's days-from-civil algorithms), so no DateFormatter or time zone is involved.
enum UTC {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func seconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int {
        Int(Timestamp.days(fromCivil: Int64(year), month, day)) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// The civil fields of a time, for the spellings `Timestamp` has no form for (`javaTime`).
    static func components(_ time: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
        let secondOfDay = time - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: Int64(days))
        return (Int(year), month, day, secondOfDay / 3_600, secondOfDay % 3_600 / 60, secondOfDay % 60)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, CloudTrail's eventTime format (and ddbtrail's).
    static func iso(_ time: Int) -> String { Timestamp.format(epochSeconds: Int64(time)) }

    /// `YYYY/MM/DD`, the date folders of the S3 key layout.
    static func folder(_ time: Int) -> String {
        String(iso(time).prefix(10).map { $0 == "-" ? "/" : $0 })
    }

    /// `YYYYMMDDTHHmmZ` (log file names) or `YYYYMMDDTHHmmssZ` (digest file names).
    static func compact(_ time: Int, seconds withSeconds: Bool) -> String {
        iso(time).prefix(withSeconds ? 19 : 16).filter { $0 != "-" && $0 != ":" } + "Z"
    }
}

import DDBTrailSQLite

/// Derives `credential_grants` (one row per STS call that issued credentials) and
/// `console_logins` (one row per ConsoleLogin) from the stored CloudTrail records.
///
/// Runs inside the import's final transaction, after every file is written. Incremental: only
/// events with an id above `identity_derivation.last_event_id` are read, through the partial
/// index `events_by_identity_call`, so an import that adds no STS or sign-in events costs two
/// index probes. Each row depends on its own event only and `event_id` is UNIQUE, so re-imports
/// add nothing and the rows are the same whatever order the files came in.
///
/// The SELECTs live in `queries/identity-credential-grants.sql` and
/// `queries/identity-console-logins.sql`; their declared columns are the target columns.
public enum CredentialGrants {
    public struct Derived: Sendable, Equatable {
        public var grants = 0
        public var consoleLogins = 0
    }

    /// Derives rows from the events imported since the last derivation.
    @discardableResult
    public static func derive(_ db: Database) throws -> Derived {
        var derived = Derived()
        let after = try db.scalar("SELECT last_event_id FROM identity_derivation WHERE id = 1").int64Value ?? 0
        let last = try db.scalar("SELECT coalesce(max(id), 0) FROM events").int64Value ?? 0
        guard last > after else { return derived }

        derived.grants = try insert(into: "credential_grants", from: "identity-credential-grants", after: after, db)
        derived.consoleLogins = try insert(into: "console_logins", from: "identity-console-logins", after: after, db)

        try db.run("UPDATE identity_derivation SET last_event_id = ? WHERE id = 1", [.integer(last)])
        return derived
    }

    /// `INSERT OR IGNORE INTO table (declared columns) <query>`: the query's header names the columns.
    private static func insert(into table: String, from queryName: String, after: Int64, _ db: Database) throws -> Int {
        guard let query = QueryFile.embedded(queryName), !query.columns.isEmpty else {
            throw QueryError("embedded query \(queryName) is missing")
        }
        let statement = try db.cached("INSERT OR IGNORE INTO \(table) (\(query.columns.joined(separator: ", ")))\n" + query.sql)
        try statement.bind(named: ["after": .integer(after)])
        try statement.run()
        return db.changes
    }

    // MARK: - Expiration times

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

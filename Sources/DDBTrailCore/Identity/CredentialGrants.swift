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
}

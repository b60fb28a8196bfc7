import DDBTrailSQLite

/// Opening a case database: read-write with migrations for imports, read-only for queries.
public enum CaseDatabase {
    public struct NotACase: Error, CustomStringConvertible {
        public let description: String
    }

    /// Migrations embedded from `schema/NNN-name.sql`, in order.
    static var migrations: [(version: Int, path: String, sql: String)] {
        Embedded.files(under: "schema").compactMap { file in
            let name = file.path.split(separator: "/").last.map(String.init) ?? ""
            guard let version = Int(name.prefix(while: \.isNumber)) else { return nil }
            return (version, file.path, file.text)
        }.sorted { $0.version < $1.version }
    }

    public static var schemaVersion: Int { migrations.last?.version ?? 0 }

    /// Opens (creating if needed) for writing and applies pending migrations, each in a transaction.
    public static func openForImport(path: String) throws -> Database {
        let db = try Database(path: path, mode: .readWriteCreate)
        if try db.userVersion == 0 {
            // Records are ~1-2 KB: with 4 KB pages only one fits per page; 16 KB pages waste little.
            try db.execute("PRAGMA page_size = 16384")
        }
        // A rollback journal, not WAL: pages appended by an import (most of them) are written
        // once, where WAL writes every page twice (log, then checkpoint). The database is a
        // single file once the import ends. Queries run during an import wait for its commits.
        try db.execute("PRAGMA journal_mode = DELETE")
        try db.execute("PRAGMA busy_timeout = 60000")
        // OFF: a killed process leaves a consistent database (SQLite has handed every write to the
        // OS); only an OS crash or power loss mid-import could damage it. `finishImport` syncs.
        try db.execute("PRAGMA synchronous = OFF")
        try db.execute("PRAGMA cache_size = -98304")
        // Temporary data (attribution's sorts) on disk, not in memory: it can exceed the cache.
        try db.execute("PRAGMA temp_store = FILE")
        try defineFunctions(db)
        let current = try db.userVersion
        if current > schemaVersion {
            throw NotACase(description: "\(path): case database schema version \(current) is newer than this ddbtrail (\(schemaVersion)); upgrade ddbtrail")
        }
        for migration in migrations where migration.version > current {
            try db.transaction {
                try db.execute(migration.sql)
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
        return db
    }

    /// SQL functions every case connection has (the derivation queries use them; so may users).
    static func defineFunctions(_ db: Database) throws {
        // `ddbtrail_utc(text)`: a time as UTC ISO 8601 (ISO 8601, epoch numbers and STS's Java
        // dates such as "Nov 3, 2026, 1:02:11 PM"), or the text unchanged when it is none of these.
        try db.defineFunction("ddbtrail_utc") { Timestamp.normaliseExpiration($0) ?? $0 }
        // `event_record(events.id)`, `change_record(changes.id)`: the record's exact bytes, read
        // from the evidence file the case keeps (or event_texts/change_texts).
        let files = StoredFiles(db: db)
        try db.defineFunction("event_record", integer: { try files.record(.event, id: $0) })
        try db.defineFunction("change_record", integer: { try files.record(.change, id: $0) })
    }

    /// Makes an import durable: its commits ran without syncing, so one fsync of the file.
    public static func finishImport(_ db: Database) throws {
        if let errno = db.syncFile() {
            throw NotACase(description: "\(db.path): could not sync the case database to disk (errno \(errno))")
        }
    }

    /// Opens an existing case read-only (query commands never change evidence).
    public static func openForQuery(path: String) throws -> Database {
        guard access(path) else {
            throw NotACase(description: "\(path): no case database here; run `ddbtrail import --db \(path) EVIDENCE…` first")
        }
        let db = try Database(path: path, mode: .readOnly)
        let version: Int
        do {
            version = try db.userVersion
        } catch let error as SQLiteError where error.code == 776 /* SQLITE_READONLY_ROLLBACK */ {
            // A killed import left its last transaction half written; queries never write, so
            // they cannot roll it back.
            throw NotACase(description: "\(path): an import into this case was interrupted and its last transaction must be rolled back first: re-run the same `ddbtrail import --db \(path) …`, which does that and completes the import")
        }
        if version == 0 {
            throw NotACase(description: "\(path): not a ddbtrail case database (schema version 0)")
        }
        if version > schemaVersion {
            throw NotACase(description: "\(path): case database schema version \(version) is newer than this ddbtrail (\(schemaVersion))")
        }
        // Queries may name any table of the current schema; a query command cannot migrate (it
        // opens the case read-only), an import does.
        if version < schemaVersion {
            throw NotACase(description: "\(path): case database schema version \(version) is older than this ddbtrail (\(schemaVersion)): re-run `ddbtrail import --db \(path)` on any of its evidence (files already in the case are skipped), which brings it up to date")
        }
        try defineFunctions(db)
        return db
    }

    private static func access(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

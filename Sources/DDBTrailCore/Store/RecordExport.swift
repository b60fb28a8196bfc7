import DDBTrailSQLite

/// Record text for tools that do not have ddbtrail's SQL functions: writes the exact bytes of a
/// slice of events and change records into a separate SQLite file, to ATTACH beside the case
/// (`event_records(id, raw)`, `change_records(id, raw)`, ids as in events and changes).
public enum RecordExport {
    public struct Counts: Sendable { public var events = 0; public var changes = 0 }

    /// `eventFilter`/`changeFilter`: SQL conditions on `events e` / `changes c` (nil: none of that kind).
    public static func write(from db: Database, to path: String, eventFilter: String?, changeFilter: String?) throws -> Counts {
        let out = try Database(path: path, mode: .readWriteCreate)
        try out.execute("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE IF NOT EXISTS event_records (id INTEGER PRIMARY KEY, raw TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS change_records (id INTEGER PRIMARY KEY, raw TEXT NOT NULL);
            """)
        let files = StoredFiles(db: db)
        var counts = Counts()
        try out.transaction {
            for (kind, filter) in [(RecordKind.event, eventFilter), (RecordKind.change, changeFilter)] {
                guard let filter else { continue }
                let alias = kind == .event ? "e" : "c"
                // In file order, so that each span of a stored file is decompressed once.
                let ids = try db.prepare("SELECT \(alias).id FROM \(kind.table) \(alias) WHERE \(filter) ORDER BY \(alias).source_file_id, \(alias).record_offset")
                let insert = "INSERT OR REPLACE INTO \(kind == .event ? "event_records" : "change_records")(id, raw) VALUES (?, ?)"
                while try ids.step() {
                    let id = ids.int64(at: 0)
                    guard let raw = try files.record(kind, id: id) else { continue }
                    try out.run(insert, [.integer(id), .text(raw)])
                    if kind == .event { counts.events += 1 } else { counts.changes += 1 }
                }
            }
        }
        return counts
    }
}

import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Print records byte for byte, as they were delivered, read from the case alone.",
        discussion: """
            Each record is printed exactly as it was read (for a wrapped record, such as an EventBridge \
            detail or a Kinesis payload, the embedded record), followed by a newline. IDs are events.id \
            (or changes.id with --change); --event-id looks CloudTrail records up by their eventID. \
            In `ddbtrail sql` the same bytes are event_record(events.id) and change_record(changes.id). \
            Exit status 0 when every record was found, 1 when any was not.
            """)

    @OptionGroup var caseOptions: CaseOptions

    @Flag(name: .long, help: "The IDs are changes.id (change records), not events.id.")
    var change = false

    @Option(name: .customLong("event-id"), help: "A CloudTrail eventID (repeatable).")
    var eventIDs: [String] = []

    @Argument(help: "Row ids: events.id, or changes.id with --change.")
    var ids: [Int64] = []

    func validate() throws {
        if ids.isEmpty && eventIDs.isEmpty { throw ValidationError("give at least one row id or --event-id") }
    }

    func run() throws {
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let files = StoredFiles(db: db)
        var rows: [(RecordKind, Int64, String)] = ids.map { (change ? .change : .event, $0, "\(change ? "changes" : "events").id \($0)") }
        var missing: [String] = []
        for eventID in eventIDs {
            let found = try db.rows("SELECT id FROM events WHERE event_id = ? ORDER BY id", [.string(eventID)]).compactMap { $0[0].int64Value }
            if found.isEmpty { missing.append("eventID \(eventID)") }
            rows += found.map { (.event, $0, "eventID \(eventID)") }
        }
        for (kind, id, label) in rows {
            guard var bytes = try files.record(kind, id: id) else { missing.append(label); continue }
            bytes.append(0x0A)
            FileHandle.standardOutput.write(Data(bytes))
        }
        for label in missing { printError("no record for \(label) in the case") }
        if !missing.isEmpty { throw ExitCode(1) }
    }
}

struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Write the exact text of a slice of records into a separate SQLite file, for tools without ddbtrail's functions.",
        discussion: """
            The case keeps each evidence file once and reads records out of it: sqlite3, Datasette or DuckDB \
            read every other column directly but not record text. This command writes event_records(id, raw) \
            and change_records(id, raw) (ids as in events and changes) into OUT, to ATTACH beside the case: \
            ATTACH 'OUT' AS r; SELECT json_extract(x.raw, '$.requestParameters') FROM events e JOIN r.event_records x ON x.id = e.id. \
            --where and --change-where are SQL conditions on events e and changes c; without either, every record is written. \
            An existing OUT gets the records added (same id: replaced).
            """)

    @OptionGroup var caseOptions: CaseOptions

    @Option(name: .long, help: "The SQLite file to write.")
    var out: String

    @Option(name: .customLong("where"), help: "Condition on events e, e.g. \"e.event_name = 'UpdateTable'\".")
    var eventFilter: String?

    @Option(name: .customLong("change-where"), help: "Condition on changes c, e.g. \"c.table_id = 3\".")
    var changeFilter: String?

    func run() throws {
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let everything = eventFilter == nil && changeFilter == nil
        let counts = try RecordExport.write(from: db, to: out, eventFilter: everything ? "1" : eventFilter,
                                            changeFilter: everything ? "1" : changeFilter)
        printError("\(counts.events) CloudTrail record(s) and \(counts.changes) change record(s) written to \(out)")
    }
}

import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// The case keeps each evidence file once and reads every record back out of it.
struct StoredFilesTests {
    /// A CloudTrail log file of `count` records with varied values, as text.
    static func logFile(_ count: Int, prefix: String = "e") -> [UInt8] {
        // Varied values keep deflate's blocks short, as in real logs, so access points are dense.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise() -> String {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(state >> 11, radix: 36)
        }
        let records = (0..<count).map { i in
            record("\(prefix)\(i)-\(noise())", name: i % 3 == 0 ? "PutItem" : "GetItem", key: #"{"pk":"\#(noise())","sk":"\#(noise())"}"#)
        }
        return Array(("{\"Records\":[" + records.joined(separator: ",\n") + "]}").utf8)
    }

    /// Every event's record equals its element's bytes in the file, and the stored copy
    /// reproduces the file byte for byte with the SHA-256 the case holds.
    static func checkEveryRecord(_ c: Case, content: [UInt8], file original: String) throws {
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let rows = try db.rows("SELECT event_record(id), record_offset, record_length FROM events ORDER BY id DESC")
        #expect(!rows.isEmpty)
        for row in rows {
            let offset = Int(row[1].int64Value!), length = Int(row[2].int64Value!)
            #expect(row[0] == .text(Array(content[offset..<offset + length])), "record at \(offset)")
        }
        let file = try #require(try db.rows("SELECT id, sha256 FROM source_files").first)
        var copy: [UInt8] = []
        let sha256 = try StoredFiles(db: db).evidenceFile(fileID: file[0].int64Value!) { copy += $0 }
        #expect(sha256 == file[1].stringValue)
        #expect(copy == Array(try Data(contentsOf: URL(fileURLWithPath: original))))
    }

    @Test func recordsAreReadFromALargeGzipFileThroughAccessPoints() throws {
        let c = try Case()
        let content = Self.logFile(12_000)
        #expect(content.count > 3 * Int(StoredCopy.span))
        let path = c.directory + "/111122223333_CloudTrail_eu-west-1_20261103T0100Z_a.json.gz"
        try gzip(content, to: path)
        try c.importPaths([path])
        #expect(try c.count("SELECT count(*) FROM events") == 12_000)
        #expect(try c.count("SELECT count(*) FROM file_access_points") >= 3)
        #expect(try c.count("SELECT count(*) FROM file_access_points WHERE window IS NULL") == 0)
        #expect(try c.rows("SELECT stored FROM source_files").first?[0].stringValue == "as-delivered")
        #expect(try c.count("SELECT count(*) FROM event_texts") == 0)
        try Self.checkEveryRecord(c, content: content, file: path)
    }

    @Test func aPlainFileIsKeptDeflatedWithFullFlushes() throws {
        let c = try Case()
        let content = Self.logFile(6_000)
        let path = c.directory + "/trail.json"
        try write(content, to: path)
        try c.importPaths([path])
        #expect(try c.rows("SELECT stored FROM source_files").first?[0].stringValue == "deflated")
        #expect(try c.count("SELECT count(*) FROM file_access_points WHERE window IS NULL AND bits = 0") >= 1)
        #expect(try c.count("SELECT sum(length(bytes)) FROM file_chunks") < Int64(content.count) / 4)
        try Self.checkEveryRecord(c, content: content, file: path)
    }

    @Test func concatenatedGzipMembersAreReadAcrossTheBoundary() throws {
        let c = try Case()
        // One document cut in two, each half its own gzip member.
        let content = Self.logFile(10_000)
        let first = Array(content[..<(content.count / 2)]), second = Array(content[(content.count / 2)...])
        let dir = c.directory
        try gzip(first, to: dir + "/1.gz")
        try gzip(second, to: dir + "/2.gz")
        let joined = try Data(contentsOf: URL(fileURLWithPath: dir + "/1.gz")) + Data(contentsOf: URL(fileURLWithPath: dir + "/2.gz"))
        let path = dir + "/both/111122223333_CloudTrail_eu-west-1_20261103T0100Z_b.json.gz"
        try write(Array(joined), to: path)
        try c.importPaths([path])
        let imported = try c.count("SELECT count(*) FROM events")
        #expect(imported == 10_000, "\(imported) events; \(c.observer.diagnostics.map(\.message).prefix(3))")
        try Self.checkEveryRecord(c, content: content, file: path)
    }

    @Test func anUnwrappedRecordKeepsItsOwnText() throws {
        let c = try Case()
        try c.importPaths([fixture("samples/eventbridge_cloudtrail_envelope_synth.json")])
        let row = try #require(try c.rows("SELECT event_record(e.id), t.raw, e.record_length FROM events e JOIN event_texts t ON t.event_id = e.id").first)
        #expect(row[0] == row[1])
        let text = try #require(row[0].stringValue)
        #expect(text.hasPrefix("{") && text.contains("eventName") && !text.contains("detail-type"))
    }

    @Test func recordsExportToAFileOtherToolsCanAttach() throws {
        let c = try Case()
        let content = Self.logFile(300)
        let path = c.directory + "/t.json.gz"
        try gzip(content, to: path)
        try c.importPaths([path])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let out = c.directory + "/records.db"
        let counts = try RecordExport.write(from: db, to: out, eventFilter: "e.event_name = 'PutItem'", changeFilter: nil)
        #expect(counts.events == 100 && counts.changes == 0)
        let plain = try Database(path: c.dbPath, mode: .readOnly)
        try plain.execute("ATTACH '\(out)' AS r")
        #expect(try plain.scalar("SELECT count(*) FROM events e JOIN r.event_records x ON x.id = e.id WHERE length(x.raw) = e.record_length AND x.raw LIKE '%\"PutItem\"%'").int64Value == 100)
        // Without ddbtrail's functions a query naming event_record fails rather than answering wrongly.
        #expect(throws: SQLiteError.self) { try plain.scalar("SELECT event_record(1)") }
    }

    @Test func aCaseWithRecordTextInItsRowsIsMigratedKeepingEveryRecord() throws {
        let c = try Case()
        let old = try Database(path: c.dbPath, mode: .readWriteCreate)
        for migration in CaseDatabase.migrations where migration.version <= 8 {
            try old.execute(migration.sql)
            try old.execute("PRAGMA user_version = \(migration.version)")
        }
        try old.execute("""
            INSERT INTO source_files(id, path, sha256, compression, status, import_started_at) VALUES (1, 'old.json', 'x', 'none', 'imported', '2026-11-03T00:00:00Z');
            INSERT INTO events(dedupe_key, event_id, event_name, source_file_id, record_index, record_offset, record_length, raw)
              VALUES (x'00', 'old-1', 'GetItem', 1, 0, 12, 25, '{"eventID":"old-1","x":1}');
            """)
        #expect(throws: CaseDatabase.NotACase.self) { try CaseDatabase.openForQuery(path: c.dbPath) }
        _ = try CaseDatabase.openForImport(path: c.dbPath)
        let rows = try c.rows("SELECT event_id, event_record(id), record_digest FROM events")
        #expect(rows == [[.string("old-1"), .string(#"{"eventID":"old-1","x":1}"#), .null]])
        #expect(try c.count("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'raw'") == 0)
    }
}

import DDBTrailSQLite
import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

/// A fresh temporary directory per test.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ddbtrail-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ bytes: [UInt8], to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func gzip(_ bytes: [UInt8], to path: String) throws {
    let writer = try GzipWriter(path: path)
    try writer.write(bytes)
    try writer.close()
}

final class CollectingObserver: ImportObserver {
    var diagnostics: [Diagnostic] = []
    func importing(file: String, index: Int, of total: Int) {}
    func progress(records: Int, bytes: Int64) {}
    func diagnostic(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
    func finished(file: FileSummary) {}
}

struct Case {
    let directory: String
    let dbPath: String
    let observer = CollectingObserver()

    init() throws {
        directory = try temporaryDirectory()
        dbPath = directory + "/case.db"
    }

    @discardableResult
    func importPaths(_ paths: [String]) throws -> ImportReport {
        let db = try CaseDatabase.openForImport(path: dbPath)
        let importer = try Importer(database: db, observer: observer)
        return try importer.importFiles(Importer.expand(paths).files)
    }

    func count(_ sql: String) throws -> Int64 {
        let db = try CaseDatabase.openForQuery(path: dbPath)
        return try db.scalar(sql).int64Value ?? -1
    }

    func rows(_ sql: String) throws -> [[SQLValue]] {
        try CaseDatabase.openForQuery(path: dbPath).rows(sql)
    }
}

func record(_ id: String, name: String = "GetItem", key: String = #"{"pk":"a"}"#) -> String {
    #"{"eventVersion":"1.08","eventID":"\#(id)","eventTime":"2026-11-03T01:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"\#(name)","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE"},"sourceIPAddress":"203.0.113.66","requestParameters":{"tableName":"Orders","key":\#(key)},"eventCategory":"Data","readOnly":true}"#
}

func logFile(_ records: [String]) -> [UInt8] { Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8) }

@Suite struct ImporterTests {
    /// Expected detection for the shared samples: every file is accounted for with a true status.
    @Test(arguments: [
        ("samples/cloudtrail_ddb_data_putitem_awsdoc.json", "imported", "cloudtrail-log-file"),
        ("samples/cloudtrail_ddb_mgmt_createtable_ibm.json", "imported", "cloudtrail-json"),
        ("samples/cloudtrail_lookup_events_cli_output_awsdoc.json", "imported", "cloudtrail-lookup-events"),
        ("samples/cloudtrail_lookup_events_jsonl_line_plaso.json", "imported", "cloudtrail-lookup-events"),
        ("samples/eventbridge_cloudtrail_envelope_synth.json", "imported", "eventbridge"),
        ("samples/cwl_filter_log_events_output_synth.json", "imported", "cloudwatch-logs"),
        ("cwl_s3_export_000000.txt", "imported", "cloudwatch-logs-export"),
        ("samples/cloudtrail_digest_file_elastic.json", "digest", "cloudtrail-digest"),
        ("samples/cloudtrail_digest_file_empty_awsdoc.json", "digest", "cloudtrail-digest"),
        ("real/plaso/aws_cloudtrail.jsonl", "imported", "cloudtrail-lookup-events"),
        ("real/cloudgrep/cloudtrail.json", "imported", "cloudtrail-log-file"),
        ("real/cloudgrep/cloudtrail_singleline.json", "imported", "cloudtrail-log-file"),
        ("real/sumologic-documentation/aws-dynamodb.md__sample-log-message.json", "imported", "cloudtrail-json"),
        ("real/traildiscover/AssumeRole.json.cloudtrail", "imported", "cloudtrail-json"),
        ("real/traildiscover/ChangeResourceRecordSets.json.cloudtrail", "empty", "cloudtrail-json"),
        ("samples/ddbstreams_getrecords_moto_raw.json", "imported", "dynamodb-stream-records"),
        ("samples/cloudtrail_list_public_keys_awsdoc.json", "imported", "cloudtrail-public-keys"),
        ("samples/cloudtrail_digest_s3_object_metadata_illustrative.json", "imported", "cloudtrail-digest-metadata"),
        ("samples/PROVENANCE.md", "unrecognised", ""),
        ("real/aws_console_root_login.yml", "unrecognised", ""),
    ])
    func sampleIsDetected(_ path: String, _ status: String, _ format: String) throws {
        let c = try Case()
        let report = try c.importPaths([fixture(path)])
        let file = try #require(report.files.first)
        #expect(file.status.rawValue == status, "\(path): \(file.detail ?? "")")
        #expect((file.format ?? "") == format)
        if status == "imported" {
            #expect(file.imported > 0)
            #expect(file.rejected == 0, "\(c.observer.diagnostics.map(\.description))")
        }
    }

    @Test func logEventsThatAreNotCloudTrailAreRejectedWithTheReason() throws {
        // The aws-lambda-go subscription fixture carries plain text messages, not CloudTrail records.
        let c = try Case()
        let report = try c.importPaths([fixture("samples/cwl_subscription_payload_decoded_awslambdago.json")])
        #expect(report.files.first?.format == "cloudwatch-logs")
        #expect(report.imported == 0)
        #expect(report.rejected == 2)
        #expect(c.observer.diagnostics.allSatisfy { $0.message.contains("log event message is not valid JSON") })
    }

    /// Each EventBridge record's principal comes from its own identity. Two records whose
    /// identities differ only in their first bytes once got the first one's principal: the
    /// identity's byte range was taken in the envelope and looked up in the bare record.
    @Test func eventBridgeRecordsKeepTheirOwnPrincipals() throws {
        let c = try Case()
        let lines = [("IAMUser", "e1"), ("Unknown", "e2")].map { type, id in
            #"{"version":"0","id":"\#(id)","detail-type":"AWS API Call via CloudTrail","source":"aws.dynamodb","account":"111122223333","detail":{"userIdentity":{"type":"\#(type)","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2026-11-03T01:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"tableName":"Orders","key":{"pk":"a"}},"eventID":"\#(id)"}}"#
        }
        try write(Array(lines.joined(separator: "\n").utf8), to: c.directory + "/bus.jsonl")
        try c.importPaths([c.directory + "/bus.jsonl"])
        let types = try c.rows("SELECT e.event_id, p.type FROM events e JOIN principals p ON p.id = e.principal_id ORDER BY e.event_id")
        #expect(types.map { $0[1].stringValue } == ["IAMUser", "Unknown"])
    }

    @Test func everySharedFileIsAccountedFor() throws {
        let c = try Case()
        let report = try c.importPaths([fixture("samples"), fixture("real")])
        #expect(report.files.count > 40)
        let allowed: Set<String> = ["imported", "digest", "unsupported", "unrecognised", "empty"]
        for file in report.files {
            #expect(allowed.contains(file.status.rawValue), "\(file.path): \(file.status)")
            if file.status.rawValue != "imported" && file.status.rawValue != "digest" { #expect(file.detail != nil, "\(file.path)") }
            if file.status.rawValue != "digest" {
                #expect(file.recordsRead == file.imported + file.duplicates + file.rejected, "\(file.path)")
            }
        }
        #expect(try c.count("SELECT count(*) FROM source_files WHERE import_finished_at IS NULL") == 0)
        #expect(try c.count("SELECT count(*) FROM digest_files") >= 4)
        // The data-event span kept during imports equals the one computed from scratch.
        #expect(try c.count("""
            SELECT count(*) FROM (SELECT a.table_id, min(e.event_time), max(e.event_time) FROM item_accesses a
              JOIN events e ON e.id = a.event_id GROUP BY a.table_id EXCEPT SELECT * FROM data_event_coverage)
            """) == 0)
        // Foreign keys are declared but not enforced while importing (for speed): check them here.
        #expect(try c.rows("PRAGMA foreign_key_check").isEmpty)
        // Data events answer who called which API on which key from where.
        let rows = try c.rows("""
            SELECT p.arn, e.event_name, a.item_key, e.source_ip FROM item_accesses a JOIN events e ON e.id = a.event_id
            JOIN principals p ON p.id = e.principal_id JOIN ddb_tables t ON t.id = a.table_id
            WHERE t.name = 'Music' AND e.event_name = 'PutItem'
            """)
        #expect(rows.count == 1)
        #expect(rows.first?[2].stringValue == #"{"Artist":"No One You Know","SongTitle":"Scared of My Shadow"}"#)
    }

    @Test func reimportAddsNothingAndDuplicatesAcrossFilesAreStoredOnce() throws {
        let c = try Case()
        try write(logFile([record("e1"), record("e2")]), to: c.directory + "/in/a.json")
        try gzip(logFile([record("e2"), record("e3")]), to: c.directory + "/in/b.json.gz")
        let first = try c.importPaths([c.directory + "/in"])
        #expect(first.imported == 3)
        #expect(first.duplicates == 1)
        #expect(!first.anyRejected)
        #expect(try c.count("SELECT count(*) FROM events") == 3)
        #expect(try c.count("SELECT count(*) FROM event_copies") == 1)
        #expect(try c.count("SELECT count(*) FROM source_files WHERE compression = 'gzip'") == 1)
        let second = try c.importPaths([c.directory + "/in"])
        #expect(second.imported == 0)
        #expect(second.files.allSatisfy { $0.status.rawValue == "already-imported" })
        #expect(try c.count("SELECT count(*) FROM events") == 3)
        #expect(try c.count("SELECT count(*) FROM item_accesses") == 3)
        #expect(try c.count("SELECT count(*) FROM source_files") == 2)
    }

    @Test func aRecordRepeatedInsideOneFileIsStoredOnceAndNeighboursKeepTheirRows() throws {
        // Events are stored a batch at a time: the repeat must be told apart from the rows
        // stored around it, and every item access must belong to its own event.
        let c = try Case()
        try write(logFile([record("d0", key: #"{"pk":"zero"}"#)]), to: c.directory + "/first.json")
        try c.importPaths([c.directory + "/first.json"])
        let records = [record("d1", key: #"{"pk":"one"}"#), record("d0", key: #"{"pk":"zero"}"#), record("d2", key: #"{"pk":"two"}"#),
                       record("d1", key: #"{"pk":"one"}"#), record("d3", key: #"{"pk":"three"}"#)]
        try write(logFile(records), to: c.directory + "/second.json")
        let report = try c.importPaths([c.directory + "/second.json"])
        #expect(report.imported == 3)
        #expect(report.duplicates == 2)
        #expect(try c.count("SELECT count(*) FROM events") == 4)
        #expect(try c.count("SELECT count(*) FROM event_copies") == 2)
        let pairs = try c.rows("SELECT e.event_id, e.record_index, a.item_key FROM events e JOIN item_accesses a ON a.event_id = e.id ORDER BY e.id")
        #expect(pairs.map { $0[0].stringValue ?? "" } == ["d0", "d1", "d2", "d3"])
        #expect(pairs.map { $0[1].int64Value ?? -1 } == [0, 0, 2, 4])
        #expect(pairs.map { $0[2].stringValue ?? "" } == [#"{"pk":"zero"}"#, #"{"pk":"one"}"#, #"{"pk":"two"}"#, #"{"pk":"three"}"#])
        let copies = try c.rows("SELECT e.event_id, k.record_index FROM event_copies k JOIN events e ON e.id = k.event_id ORDER BY k.record_index")
        #expect(copies.map { $0[0].stringValue ?? "" } == ["d0", "d1"])
        #expect(copies.map { $0[1].int64Value ?? -1 } == [1, 3])
    }

    @Test func rawRecordIsKeptByteExact() throws {
        let c = try Case()
        let text = "{\"Records\":[\n  " + record("e1").replacingOccurrences(of: ",", with: ",  ") + "\n]}"
        try write(Array(text.utf8), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let row = try #require(try c.rows("SELECT event_record(id), record_offset, record_length FROM events").first)
        guard case .text(let raw) = row[0] else { Issue.record("raw is not text"); return }
        let offset = Int(row[1].int64Value!), length = Int(row[2].int64Value!)
        #expect(raw == Array(text.utf8)[offset..<offset + length].map { $0 })
    }

    @Test func truncatedGzipKeepsEveryCompleteRecord() throws {
        let c = try Case()
        let records = (0..<200).map { record("t\($0)") }
        try gzip(logFile(records), to: c.directory + "/full.json.gz")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: c.directory + "/full.json.gz")))
        bytes.removeLast(bytes.count / 3)
        try write(bytes, to: c.directory + "/cut/cut.json.gz")
        let report = try c.importPaths([c.directory + "/cut"])
        let file = try #require(report.files.first)
        #expect(file.imported > 50)
        #expect(file.imported < 200)
        #expect(file.rejected == 1)
        #expect(report.anyRejected)
        #expect(c.observer.diagnostics.contains { $0.message.contains("gzip stream ends early") })
        #expect(try c.count("SELECT count(*) FROM import_errors WHERE severity = 'error'") == 1)
    }

    @Test func brokenRecordMidArrayLosesNoNeighbours() throws {
        let c = try Case()
        let text = "[" + record("b1") + #", {"eventName": "X", "eventSource": , "eventID": "bad"}, "# + record("b3") + "]"
        try write(Array(text.utf8), to: c.directory + "/a.json")
        let report = try c.importPaths([c.directory + "/a.json"])
        #expect(report.imported == 2)
        #expect(report.rejected == 1)
        let error = try #require(try c.rows("SELECT record_index, reason, excerpt FROM import_errors").first)
        #expect(error[0].int64Value == 1)
        #expect(error[1].stringValue?.contains("broken JSON") == true)
        #expect(error[2].stringValue?.contains("\"bad\"") == true)
    }

    @Test func jsonLinesWithABrokenLineAndBOM() throws {
        let c = try Case()
        let text = "\u{FEFF}" + record("j1") + "\n{not json\n" + record("j3") + "\n"
        try write(Array(text.utf8), to: c.directory + "/a.jsonl")
        let report = try c.importPaths([c.directory + "/a.jsonl"])
        #expect(report.files.first?.format == "cloudtrail-json")
        #expect(report.imported == 2)
        #expect(report.rejected == 1)
        #expect(c.observer.diagnostics.contains { $0.line == 2 && $0.severity == .error })
    }

    @Test func nonUTF8BytesAreStoredExactlyWithAWarning() throws {
        let c = try Case()
        var bytes = Array(record("u1").utf8)
        let at = try #require(record("u1").range(of: "203.0.113.66")).lowerBound.utf16Offset(in: record("u1")) + 1
        bytes.insert(contentsOf: [0xFF, 0xFE], at: at)
        try write(bytes, to: c.directory + "/a.json")
        let report = try c.importPaths([c.directory + "/a.json"])
        #expect(report.imported == 1)
        #expect(try c.count("SELECT count(*) FROM import_errors WHERE severity = 'warning'") == 1)
        guard case .text(let raw) = try c.rows("SELECT event_record(id) FROM events")[0][0] else { Issue.record("no raw"); return }
        #expect(raw == bytes)
    }

    @Test func largeRecordsAreAllStoredInFileOrder() throws {
        // Six records of ~1.1 MB: the reading thread sends a batch every 4 MiB, so the writer
        // stores this file in two batches; every record and its key must land in file order.
        let c = try Case()
        let agent = String(repeating: "U", count: 1_100_000)
        let records = (0..<6).map { i in
            record("L\(i)", key: #"{"pk":"k\#(i)"}"#)
                .replacingOccurrences(of: #""readOnly":true"#, with: #""readOnly":true,"userAgent":""# + agent + #"""#)
        }
        try write(logFile(records), to: c.directory + "/large.json")
        let report = try c.importPaths([c.directory + "/large.json"])
        #expect(report.imported == 6)
        let rows = try c.rows("SELECT e.event_id, e.record_index, a.item_key, length(e.user_agent) FROM events e JOIN item_accesses a ON a.event_id = e.id ORDER BY e.id")
        #expect(rows.map { $0[0].stringValue ?? "" } == (0..<6).map { "L\($0)" })
        #expect(rows.map { $0[1].int64Value ?? -1 } == Array(0..<6))
        #expect(rows.map { $0[2].stringValue ?? "" } == (0..<6).map { #"{"pk":"k\#($0)"}"# })
        #expect(rows.allSatisfy { $0[3].int64Value == Int64(agent.count) })
    }

    @Test func hugeRecordAndDeepNesting() throws {
        let c = try Case()
        let big = String(repeating: "A", count: 50 * 1024 * 1024)
        let huge = record("h1").replacingOccurrences(of: #""readOnly":true"#, with: #""readOnly":true,"userAgent":""# + big + #"""#)
        let deep = #"{"eventName":"X","eventSource":"s3.amazonaws.com","eventID":"deep","requestParameters":"# +
            String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        try write(logFile([huge, deep, record("h3")]), to: c.directory + "/a.json")
        let report = try c.importPaths([c.directory + "/a.json"])
        #expect(report.imported == 2)
        #expect(report.rejected == 1)
        #expect(try c.count("SELECT length(user_agent) FROM events WHERE event_id = 'h1'") == Int64(big.count))
        #expect(c.observer.diagnostics.contains { $0.message.contains("nesting deeper") })
    }

    @Test func emptyAndUnrecognisedFilesAreAccountedFor() throws {
        let c = try Case()
        try write([], to: c.directory + "/in/empty.json")
        try write(Array("   \n".utf8), to: c.directory + "/in/blank.json")
        try write(Array("hello, world\n".utf8), to: c.directory + "/in/notes.txt")
        try write([0x50, 0x4B, 0x03, 0x04, 0, 0], to: c.directory + "/in/evidence.zip")
        let report = try c.importPaths([c.directory + "/in"])
        let byName = Dictionary(uniqueKeysWithValues: report.files.map { (($0.path as NSString).lastPathComponent, $0) })
        #expect(byName["empty.json"]?.status.rawValue == "empty")
        #expect(byName["blank.json"]?.status.rawValue == "empty")
        #expect(byName["notes.txt"]?.status.rawValue == "unrecognised")
        #expect(byName["evidence.zip"]?.detail?.contains("zip archive") == true)
        #expect(report.anyRejected)
    }

    @Test func interruptedImportIsCompletedByRerunning() throws {
        let c = try Case()
        let path = c.directory + "/a.json"
        try write(logFile((0..<5).map { record("r\($0)") }), to: path)
        try c.importPaths([path])
        // Simulate a kill after the first batch: forget the finish and two of the events.
        let db = try CaseDatabase.openForImport(path: c.dbPath)
        try db.execute("""
            UPDATE source_files SET import_finished_at = NULL, status = 'importing';
            DELETE FROM item_accesses WHERE event_id IN (SELECT id FROM events WHERE event_id IN ('r3', 'r4'));
            DELETE FROM table_references WHERE event_id IN (SELECT id FROM events WHERE event_id IN ('r3', 'r4'));
            DELETE FROM events WHERE event_id IN ('r3', 'r4');
            """)
        let report = try c.importPaths([path])
        #expect(report.files.first?.status.rawValue == "imported")
        #expect(report.files.first?.imported == 5)
        #expect(report.files.first?.duplicates == 0)
        #expect(try c.count("SELECT count(*) FROM events") == 5)
        #expect(try c.count("SELECT count(*) FROM source_files") == 1)
    }

    /// What a killed import leaves (a database and the rollback journal of its open transaction)
    /// is refused by queries with directions, and completed by the next import.
    @Test func interruptedImportIsNamedByQueriesAndCompletedByImport() throws {
        let c = try Case()
        try write(logFile([record("i1")]), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let killed = c.directory + "/killed.db"
        do {
            let db = try CaseDatabase.openForImport(path: c.dbPath)
            try db.execute("BEGIN IMMEDIATE")
            try db.execute("DELETE FROM item_accesses")
            try db.execute("DELETE FROM events")
            // Copies taken mid-transaction are what a killed process leaves behind.
            let journal = try Data(contentsOf: URL(fileURLWithPath: c.dbPath + "-journal"))
            #expect(journal.count > 0)
            try FileManager.default.copyItem(atPath: c.dbPath, toPath: killed)
            try journal.write(to: URL(fileURLWithPath: killed + "-journal"))
            try db.execute("ROLLBACK")
        }
        #expect {
            try CaseDatabase.openForQuery(path: killed)
        } throws: { "\($0)".contains("interrupted") && "\($0)".contains("re-run") }
        _ = try CaseDatabase.openForImport(path: killed)
        #expect(try CaseDatabase.openForQuery(path: killed).scalar("SELECT count(*) FROM events").int64Value == 1)
    }

    @Test func keysLoggedBeforeTheSchemaAreRetyped() throws {
        let c = try Case()
        let put = record("k1", name: "PutItem", key: #"{"pk":"007"}"#)
        let create = #"{"eventVersion":"1.08","eventID":"k0","eventTime":"2026-11-03T00:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"CreateTable","awsRegion":"eu-west-1","recipientAccountId":"111122223333","requestParameters":{"tableName":"Orders","attributeDefinitions":[{"attributeName":"pk","attributeType":"N"}],"keySchema":[{"attributeName":"pk","keyType":"HASH"}]}}"#
        // A key logged after the schema is typed when written, and not revisited.
        let later = record("k2", name: "PutItem", key: #"{"pk":"008"}"#)
        try write(logFile([put, create, later]), to: c.directory + "/a.json")
        let report = try c.importPaths([c.directory + "/a.json"])
        #expect(report.keysRecanonicalised == 1)
        #expect(try c.rows("SELECT item_key FROM item_accesses ORDER BY id").map { $0[0].stringValue } == [#"{"pk":"7"}"#, #"{"pk":"8"}"#])
    }
}

@Suite struct ChangeImportTests {
    func streamFiles(_ c: Case, withDescription: Bool) throws -> String {
        let dir = c.directory + "/stream"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("samples/ddbstreams_getrecords_moto_raw.json"), toPath: dir + "/page-0001.json")
        if withDescription {
            try FileManager.default.copyItem(atPath: fixture("samples/ddbstreams_describestream_moto_raw.json"), toPath: dir + "/zz-describe-stream.json")
        }
        return dir
    }

    @Test func describeStreamBesideThePagesNamesTheTable() throws {
        let c = try Case()
        let report = try c.importPaths([try streamFiles(c, withDescription: true)])
        #expect(!report.anyRejected, "\(c.observer.diagnostics.map(\.description))")
        #expect(try c.count("SELECT count(*) FROM changes WHERE table_id IS NULL") == 0)
        #expect(try c.count("SELECT count(*) FROM changes") > 0)
        #expect(try c.count("SELECT count(DISTINCT method) FROM change_attributions WHERE method = 'no-data-events'") == 1)
    }

    @Test func pagesWithoutContextAskForTheTable() throws {
        let c = try Case()
        let report = try c.importPaths([try streamFiles(c, withDescription: false)])
        #expect(report.anyRejected)
        #expect(c.observer.diagnostics.contains { $0.message.contains("--table") })
        #expect(try c.count("SELECT count(*) FROM changes WHERE table_id IS NULL") > 0)
        #expect(try c.count("SELECT count(*) FROM import_errors WHERE reason LIKE '%--table%'") == 1)
    }

    @Test func tableOptionNamesTheTable() throws {
        let c = try Case()
        let db = try CaseDatabase.openForImport(path: c.dbPath)
        let importer = try Importer(database: db, observer: c.observer, tableOverride: "arn:aws:dynamodb:us-east-1:123456789012:table/Music")
        let report = try importer.importFiles(Importer.expand([try streamFiles(c, withDescription: false)]).files)
        #expect(!report.anyRejected)
        #expect(try c.count("SELECT count(*) FROM changes c JOIN ddb_tables t ON t.id = c.table_id WHERE t.name = 'Music'") > 0)
    }

    @Test func itemStateFollowsTheImages() throws {
        let c = try Case()
        let workload = ChangeWorkload.generate(seed: 3, steps: 200)
        try write(Array(workload.stream.utf8), to: c.directory + "/s.json")
        try c.importPaths([c.directory + "/s.json"])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        // The first item inserted: before its INSERT it is not covered; right after, present.
        let first = try #require(try db.rows("SELECT item_key, change_time, new_image FROM changes WHERE change_type = 'INSERT' ORDER BY change_time_us, id LIMIT 1").first)
        let key = try #require(JSONParser.parse(first[0].stringValue!).object)
        let selector = try ItemSelector(table: "Orders", keys: key.members.map { "\($0.key)=\($0.value.string!)" })
        let time = first[1].stringValue!
        let seconds = try #require(Timestamp.epochSeconds(time))
        let before = try ItemState.at(db, selector: selector, at: Timestamp.format(epochSeconds: seconds - 60))
        #expect(before[3] == .string("unknown"))
        let after = try ItemState.at(db, selector: selector, at: Timestamp.format(epochSeconds: seconds))
        // The state is what the item's last change at or before that instant left.
        let last = try db.rows("SELECT change_type, new_image FROM changes WHERE item_key = ? AND change_time_us <= ? ORDER BY change_time_us DESC, sequence_number DESC LIMIT 1",
                               [first[0], .integer(seconds * 1_000_000)])
        let removed = last.first?[0].stringValue == "REMOVE"
        #expect(after[3].stringValue == (removed ? "absent" : "present"))
        if !removed { #expect(after[4] == last[0][1]) }
    }
}

@Suite struct QueryTests {
    @Test func writesAreRefusedAndChangeNothing() throws {
        let c = try Case()
        try write(logFile([record("q1")]), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        for sql in ["DELETE FROM events", "INSERT INTO ddb_tables(account_id, region, name) VALUES ('1','2','3')",
                    "DROP TABLE events", "UPDATE events SET event_name = 'x'"] {
            #expect(throws: (any Error).self) { try QueryRunner.prepare(db, sql: sql, parameters: [:]) }
        }
        #expect(throws: (any Error).self) { try db.execute("DELETE FROM events") } // the connection itself is read-only
        #expect(try c.count("SELECT count(*) FROM events") == 1)
    }

    @Test func parametersAreBoundByNameAndCheckedBothWays() throws {
        let c = try Case()
        try write(logFile([record("p1"), record("p2", key: #"{"pk":"b"}"#)]), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let result = try QueryRunner.rows(db, sql: "SELECT count(*) FROM item_accesses WHERE item_key = :key LIMIT :n",
                                          parameters: ["key": #"{"pk":"b"}"#, "n": "5"])
        #expect(result.rows[0][0].int64Value == 1)
        #expect { try QueryRunner.prepare(db, sql: "SELECT :a", parameters: [:]) } throws: { "\($0)".contains("missing parameter 'a'") }
        #expect { try QueryRunner.prepare(db, sql: "SELECT 1", parameters: ["x": "1"]) } throws: { "\($0)".contains("unknown parameter 'x'") }
    }

    @Test(arguments: Embedded.files(under: "queries").map(\.path))
    func everyQueryFilePreparesAgainstTheSchema(_ path: String) throws {
        let c = try Case()
        try c.importPaths([])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let query = QueryFile(text: Embedded.files[path]!, origin: path)
        #expect(!query.title.isEmpty)
        #expect(!query.columns.isEmpty)
        let statement = try db.prepare(query.sql)
        #expect(statement.isReadOnly)
        #expect(statement.columnNames == query.columns, "\(path): header columns differ from the SQL's")
        #expect(Set(statement.parameterNames.compactMap { $0?.dropFirst() }.map(String.init)) == Set(query.parameters.map(\.name)))
    }

    @Test func migrationsSetTheUserVersion() throws {
        let c = try Case()
        try c.importPaths([])
        #expect(try CaseDatabase.openForQuery(path: c.dbPath).userVersion == CaseDatabase.schemaVersion)
        #expect(CaseDatabase.schemaVersion >= 1)
    }
}

/// The hand-off between threads: elements come out in order, `takeAvailable` never waits, and a
/// closed queue ends the consumer's loop once drained.
@Test func boundedQueueHandsOffInOrder() {
    let queue = BoundedQueue<Int>(capacity: .max)
    #expect(queue.takeAvailable().isEmpty)
    for i in 0..<100 { queue.put(i) }
    #expect(queue.take() == 0)
    #expect(queue.takeAvailable() == Array(1..<100))
    let producer = ProducerThread {
        for i in 100..<5_000 { queue.put(i) }
        queue.close()
    }
    producer.start()
    var seen: [Int] = []
    while let i = queue.take() { seen.append(i) }
    producer.finish()
    #expect(seen == Array(100..<5_000))
}

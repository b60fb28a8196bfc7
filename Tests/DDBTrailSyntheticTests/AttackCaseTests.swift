import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore
@testable import DDBTrailSynthetic

/// Where the suite's shared case lives; removed when the test process exits (it is about 100 MB).
nonisolated(unsafe) private var importedAttackCaseDirectory: String?

/// The default attack case (seed 1, 7 days), written and imported once for the whole suite.
struct ImportedAttackCase: Sendable {
    let evidence: String
    let dbPath: String
    let truth: AttackCase.Truth
    let files: [FileSummary]

    static func make() throws -> ImportedAttackCase {
        let directory = try CorpusGeneratorTests.temporaryDirectory("attack")
        importedAttackCaseDirectory = directory
        atexit {
            if let directory = importedAttackCaseDirectory { try? FileManager.default.removeItem(atPath: directory) }
        }
        let evidence = directory + "/evidence"
        let truth = try AttackCase.write(to: evidence)
        let dbPath = directory + "/case.db"
        let importer = try Importer(database: try CaseDatabase.openForImport(path: dbPath), observer: nil)
        let report = try importer.importFiles(Importer.expand([evidence]).files)
        return ImportedAttackCase(evidence: evidence, dbPath: dbPath, truth: truth, files: report.files)
    }

    func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        try CaseDatabase.openForQuery(path: dbPath).rows(sql, values)
    }

    func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        Int(try CaseDatabase.openForQuery(path: dbPath).scalar(sql, values).int64Value ?? -1)
    }

    /// `?, ?, …` and the values, for `IN (…)`.
    static func list(_ values: [String]) -> (String, [SQLValue]) {
        (Array(repeating: "?", count: values.count).joined(separator: ","), values.map { .string($0) })
    }
}

@Suite struct AttackCaseTests {
    static let imported = Result { try ImportedAttackCase.make() }

    func fixture() throws -> ImportedAttackCase { try Self.imported.get() }

    /// Regular files under `directory` as sorted relative paths, with their bytes.
    static func contents(of directory: String) throws -> [(String, Data)] {
        try CorpusGeneratorTests.files(under: directory).map { ($0, try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
    }

    // MARK: Determinism

    @Test func sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws {
        let c = try fixture()
        let again = try CorpusGeneratorTests.temporaryDirectory("attack")
        let other = try CorpusGeneratorTests.temporaryDirectory("attack")
        defer {
            try? FileManager.default.removeItem(atPath: again)
            try? FileManager.default.removeItem(atPath: other)
        }
        let truth = try AttackCase.write(to: again)
        let expected = try Self.contents(of: c.evidence)
        let actual = try Self.contents(of: again)
        #expect(actual.map(\.0) == expected.map(\.0))
        #expect(zip(actual, expected).allSatisfy { $0.1 == $1.1 })
        #expect(truth.steps == c.truth.steps)
        #expect(truth.leakedAccessKeyId == c.truth.leakedAccessKeyId)

        let different = try AttackCase.write(to: other, seed: 2)
        #expect(different.leakedAccessKeyId != c.truth.leakedAccessKeyId)
        #expect(different.steps.map(\.eventIDs) != c.truth.steps.map(\.eventIDs))
        let differentFiles = try Self.contents(of: other)
        #expect(differentFiles.map(\.0) != expected.map(\.0) || zip(differentFiles, expected).contains { $0.1 != $1.1 })
        // The script does not move with the seed.
        #expect(different.step("recon")?.start == "2026-11-16T22:03:11Z")
    }

    @Test func theAttackIsOnTheLastDay() throws {
        let directory = try CorpusGeneratorTests.temporaryDirectory("attack")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let truth = try AttackCase.write(to: directory, seed: 5, days: 2)
        #expect(truth.step("recon")?.start == "2026-11-11T22:03:11Z")
        #expect(truth.step("bulk-delete")?.streamEventIDs.count == 265)
        let folders = CorpusGeneratorTests.files(under: directory).map { $0.split(separator: "/").prefix(2).joined(separator: "/") }
        #expect(Set(folders) == ["AWSLogs/210987654321", "AWSLambda/orders-stream-archiver", "AWSLambda/ledger-stream-archiver",
                                 "AWSLambda/sessions-stream-archiver"])
    }

    // MARK: Layout and size

    @Test func filesHaveTheRealLayoutAndTheCaseHasAModerateSize() throws {
        let c = try fixture()
        let paths = CorpusGeneratorTests.files(under: c.evidence)
        #expect(paths.count == c.truth.files)
        let cloudTrail = #"^AWSLogs/210987654321/CloudTrail/eu-central-1/2026/11/\d\d/210987654321_CloudTrail_eu-central-1_202611\d\dT\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$"#
        let stream = #"^AWSLambda/(orders|ledger|sessions)-stream-archiver/2026/11/\d\d/[a-z]+-stream-archiver-202611\d\dT\d\d00Z-[0-9a-f]{8}\.json\.gz$"#
        for path in paths {
            #expect(CorpusGeneratorTests.matches(path, cloudTrail) || CorpusGeneratorTests.matches(path, stream), "\(path)")
        }
        #expect((15_000...30_000).contains(c.truth.cloudTrailRecords), "\(c.truth.cloudTrailRecords) CloudTrail records")
        #expect((5_000...15_000).contains(c.truth.streamRecords), "\(c.truth.streamRecords) stream records")
        // One CloudTrail file per 5-minute window: no file spans two windows.
        #expect(try c.count("""
            SELECT count(*) FROM (SELECT source_file_id FROM events
              GROUP BY source_file_id HAVING max(CAST(strftime('%s', event_time) AS INTEGER) / 300) <> min(CAST(strftime('%s', event_time) AS INTEGER) / 300))
            """) == 0)
        // Records inside log files are not strictly in time order.
        #expect(try c.count("""
            SELECT count(*) FROM events a JOIN events b ON b.source_file_id = a.source_file_id AND b.record_index = a.record_index + 1
            WHERE b.event_time < a.event_time
            """) > 0)
        print("attack case: \(c.truth.cloudTrailRecords) CloudTrail records, \(c.truth.streamRecords) stream records (\(c.truth.ttlRemoves) TTL), \(c.truth.files) files, \(c.truth.bytes) bytes")
    }

    // MARK: Import

    @Test func theCaseImportsWithoutErrorsAndTheCountsMatch() throws {
        let c = try fixture()
        #expect(c.files.count == c.truth.files)
        #expect(c.files.allSatisfy { $0.status.rawValue == "imported" && $0.rejected == 0 && $0.warnings == 0 && !$0.hadRejections })
        #expect(c.files.reduce(0) { $0 + $1.duplicates } == 0)
        #expect(try c.count("SELECT count(*) FROM import_errors") == 0)
        #expect(try c.count("SELECT count(*) FROM events") == c.truth.cloudTrailRecords)
        #expect(try c.count("SELECT count(*) FROM changes") == c.truth.streamRecords)
        #expect(try c.count("SELECT count(*) FROM changes WHERE table_id IS NULL") == 0)
        // Key schemas of all four tables come from table descriptions in the baseline.
        #expect(try c.count("""
            SELECT count(DISTINCT t.name) FROM key_schemas k JOIN ddb_tables t ON t.id = k.table_id
            WHERE t.name IN ('Orders','Customers','Ledger','Sessions')
            """) == 4)
    }

    @Test func everyAttackEventHasTheAttackersAddressAndKey() throws {
        let c = try fixture()
        let truth = c.truth
        #expect(truth.steps.map(\.name) == AttackCase.stepNames)
        #expect(truth.leakedAccessKeyId.hasPrefix("AKIA") && truth.sessionAccessKeyId.hasPrefix("ASIA"))
        #expect(truth.userArn == "arn:aws:iam::210987654321:user/svc-reporting")
        #expect(truth.roleArn == "arn:aws:iam::210987654321:role/ops-maintenance")
        #expect(truth.sessionArn.hasPrefix("arn:aws:sts::210987654321:assumed-role/ops-maintenance/botocore-session-"))
        #expect(truth.step("recon")?.start == "2026-11-16T22:03:11Z")
        var previousEnd = ""
        for step in truth.steps {
            #expect(step.start <= step.end && step.start > previousEnd, "\(step.name)")
            previousEnd = step.end
            let (marks, values) = ImportedAttackCase.list(step.eventIDs)
            let rows = try c.rows("""
                SELECT e.event_id, e.event_name, e.event_time, e.source_ip, p.access_key_id, p.arn
                FROM events e JOIN principals p ON p.id = e.principal_id WHERE e.event_id IN (\(marks)) ORDER BY e.event_time, e.event_id
                """, values)
            #expect(rows.count == step.eventIDs.count, "\(step.name)")
            #expect(rows.first?[2].stringValue == step.start && rows.last?[2].stringValue == step.end, "\(step.name)")
            for row in rows {
                let name = row[1].stringValue ?? ""
                #expect(row[3].stringValue == truth.sourceIP, "\(step.name) \(name)")
                if name == "GetCallerIdentity" || name == "AssumeRole" {
                    #expect(row[4].stringValue == truth.leakedAccessKeyId && row[5].stringValue == truth.userArn)
                } else {
                    #expect(row[4].stringValue == truth.sessionAccessKeyId && row[5].stringValue == truth.sessionArn, "\(step.name) \(name)")
                }
            }
        }
        // Nothing else comes from the attacker's address, and the session key is used by nothing else.
        let attackEvents = truth.steps.reduce(0) { $0 + $1.eventIDs.count }
        #expect(try c.count("SELECT count(*) FROM events WHERE source_ip = ?", [.string(truth.sourceIP)]) == attackEvents)
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE p.access_key_id = ? AND e.source_ip <> ?
            """, [.string(truth.sessionAccessKeyId), .string(truth.sourceIP)]) == 0)
        // The session key was issued by an AssumeRole that the leaked key's caller made.
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE e.event_name = 'AssumeRole' AND p.access_key_id = ? AND p.arn = ?
              AND json_extract(event_record(e.id), '$.responseElements.credentials.accessKeyId') = ?
              AND json_extract(event_record(e.id), '$.requestParameters.roleArn') = ?
            """, [.string(truth.leakedAccessKeyId), .string(truth.userArn), .string(truth.sessionAccessKeyId), .string(truth.roleArn)]) == 1)
        // The steps are what the script says.
        let names = { (step: String) throws -> [String] in
            let (marks, values) = ImportedAttackCase.list(truth.step(step)!.eventIDs)
            return try c.rows("SELECT event_name FROM events WHERE event_id IN (\(marks)) ORDER BY event_time, event_id", values).compactMap { $0[0].stringValue }
        }
        #expect(try names("recon").prefix(2) == ["GetCallerIdentity", "AssumeRole"])
        #expect(try Set(names("recon")) == ["GetCallerIdentity", "AssumeRole", "ListTables", "DescribeTable", "DescribeContinuousBackups", "DescribeTimeToLive"])
        #expect(try names("recon").filter { $0 == "DescribeTable" }.count == 4)
        #expect(try Set(names("scan")) == ["Scan"])
        #expect(try names("ledger-tamper") == ["UpdateItem", "UpdateItem", "UpdateItem"])
        #expect(try names("bulk-delete").filter { $0 == "BatchWriteItem" }.count == 10)
        #expect(try names("bulk-delete").filter { $0 == "DeleteItem" }.count == 15)
        #expect(try names("export") == ["ExportTableToPointInTime"])
        #expect(try names("pitr-disabled") == ["UpdateContinuousBackups"])
        #expect(try names("stream-disabled") == ["UpdateTable"])
        // Scan: 4 parallel segments, each over several pages.
        let (scanMarks, scanValues) = ImportedAttackCase.list(truth.step("scan")!.eventIDs)
        let segments = try c.rows("""
            SELECT json_extract(event_record(id), '$.requestParameters.segment'), count(*), max(json_extract(event_record(id), '$.requestParameters.totalSegments'))
            FROM events WHERE event_id IN (\(scanMarks)) GROUP BY 1 ORDER BY 1
            """, scanValues)
        #expect(segments.map { $0[0].int64Value } == [0, 1, 2, 3])
        #expect(segments.allSatisfy { ($0[1].int64Value ?? 0) >= 3 && $0[2].int64Value == 4 })
        // Bulk delete: 10 × 25 delete requests and 15 DeleteItem calls, 265 distinct orders.
        let (deleteMarks, deleteValues) = ImportedAttackCase.list(truth.step("bulk-delete")!.eventIDs)
        #expect(try c.count("""
            SELECT count(DISTINCT a.item_key) FROM item_accesses a JOIN events e ON e.id = a.event_id JOIN ddb_tables t ON t.id = a.table_id
            WHERE e.event_id IN (\(deleteMarks)) AND t.name = 'Orders' AND a.operation IN ('Delete', 'DeleteItem')
            """, deleteValues) == 265)
        // Export to a bucket of another account.
        let export = try c.rows("""
            SELECT json_extract(event_record(id), '$.requestParameters.s3Bucket'), json_extract(event_record(id), '$.requestParameters.s3BucketOwner'),
                   json_extract(event_record(id), '$.requestParameters.exportFormat'), json_extract(event_record(id), '$.responseElements.exportDescription.exportArn')
            FROM events WHERE event_id = ?
            """, [.string(truth.step("export")!.eventIDs[0])])
        #expect(export.first?[0].stringValue == AttackCase.exportBucket)
        #expect(export.first?[1].stringValue == truth.foreignAccount)
        #expect(export.first?[2].stringValue == "DYNAMODB_JSON")
        #expect(export.first?[3].stringValue?.hasPrefix("arn:aws:dynamodb:eu-central-1:210987654321:table/Customers/export/") == true)
        // The attacker's user agent appears nowhere else.
        #expect(try c.count("""
            SELECT count(*) FROM events WHERE user_agent = (SELECT user_agent FROM events WHERE event_id = ?) AND source_ip <> ?
            """, [.string(truth.step("recon")!.eventIDs[0]), .string(truth.sourceIP)]) == 0)
    }

    // MARK: The stream side

    @Test func attackChangesAreAttributedToTheirStepAndTTLDeletionsToTTL() throws {
        let c = try fixture()
        for (name, type, expected) in [("ledger-tamper", "MODIFY", 3), ("bulk-delete", "REMOVE", 265)] {
            let step = try #require(c.truth.step(name))
            #expect(step.streamEventIDs.count == expected, "\(name)")
            let (marks, values) = ImportedAttackCase.list(step.streamEventIDs)
            let rows = try c.rows("""
                SELECT c.stream_event_id, c.change_type, a.method, e.event_id
                FROM changes c JOIN change_attributions a ON a.change_id = c.id LEFT JOIN events e ON e.id = a.event_id
                WHERE c.stream_event_id IN (\(marks))
                """, values)
            #expect(rows.count == expected, "\(name)")
            let stepEvents = Set(step.eventIDs)
            for row in rows {
                #expect(row[1].stringValue == type && row[2].stringValue == "matched", "\(name) \(row[0].stringValue ?? "")")
                #expect(row[3].stringValue.map(stepEvents.contains) == true, "\(name) \(row[0].stringValue ?? "")")
            }
        }
        // The ledger edits change amount and memo, nothing else.
        let (marks, values) = ImportedAttackCase.list(c.truth.step("ledger-tamper")!.streamEventIDs)
        for row in try c.rows("SELECT diff FROM changes WHERE stream_event_id IN (\(marks))", values) {
            let diff = try JSONSerialization.jsonObject(with: Data((row[0].stringValue ?? "").utf8)) as? [String: [String: Any]]
            #expect(diff?["changed"].map { Set($0.keys) } == ["amount", "memo"])
            #expect(diff?["added"]?.isEmpty == true && diff?["removed"]?.isEmpty == true)
        }
        // TTL deletions are the service's, and every other change is pinned on the call that made it.
        #expect(c.truth.ttlRemoves > 0)
        let methods = try c.rows("""
            SELECT c.user_identity_principal IS NOT NULL, a.method, count(*) FROM changes c JOIN change_attributions a ON a.change_id = c.id GROUP BY 1, 2
            """).map { "\($0[0].int64Value ?? -1) \($0[1].stringValue ?? "") \($0[2].int64Value ?? 0)" }
        #expect(methods.sorted() == ["0 matched \(c.truth.streamRecords - c.truth.ttlRemoves)", "1 ttl \(c.truth.ttlRemoves)"].sorted())
        #expect(try c.count("""
            SELECT count(*) FROM changes c JOIN ddb_tables t ON t.id = c.table_id
            WHERE c.user_identity_principal = 'dynamodb.amazonaws.com' AND (t.name <> 'Sessions' OR c.change_type <> 'REMOVE')
            """) == 0)
        // Customers has no stream, and Orders has none after it was disabled.
        #expect(try c.count("SELECT count(*) FROM changes c JOIN ddb_tables t ON t.id = c.table_id WHERE t.name = 'Customers'") == 0)
        #expect(try c.count("""
            SELECT count(*) FROM changes c JOIN ddb_tables t ON t.id = c.table_id WHERE t.name = 'Orders' AND c.change_time > ?
            """, [.string(c.truth.step("stream-disabled")!.end)]) == 0)
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN item_accesses a ON a.event_id = e.id JOIN ddb_tables t ON t.id = a.table_id
            WHERE t.name = 'Orders' AND e.event_name = 'PutItem' AND e.error_code IS NULL AND e.event_time > ?
            """, [.string(c.truth.step("stream-disabled")!.end)]) > 0)
    }

    // MARK: The baseline

    @Test func theBaselineIsBenign() throws {
        let c = try fixture()
        let attackIDs = c.truth.steps.flatMap(\.eventIDs)
        let reconStart = try #require(c.truth.step("recon")?.start)
        // Only client-side failures: conditional checks (about 1% of conditional writes) and a few throttles.
        let codes = Set(try c.rows("SELECT DISTINCT error_code FROM events WHERE error_code IS NOT NULL").compactMap { $0[0].stringValue })
        #expect(codes == ["ConditionalCheckFailedException", "ProvisionedThroughputExceededException"])
        let conditional = try c.count("""
            SELECT count(*) FROM events WHERE json_extract(event_record(id), '$.requestParameters.conditionExpression') IS NOT NULL
              AND (error_code IS NULL OR error_code = 'ConditionalCheckFailedException')
            """)
        let failed = try c.count("SELECT count(*) FROM events WHERE error_code = 'ConditionalCheckFailedException'")
        #expect(Double(failed) / Double(conditional) > 0.004 && Double(failed) / Double(conditional) < 0.02, "\(failed) of \(conditional)")
        // Never more than 3 throttled calls in any 5 minutes.
        let throttles = try c.rows("""
            SELECT CAST(strftime('%s', event_time) AS INTEGER) FROM events WHERE error_code = 'ProvisionedThroughputExceededException' ORDER BY 1
            """).compactMap { $0[0].int64Value }
        #expect((1...10).contains(throttles.count), "\(throttles.count) throttled calls")
        for (i, time) in throttles.enumerated() {
            #expect(throttles[i...].prefix { $0 < time + 300 }.count <= 3)
        }
        // Orders is scanned every night by the ETL role; Customers and Ledger only by the attacker.
        #expect(try c.count("""
            SELECT count(DISTINCT substr(e.event_time, 1, 10)) FROM events e JOIN item_accesses a ON a.event_id = e.id JOIN ddb_tables t ON t.id = a.table_id
            JOIN principals p ON p.id = e.principal_id WHERE e.event_name = 'Scan' AND t.name = 'Orders' AND p.role_name = 'analytics-etl'
              AND substr(e.event_time, 12, 5) BETWEEN '02:00' AND '02:10'
            """) == 7)
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN item_accesses a ON a.event_id = e.id JOIN ddb_tables t ON t.id = a.table_id
            WHERE e.event_name = 'Scan' AND t.name IN ('Customers', 'Ledger') AND e.event_time < ?
            """, [.string(reconStart)]) == 0)
        let (scanMarks, scanValues) = ImportedAttackCase.list(c.truth.step("scan")!.eventIDs)
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN item_accesses a ON a.event_id = e.id JOIN ddb_tables t ON t.id = a.table_id
            WHERE e.event_name = 'Scan' AND t.name IN ('Customers', 'Ledger') AND e.event_id NOT IN (\(scanMarks))
            """, scanValues) == 0)
        // Destructive or exfiltrating control-plane calls happen only in the attack.
        let (marks, values) = ImportedAttackCase.list(attackIDs)
        #expect(try c.count("""
            SELECT count(*) FROM events WHERE event_name IN ('UpdateContinuousBackups', 'UpdateTable', 'ExportTableToPointInTime', 'DeleteTable',
              'DeleteBackup', 'RestoreTableToPointInTime', 'UpdateTimeToLive', 'PutResourcePolicy') AND event_id NOT IN (\(marks))
            """, values) == 0)
        // Nothing touches the leaked key or the ops-maintenance role before the attack, and the key's
        // owner always calls from the same place with the same client.
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE (p.role_name = 'ops-maintenance' OR json_extract(event_record(e.id), '$.requestParameters.roleArn') = ?) AND e.event_time < ?
            """, [.string(c.truth.roleArn), .string(reconStart)]) == 0)
        #expect(try c.count("""
            SELECT count(DISTINCT e.source_ip || e.user_agent) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE p.access_key_id = ? AND e.event_time < ?
            """, [.string(c.truth.leakedAccessKeyId), .string(reconStart)]) == 1)
        // Each baseline principal (by ARN) keeps one user agent, and every role session key was issued by an AssumeRole* in the case.
        #expect(try c.count("""
            SELECT count(*) FROM (SELECT p.arn FROM events e JOIN principals p ON p.id = e.principal_id
              WHERE p.arn IS NOT NULL AND e.source_ip <> ? GROUP BY p.arn HAVING count(DISTINCT e.user_agent) > 1)
            """, [.string(c.truth.sourceIP)]) == 0)
        #expect(try c.count("""
            SELECT count(DISTINCT p.access_key_id) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE p.access_key_id LIKE 'ASIA%' AND p.access_key_id NOT IN (
              SELECT json_extract(event_record(id), '$.responseElements.credentials.accessKeyId') FROM events
              WHERE event_name IN ('AssumeRole', 'AssumeRoleWithSAML') AND error_code IS NULL)
            """) == 0)
        // Working days only for the administrator (2026-11-14 and 15 are a weekend).
        #expect(try c.count("""
            SELECT count(*) FROM events e JOIN principals p ON p.id = e.principal_id
            WHERE (p.role_name LIKE 'AWSReservedSSO_%' OR e.event_name = 'AssumeRoleWithSAML') AND substr(e.event_time, 1, 10) IN ('2026-11-14', '2026-11-15')
            """) == 0)
        #expect(try c.count("SELECT count(*) FROM events WHERE event_name = 'AssumeRoleWithSAML'") >= 5)
    }
}

import DDBTrailSQLite
import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

/// The digest checks on generated trees with known damage, and on the real digests of ../shared.
@Suite struct VerifyTests {
    /// Imports a generated tree and returns its findings by status.
    func verify(seed: UInt64, plants: Set<DigestTree.Plant>) throws -> (expected: Set<DigestTree.Finding>, failed: Set<DigestTree.Finding>, rows: [[SQLValue]], c: Case) {
        let c = try Case()
        let expected = try DigestTree.write(to: c.directory + "/evidence", seed: seed, plants: plants)
        let report = try c.importPaths([c.directory + "/evidence"])
        #expect(!report.anyRejected, "\(c.observer.diagnostics.prefix(3).map(\.description))")
        let rows = try c.rows("SELECT status, check_name, s3_object, detail FROM integrity_findings")
        let failed = Set(rows.filter { $0[0].stringValue == "failed" }.map {
            DigestTree.Finding(status: "failed", check: $0[1].stringValue ?? "", s3Object: $0[2].stringValue ?? "")
        })
        return (Set(expected), failed, rows, c)
    }

    @Test func untouchedTreeHasNoFailure() throws {
        let (expected, failed, rows, c) = try verify(seed: 3, plants: [])
        #expect(expected.isEmpty)
        #expect(failed.isEmpty, "\(failed)")
        // Every digest's signature verified (the newest through its saved metadata) and every log file with it.
        #expect(try c.count("SELECT count(*) FROM source_files WHERE format = 'cloudtrail-digest' AND integrity <> 'verified'") == 0)
        #expect(try c.count("SELECT count(*) FROM source_files WHERE format = 'cloudtrail-log-file' AND integrity <> 'verified'") == 0)
        #expect(try c.count("SELECT count(*) FROM source_files WHERE format = 'cloudtrail-digest'") > 10)
        #expect(rows.allSatisfy { $0[0].stringValue == "ok" }, "\(rows.filter { $0[0].stringValue != "ok" }.prefix(3))")
    }

    @Test(arguments: DigestTree.Plant.allCases)
    func eachPlantIsReportedOnce(_ plant: DigestTree.Plant) throws {
        let (expected, failed, rows, _) = try verify(seed: 3, plants: [plant])
        #expect(expected.count == 1)
        #expect(failed == expected, "\(plant): expected \(expected), got \(failed)")
        #expect(rows.filter { $0[0].stringValue == "failed" }.count == expected.count)
    }

    /// Even seeds write the keys' validity as epoch seconds, odd ones as ISO 8601.
    @Test(arguments: [4, 11, 26] as [UInt64])
    func allPlantsTogether(_ seed: UInt64) throws {
        let (expected, failed, _, _) = try verify(seed: seed, plants: Set(DigestTree.Plant.allCases))
        #expect(expected.count == DigestTree.Plant.allCases.count)
        #expect(failed == expected, "missing \(expected.subtracting(failed)), extra \(failed.subtracting(expected))")
    }

    /// A copy of a delivered event whose content differs is a failed check naming both files; the
    /// delivered side comes from a verified file.
    @Test func conflictingCopyIsAFailedCheck() throws {
        let (_, _, _, c) = try verify(seed: 7, plants: [])
        let stored = try #require(try c.rows("SELECT event_record(id), event_id FROM events WHERE event_record(id) LIKE '%\"sourceIPAddress\":\"%' LIMIT 1").first)
        let raw = try #require(stored[0].stringValue)
        let edited = raw.replacingOccurrences(of: #""sourceIPAddress":""#, with: #""sourceIPAddress":"9"#)
        #expect(edited != raw)
        try write(Array(edited.utf8), to: c.directory + "/siem-export/record.json")
        try c.importPaths([c.directory + "/siem-export/record.json"])
        let rows = try c.rows("SELECT check_name, detail FROM integrity_findings WHERE status = 'failed'")
        #expect(rows.count == 1)
        #expect(rows.first?[0].stringValue == "conflicting-copy")
        let detail = rows.first?[1].stringValue ?? ""
        #expect(detail.contains(stored[1].stringValue ?? "?") && detail.contains("file verified"), "\(detail)")
    }

    /// Real digests whose log files, keys and signatures are not available: unverifiable, never failed.
    @Test func realDigestsAreUnverifiableNeverFailed() throws {
        let c = try Case()
        try c.importPaths([fixture("real/digests"), fixture("samples/cloudtrail_digest_file_elastic.json"),
                           fixture("samples/cloudtrail_digest_file_empty_awsdoc.json"), fixture("samples/cloudtrail_list_public_keys_awsdoc.json")])
        #expect(try c.count("SELECT count(*) FROM integrity_findings WHERE status = 'failed'") == 0)
        #expect(try c.count("SELECT count(*) FROM integrity_findings WHERE check_name = 'digest-signature' AND status = 'unverifiable'") == 4)
        #expect(try c.count("SELECT count(*) FROM public_keys") == 2)
        #expect(try c.count("SELECT count(*) FROM source_files WHERE format = 'cloudtrail-digest' AND integrity = 'unverifiable'") == 4)
    }
}

import DDBTrailSQLite
import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

/// The issue's acceptance case: a week of generated normal traffic with one attack in it
/// (`AttackCase`). `detect` must report every step with the right principal and time window,
/// and the normal traffic around it must raise no high-severity finding.
@Suite struct AttackDetectionTests {
    struct Finding: Sendable {
        var values: [String: SQLValue]
        subscript(_ column: String) -> String? { values[column]?.stringValue }
        var evidence: Set<String> {
            Set((try? JSONParser.parse(Array((self["evidence_event_ids"] ?? "[]").utf8)))?.array?.compactMap(\.string) ?? [])
        }
    }

    /// Generated, imported and detected once for both tests.
    static let shared = Result { try run() }

    static func findings() throws -> (AttackCase.Truth, [Finding]) { try shared.get() }

    static func run() throws -> (AttackCase.Truth, [Finding]) {
        let imported = try AttackCaseTests.imported.get()  // the case AttackCaseTests imports, shared
        let db = try CaseDatabase.openForQuery(path: imported.dbPath)
        let rows = try Detections.run(db, catalog: QueryCatalog(), settings: Detections.Settings())
        return (imported.truth, rows.map { Finding(values: Dictionary(uniqueKeysWithValues: zip(Detections.columns, $0))) })
    }

    /// (step, rule, severity at least) — the finding that must report each step.
    static let expected: [(step: String, rule: String, severity: String)] = [
        ("recon", "new-source-ip", "medium"),
        ("scan", "unusual-scan", "high"),
        ("ledger-tamper", "first-write-to-table", "medium"),
        ("bulk-delete", "mass-delete", "high"),
        ("export", "table-export", "high"),
        ("pitr-disabled", "pitr-disabled", "high"),
        ("stream-disabled", "stream-disabled", "high"),
    ]

    @Test func everyStepIsReportedWithItsPrincipalAndWindow() throws {
        let (truth, findings) = try Self.findings()
        let attackKeys: Set<String> = [truth.leakedAccessKeyId, truth.sessionAccessKeyId]
        for (stepName, rule, severity) in Self.expected {
            let step = try #require(truth.step(stepName), "no step \(stepName) in the truth")
            let matching = findings.filter { f in
                f["rule"] == rule && attackKeys.contains(f["access_key_id"] ?? "")
                    && (f["window_start"] ?? "") <= step.end && (f["window_end"] ?? "") >= step.start
                    && !f.evidence.isDisjoint(with: step.eventIDs)
            }
            #expect(!matching.isEmpty, "step \(stepName): no \(rule) finding by the attacker's keys within \(step.start)–\(step.end)")
            let rank = { (s: String?) in Detections.severities.firstIndex(of: s ?? "") ?? 99 }
            #expect(matching.contains { rank($0["severity"]) <= rank(severity) }, "step \(stepName): \(rule) below \(severity)")
        }
        // The tables are right too.
        #expect(findings.contains { $0["rule"] == "unusual-scan" && $0["table"] == "Customers" })
        #expect(findings.contains { $0["rule"] == "first-write-to-table" && $0["table"] == "Ledger" && $0["access_key_id"] == truth.sessionAccessKeyId })
        #expect(findings.contains { $0["rule"] == "table-export" && ($0["title"] ?? "").contains(truth.foreignAccount) })
    }

    @Test func theAttackersSessionKeyResolvesToTheIAMUserWhoseKeyLeaked() throws {
        let (truth, findings) = try Self.findings()
        let bySession = findings.filter { $0["access_key_id"] == truth.sessionAccessKeyId }
        #expect(bySession.count >= 5)
        for f in bySession {
            #expect(f["origin_kind"] == "iam-user")
            #expect(f["origin_arn"] == truth.userArn)
            #expect(f["origin_access_key_id"] == truth.leakedAccessKeyId)
        }
        // The leaked long-term key is its own origin.
        #expect(findings.contains { $0["access_key_id"] == truth.leakedAccessKeyId && $0["origin_arn"] == truth.userArn })
    }

    @Test func normalTrafficRaisesNoHighSeverityFinding() throws {
        let (truth, findings) = try Self.findings()
        let attackKeys: Set<String> = [truth.leakedAccessKeyId, truth.sessionAccessKeyId]
        let attackStart = truth.steps.map(\.start).min() ?? ""
        let high = findings.filter { $0["severity"] == "high" || $0["severity"] == "critical" }
        #expect(!high.isEmpty)
        for f in high {
            #expect(attackKeys.contains(f["access_key_id"] ?? ""), "high finding outside the attack: \(f["rule"] ?? "") \(f["title"] ?? "") \(f["window_start"] ?? "")")
            #expect((f["window_start"] ?? "") >= attackStart)
        }
    }
}

import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore
@testable import DDBTrailSynthetic

/// What ddbtrail said about one change.
struct MixedAnswer: Equatable {
    var eventID: String?
    var method: String
    var confidence: Double
    var reason: String
}

/// Precision and recall over one category of changes.
struct MixedScore {
    var total = 0
    var named = 0
    var correct = 0
    var precision: Double { named == 0 ? 1 : Double(correct) / Double(named) }
    var recall: Double { total == 0 ? 1 : Double(correct) / Double(total) }
    var line: String {
        String(format: "%5d changes, %5d named, %5d right: precision %.4f, recall %.4f", total, named, correct, precision, recall)
    }
}

/// One import of a mixed workload, with what the case database holds afterwards.
struct MixedImport {
    var answers: [String: MixedAnswer] = [:]
    var changes = 0
    var unattributed = 0
    var rejected = false
    var errors: [String] = []

    /// Imports the streams and the CloudTrail logs of `evidence` into a new case, in the given order.
    static func run(_ evidence: String, streamsFirst: Bool) throws -> MixedImport {
        let dbPath = evidence + "/../case-\(streamsFirst ? "streams-first" : "cloudtrail-first").db"
        let importer = try Importer(database: try CaseDatabase.openForImport(path: dbPath), observer: nil)
        var result = MixedImport()
        let parts = streamsFirst ? ["streams", "AWSLogs"] : ["AWSLogs", "streams"]
        for part in parts {
            let report = try importer.importFiles(Importer.expand([evidence + "/" + part]).files)
            result.rejected = result.rejected || report.anyRejected
        }
        let db = try CaseDatabase.openForQuery(path: dbPath)
        for row in try db.rows("""
            SELECT c.stream_event_id, e.event_id, a.method, a.confidence, a.reason
            FROM changes c JOIN change_attributions a ON a.change_id = c.id LEFT JOIN events e ON e.id = a.event_id
            """) {
            let confidence: Double
            if case .real(let r) = row[3] { confidence = r } else { confidence = Double(row[3].int64Value ?? 0) }
            result.answers[row[0].stringValue ?? ""] = MixedAnswer(eventID: row[1].stringValue, method: row[2].stringValue ?? "",
                                                                   confidence: confidence, reason: row[4].stringValue ?? "")
        }
        result.changes = Int(try db.scalar("SELECT count(*) FROM changes").int64Value ?? -1)
        result.unattributed = Int(try db.scalar("""
            SELECT count(*) FROM changes c WHERE NOT EXISTS (SELECT 1 FROM change_attributions a WHERE a.change_id = c.id)
            """).int64Value ?? -1)
        result.errors = try db.rows("SELECT reason FROM import_errors WHERE severity = 'error' LIMIT 5").map { $0[0].stringValue ?? "" }
        return result
    }
}

/// The scores of one import against the truth.
struct MixedScores {
    var keyed = MixedScore(), keyless = MixedScore(), ttl = MixedScore()
    var wrongWithHighConfidence: [String] = []
    /// Keyed changes not named right: "method — reason" → count, and kind → count.
    var keyedMisses: [String: Int] = [:]
    var keyedMissKinds: [String: Int] = [:]
    var keylessMisses: [String: Int] = [:]
    var keylessMissKinds: [String: Int] = [:]

    init(_ answers: [String: MixedAnswer], _ truth: MixedWorkload.Truth) {
        var ttlClaims = 0
        for (id, cause) in truth.causes {
            let answer = answers[id]
            if answer?.method == "ttl" { ttlClaims += 1 }
            switch cause {
            case .ttl:
                ttl.total += 1
                if answer?.method == "ttl" { ttl.correct += 1 }
                if let named = answer?.eventID, (answer?.confidence ?? 0) >= 0.9 { wrongWithHighConfidence.append("\(id) TTL named \(named)") }
            case .call(let expected, let keyLogged):
                if let named = answer?.eventID, named != expected, (answer?.confidence ?? 0) >= 0.9 {
                    wrongWithHighConfidence.append("\(id) \(truth.kinds[id] ?? "") named \(named), not \(expected), at \(answer?.confidence ?? 0): \(answer?.reason ?? "")")
                }
                if keyLogged ? truth.indistinguishable.contains(id) : truth.ambiguousKeyless.contains(id) { continue }
                var score = keyLogged ? keyed : keyless
                score.total += 1
                if let named = answer?.eventID {
                    score.named += 1
                    if named == expected { score.correct += 1 }
                }
                if answer?.eventID != expected {
                    let label = "\(answer?.method ?? "none") — \(Self.generic(answer?.reason ?? "no attribution row"))"
                    if keyLogged {
                        keyedMisses[label, default: 0] += 1
                        keyedMissKinds[truth.kinds[id] ?? "?", default: 0] += 1
                    } else {
                        keylessMisses[label, default: 0] += 1
                        keylessMissKinds[truth.kinds[id] ?? "?", default: 0] += 1
                    }
                }
                if keyLogged { keyed = score } else { keyless = score }
            }
        }
        // Precision of `ttl`: of the changes said to be TTL deletions, how many were.
        ttl.named = ttlClaims
    }

    /// A reason with its numbers blanked, so that reasons group.
    static func generic(_ reason: String) -> String {
        reason.replacingOccurrences(of: #"\d+"#, with: "N", options: .regularExpression)
    }

    func report(_ truth: MixedWorkload.Truth) -> String {
        var lines = ["keyed:    " + keyed.line, "key-less: " + keyless.line, "TTL:      " + ttl.line]
        lines.append("excluded by design: \(truth.indistinguishable.count) indistinguishable keyed, \(truth.ambiguousKeyless.count) ambiguous key-less")
        lines.append("wrong with confidence ≥ 0.9: \(wrongWithHighConfidence.count)")
        for (label, n) in keyedMisses.sorted(by: { $0.value > $1.value }) { lines.append("  keyed miss \(n)× \(label)") }
        for (kind, n) in keyedMissKinds.sorted(by: { $0.value > $1.value }) { lines.append("  keyed miss \(n)× kind \(kind)") }
        for (label, n) in keylessMisses.sorted(by: { $0.value > $1.value }) { lines.append("  key-less miss \(n)× \(label)") }
        for (kind, n) in keylessMissKinds.sorted(by: { $0.value > $1.value }) { lines.append("  key-less miss \(n)× kind \(kind)") }
        for line in wrongWithHighConfidence.prefix(3) { lines.append("  wrong: " + line) }
        return lines.joined(separator: "\n")
    }
}

@Suite(.serialized) struct MixedWorkloadTests {
    static let seed: UInt64 = 20_261_116
    static let steps = 3_000

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ddbtrail-mixed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func contents(of directory: String, _ files: [String]) throws -> [Data] {
        try files.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)) }
    }

    @Test func attributionIsMeasuredOnTheMixedWorkload() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let evidence = directory + "/evidence"
        let truth = try MixedWorkload.write(to: evidence, seed: Self.seed, steps: Self.steps)

        // The workload has what it claims to have.
        var kinds: [String: Int] = [:]
        for kind in truth.kinds.values { kinds[kind, default: 0] += 1 }
        print("mixed workload: \(truth.events) CloudTrail records, \(truth.causes.count) changes, \(truth.files.count) files")
        for (kind, n) in kinds.sorted(by: { $0.key < $1.key }) { print("  \(n) × \(kind)") }
        for kind in ["PutItem INSERT", "PutItem MODIFY", "UpdateItem INSERT", "UpdateItem MODIFY", "DeleteItem REMOVE",
                     "BatchWriteItem put INSERT", "BatchWriteItem put (key-less) INSERT", "BatchWriteItem delete REMOVE",
                     "TransactWriteItems Put INSERT", "TransactWriteItems Update INSERT", "TransactWriteItems Update MODIFY",
                     "ExecuteStatement INSERT INSERT", "ExecuteStatement UPDATE MODIFY", "ExecuteStatement DELETE REMOVE",
                     "BatchExecuteStatement INSERT INSERT", "BatchExecuteStatement UPDATE MODIFY",
                     "ExecuteTransaction INSERT INSERT", "ExecuteTransaction UPDATE MODIFY", "TTL REMOVE",
                     "ExecuteStatement INSERT (beside keyed) INSERT", "PutItem (beside key-less) INSERT",
                     "UpdateItem (same-second pair) MODIFY", "UpdateItem (after a failed one) MODIFY"] {
            #expect((kinds[kind] ?? 0) > 0, "no \(kind) in the workload")
        }
        #expect(!truth.indistinguishable.isEmpty && !truth.ambiguousKeyless.isEmpty)
        #expect(truth.files.contains { $0.hasPrefix("AWSLogs/\(MixedWorkload.account)/CloudTrail/us-east-1/") })
        #expect(truth.files.contains { $0.hasSuffix("/describe-stream.json") })

        let cloudTrailFirst = try MixedImport.run(evidence, streamsFirst: false)
        let streamsFirst = try MixedImport.run(evidence, streamsFirst: true)
        for result in [cloudTrailFirst, streamsFirst] {
            #expect(!result.rejected, "import rejections: \(result.errors)")
            #expect(result.errors.isEmpty, "\(result.errors)")
            #expect(result.changes == truth.causes.count)
            #expect(result.unattributed == 0)
            #expect(Set(result.answers.keys) == Set(truth.causes.keys))
        }
        // The order of the imports does not change any answer.
        var differing = 0
        for (id, a) in cloudTrailFirst.answers where streamsFirst.answers[id] != a { differing += 1 }
        #expect(differing == 0, "\(differing) changes attributed differently by import order")

        let scores = MixedScores(cloudTrailFirst.answers, truth)
        print(scores.report(truth))
        #expect(scores.wrongWithHighConfidence.isEmpty, "\(scores.wrongWithHighConfidence.prefix(5))")
        for (id, cause) in truth.causes where cause == .ttl {
            #expect(cloudTrailFirst.answers[id]?.method == "ttl", "TTL deletion \(id): \(String(describing: cloudTrailFirst.answers[id]))")
        }
        #expect(scores.ttl.precision == 1.0)
        #expect(scores.keyed.recall >= 0.995, "keyed recall \(scores.keyed.recall)")
        #expect(scores.keyed.precision == 1.0, "keyed precision \(scores.keyed.precision)")
        // Key-less calls (PartiQL INSERT, key-less batch puts): matched by table, time and names.
        #expect(scores.keyless.recall >= 0.95, "key-less recall \(scores.keyless.recall)")
        #expect(scores.keyless.precision >= 0.98, "key-less precision \(scores.keyless.precision)")
        // Changes nothing can tell apart are called ambiguous, naming no single call.
        for id in truth.ambiguousKeyless.union(truth.indistinguishable) {
            let answer = cloudTrailFirst.answers[id]
            #expect(answer?.method == "ambiguous" || answer?.eventID == nil, "\(id): \(String(describing: answer))")
        }
    }

    @Test func sameSeedGivesTheSameWorkload() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try MixedWorkload.write(to: directory + "/a", seed: 5, steps: 400)
        let b = try MixedWorkload.write(to: directory + "/b", seed: 5, steps: 400)
        let c = try MixedWorkload.write(to: directory + "/c", seed: 6, steps: 400)
        #expect(a == b)
        #expect(a.files == CorpusGeneratorTests.files(under: directory + "/a"))
        #expect(try Self.contents(of: directory + "/a", a.files) == Self.contents(of: directory + "/b", b.files))
        #expect(a.causes != c.causes)
        #expect(a.files != c.files)
    }
}

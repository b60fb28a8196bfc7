import DDBTrailSQLite
import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

struct AttributionOutcome {
    /// stream eventID → (CloudTrail eventID named or nil, method, confidence)
    var byStreamID: [String: (eventID: String?, method: String, confidence: Double)] = [:]
    var named = 0, correct = 0, wrongHighConfidence = 0, causedByCalls = 0, recalled = 0
    /// The same counts for changes whose cause logs no key for the item (attribution by shape).
    var keylessNamed = 0, keylessCorrect = 0, keylessCaused = 0, keylessRecalled = 0

    var precision: Double { named == 0 ? 1 : Double(correct) / Double(named) }
    var recall: Double { causedByCalls == 0 ? 1 : Double(recalled) / Double(causedByCalls) }
    var keylessPrecision: Double { keylessNamed == 0 ? 1 : Double(keylessCorrect) / Double(keylessNamed) }
    var keylessRecall: Double { keylessCaused == 0 ? 1 : Double(keylessRecalled) / Double(keylessCaused) }
}

/// Imports a generated workload (stream first or CloudTrail first) and scores the attribution.
func attribute(_ workload: ChangeWorkload, streamFirst: Bool) throws -> AttributionOutcome {
    let c = try Case()
    try write(Array(workload.cloudTrail.utf8), to: c.directory + "/ct/trail.json")
    try write(Array(workload.stream.utf8), to: c.directory + "/stream/lambda-event.json")
    let order = streamFirst ? [c.directory + "/stream", c.directory + "/ct"] : [c.directory + "/ct", c.directory + "/stream"]
    for path in order {
        let report = try c.importPaths([path])
        #expect(!report.anyRejected, "\(c.observer.diagnostics.prefix(3).map(\.description))")
    }
    var outcome = AttributionOutcome()
    for row in try c.rows("""
        SELECT c.stream_event_id, e.event_id, a.method, a.confidence
        FROM changes c JOIN change_attributions a ON a.change_id = c.id LEFT JOIN events e ON e.id = a.event_id
        """) {
        let streamID = row[0].stringValue ?? ""
        let named = row[1].stringValue
        let confidence: Double
        if case .real(let r) = row[3] { confidence = r } else { confidence = Double(row[3].int64Value ?? 0) }
        outcome.byStreamID[streamID] = (named, row[2].stringValue ?? "", confidence)
        let truth = workload.truth[streamID] ?? nil
        let keyless = workload.keyless.contains(streamID)
        if let named {
            if keyless {
                outcome.keylessNamed += 1
                if named == truth { outcome.keylessCorrect += 1 }
            } else {
                outcome.named += 1
                if named == truth { outcome.correct += 1 }
            }
            if named != truth && confidence >= 0.9 { outcome.wrongHighConfidence += 1 }
        }
        if let truth, !workload.indistinguishable.contains(streamID) {
            if keyless {
                outcome.keylessCaused += 1
                if named == truth { outcome.keylessRecalled += 1 }
            } else {
                outcome.causedByCalls += 1
                if named == truth { outcome.recalled += 1 }
            }
        }
    }
    return outcome
}

@Suite(.serialized) struct AttributionTests {
    static let workload = ChangeWorkload.generate(seed: 7, steps: 1500)

    @Test func generatedWorkloadIsAttributed() throws {
        let outcome = try attribute(Self.workload, streamFirst: false)
        #expect(outcome.byStreamID.count == Self.workload.truth.count)
        #expect(outcome.recall >= 0.995, "recall \(outcome.recall)")
        #expect(outcome.wrongHighConfidence == 0)
        #expect(outcome.precision >= 0.99, "precision \(outcome.precision)")
        #expect(outcome.keylessCaused > 50 && outcome.keylessRecall >= 0.95, "key-less recall \(outcome.keylessRecall) of \(outcome.keylessCaused)")
        #expect(outcome.keylessPrecision >= 0.98, "key-less precision \(outcome.keylessPrecision)")
        // TTL deletions are explained, never pinned on a caller.
        for (id, cause) in Self.workload.truth where cause == nil {
            #expect(outcome.byStreamID[id]?.method == "ttl")
            #expect(outcome.byStreamID[id]?.eventID == nil)
        }
        // Same-second writes that nothing can tell apart are never named with high confidence.
        for id in Self.workload.indistinguishable {
            let result = try #require(outcome.byStreamID[id])
            #expect(result.method == "ambiguous" || result.confidence < 0.9 || result.eventID == (Self.workload.truth[id] ?? nil))
        }
        print("attribution on \(Self.workload.truth.count) generated changes: keyed precision \(outcome.precision), recall \(outcome.recall), named \(outcome.named); key-less precision \(outcome.keylessPrecision), recall \(outcome.keylessRecall) of \(outcome.keylessCaused); wrong with confidence ≥ 0.9: \(outcome.wrongHighConfidence)")
    }

    @Test func importOrderDoesNotChangeTheAnswer() throws {
        let small = ChangeWorkload.generate(seed: 11, steps: 400)
        let a = try attribute(small, streamFirst: false)
        let b = try attribute(small, streamFirst: true)
        #expect(a.byStreamID.count == b.byStreamID.count)
        for (id, x) in a.byStreamID {
            let y = try #require(b.byStreamID[id])
            #expect(x.eventID == y.eventID && x.method == y.method, "\(id)")
        }
    }

    /// CloudTrail arriving in ten imports after the stream (each small enough for the scoped
    /// recompute) gives the answer of one import of everything, key-less calls included.
    @Test func incrementalImportsGiveTheAnswerOfOneImport() throws {
        let small = ChangeWorkload.generate(seed: 5, steps: 600)
        let whole = try attribute(small, streamFirst: false)
        let c = try Case()
        try write(Array(small.stream.utf8), to: c.directory + "/stream/lambda-event.json")
        try c.importPaths([c.directory + "/stream"])
        let lines = small.cloudTrail.split(separator: "\n").filter { $0.hasPrefix("{\"eventVersion") }
            .map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }
        #expect(lines.count > 500)
        for part in 0..<10 {
            let records = lines.enumerated().filter { $0.offset % 10 == part }.map(\.element)
            try write(logFile(records), to: c.directory + "/ct-\(part).json")
            try c.importPaths([c.directory + "/ct-\(part).json"])
        }
        let rows = try c.rows("""
            SELECT c.stream_event_id, e.event_id, a.method FROM changes c JOIN change_attributions a ON a.change_id = c.id
            LEFT JOIN events e ON e.id = a.event_id
            """)
        #expect(rows.count == whole.byStreamID.count)
        var keylessNamed = 0
        for row in rows {
            let id = row[0].stringValue ?? ""
            let expected = try #require(whole.byStreamID[id])
            #expect(row[1].stringValue == expected.eventID && row[2].stringValue == expected.method, "\(id): \(row[1].stringValue ?? "-") \(row[2].stringValue ?? "-") vs \(expected.eventID ?? "-") \(expected.method)")
            if small.keyless.contains(id), row[1].stringValue != nil { keylessNamed += 1 }
        }
        #expect(keylessNamed > 20)
    }

    /// A change matched by shape shows its call, and the call's access shows the inferred key
    /// (never in item_key); an ambiguous one names every call weighed.
    @Test func keylessLinksShowBothWays() throws {
        let c = try Case()
        try write(Array(Self.workload.cloudTrail.utf8), to: c.directory + "/ct/trail.json")
        try write(Array(Self.workload.stream.utf8), to: c.directory + "/stream/lambda-event.json")
        try c.importPaths([c.directory])
        let mismatched = try c.count("""
            SELECT count(*) FROM change_attributions a JOIN changes c ON c.id = a.change_id
            JOIN item_accesses x ON x.id = a.item_access_id
            WHERE a.method = 'matched-by-shape' AND (x.inferred_item_key IS NOT c.item_key OR x.item_key IS NOT NULL)
            """)
        #expect(mismatched == 0)
        let byShape = try c.count("SELECT count(*) FROM change_attributions WHERE method = 'matched-by-shape'")
        #expect(byShape > 50)
        #expect(try c.count("SELECT count(*) FROM item_accesses WHERE inferred_item_key IS NOT NULL") == byShape)
        // Every ambiguous result names at least two calls.
        #expect(try c.count("""
            SELECT count(*) FROM change_attributions a WHERE a.method = 'ambiguous'
              AND (SELECT count(DISTINCT event_id) FROM attribution_candidates WHERE change_id = a.change_id) < 2
            """) == 0)
        #expect(try c.count("SELECT count(*) FROM change_attributions WHERE method = 'ambiguous'") > 0)
        // The item query finds the key-less call through the inferred key, marked as not logged.
        let key = try #require(try c.rows("""
            SELECT x.inferred_item_key, e.event_id FROM item_accesses x JOIN events e ON e.id = x.event_id
            WHERE x.inferred_item_key IS NOT NULL LIMIT 1
            """).first)
        let query = try #require(QueryFile.embedded("item-accesses"))
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let result = try QueryRunner.rows(db, sql: query.sql, parameters: ["table": "Orders", "key": key[0].stringValue ?? ""])
        let logged = try #require(result.columns.firstIndex(of: "key_logged"))
        let eventColumn = try #require(result.columns.firstIndex(of: "event_id"))
        let row = try #require(result.rows.first { $0[eventColumn].stringValue == key[1].stringValue })
        #expect(row[logged].int64Value == 0)
    }

    /// Two calls of one second that fit equally cannot be told apart, even when one principal made
    /// both: both changes are ambiguous and name both calls; an UpdateItem that creates its item
    /// fits although its expression does not name the key attributes.
    @Test func sameSecondTiesAreAmbiguousAndUpdatesMayCreate() {
        let t: Int64 = 1_793_000_000
        let touches = Attribution.Declared.touches(["status"])
        func write(_ access: Int64, eventID: String) -> Attribution.Write {
            var w = Attribution.Write(accessID: access, eventID: access, operation: "UpdateItem", time: t, principal: 7, declared: touches)
            w.tiebreak = Array(eventID.utf8).withUnsafeBufferPointer(Attribution.prefixKey)
            return w
        }
        func change(_ id: Int64, _ type: String, diff: [String]) -> Attribution.Change {
            Attribution.Change(id: id, sequence: String(id), type: type, timeMicros: t * 1_000_000, precision: "second",
                               ttl: false, diffNames: diff, newNames: nil)
        }
        let key = #"{"pk":"a","sk":"b"}"#
        var writes = [write(1, eventID: "b-second"), write(2, eventID: "a-first")]
        let pair = Attribution.assign([change(10, "MODIFY", diff: ["status"]), change(11, "MODIFY", diff: ["status"])],
                                      writes: &writes, table: 1, key: key, coverage: (t - 10, t + 10))
        #expect(pair.map(\.1.method) == ["ambiguous", "ambiguous"])
        #expect(pair.allSatisfy { Set(($0.1.considered ?? []).map(\.event)) == [1, 2] })

        var creator = [write(3, eventID: "c")]
        let created = Attribution.assign([change(12, "INSERT", diff: ["pk", "sk", "status"])],
                                         writes: &creator, table: 1, key: key, coverage: (t - 10, t + 10))
        #expect(created.first?.1.method == "matched" && created.first?.1.eventID == 3 && created.first?.1.confidence == 0.99)
        // An INSERT that added an attribute the expression does not name is not this call's.
        var other = [write(4, eventID: "d")]
        let wrong = Attribution.assign([change(13, "INSERT", diff: ["pk", "sk", "status", "note"])],
                                       writes: &other, table: 1, key: key, coverage: (t - 10, t + 10))
        #expect(wrong.first?.1.method == "no-candidate")
    }

    /// The names attribution reads from stored diffs and images, without building their values.
    @Test func memberNamesAreReadAtTheirDepth() {
        let diff = #"{"added":{"a":{"x":1,"y":[{"z":2}]},"b.c":"s"},"removed":{"\"q.r\"":null},"changed":{"d[2]":{"old":"{\"","new":[1,{"k":3}]}}}"#
        func names(_ text: String, _ depth: Int) -> [String] {
            Array(text.utf8).withUnsafeBufferPointer { Attribution.memberNames($0, depth: depth) }
        }
        #expect(names(diff, 1) == ["added", "removed", "changed"])
        #expect(names(diff, 2) == ["a", "b.c", "\"q.r\"", "d[2]"])
        #expect(names(diff, 2).map(Attribution.topLevelName) == ["a", "b", "q.r", "d"])
        #expect(names(#"{"name":"v","tags":["a","b"],"m":{"n":1}}"#, 1) == ["name", "tags", "m"])
        #expect(names("{}", 1).isEmpty)
        #expect(names("[]", 1).isEmpty)
        // Malformed text gives what can be found and never traps.
        #expect(names(#"}}]{"a":1}"#, 1).isEmpty)
        #expect(names(#"{"a":{"b":"#, 2) == ["b"])
    }

    /// Bare words of an update expression are attribute names; placeholders, keywords, numbers
    /// and members after a dot are not.
    @Test func updateExpressionNamesAreDeclared() throws {
        let json = try JSONParser.parse(#"{"updateExpression":"SET total = :t, address.city = :c, #n = if_not_exists(#n, :z) REMOVE notes[2] ADD visits :one","names":["status"]}"#)
        guard case .touches(let names) = Attribution.declared(json) else {
            Issue.record("expected the touched attributes")
            return
        }
        #expect(names == ["total", "address", "notes", "visits", "status"])
    }

    @Test func byteSearchFindsSubstrings() {
        #expect(ByteScan.contains("arn:aws:dynamodb:eu-west-1:1:table/T/stream/2024", "/stream/"))
        #expect(!ByteScan.contains("arn:aws:dynamodb:eu-west-1:1:table/T", "/stream/"))
        #expect(!ByteScan.contains("/str", "/stream/"))
        #expect(ByteScan.contains("/stream/", "/stream/"))
        #expect(ByteScan.contains("x", ""))
    }

    @Test func noDataEventsIsExplained() throws {
        let c = try Case()
        try write(Array(Self.workload.stream.utf8), to: c.directory + "/stream.json")
        try c.importPaths([c.directory + "/stream.json"])
        let methods = try c.rows("SELECT DISTINCT method FROM change_attributions ORDER BY 1").compactMap { $0[0].stringValue }
        #expect(methods == ["no-data-events", "ttl"])
    }
}

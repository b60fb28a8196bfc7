import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// A second copy of a stored event (same eventID and recipient account) is a plain duplicate when
/// it holds the same JSON value, however serialised, and a conflicting copy, kept byte-exact and
/// reported, when its value differs.
@Suite struct ConflictingCopyTests {
    /// `record(...)` with a non-ASCII user agent holding slashes, so escapes have work to do.
    static func original(_ id: String) -> String {
        record(id).replacingOccurrences(of: #""readOnly":true"#, with: #""readOnly":true,"userAgent":"café/1.0 (tool)""#)
    }

    /// The same value written differently: members in reverse order, spaces and line breaks,
    /// `/` as `\/` and non-ASCII as `\u` escapes.
    static func reserialised(_ value: JSON) -> String {
        switch value.built {
        case .object(let o):
            return "{\n  " + o.members.reversed().map { quoted($0.key) + " : " + reserialised($0.value) }.joined(separator: " ,\n  ") + "\n}"
        case .array(let a): return "[ " + a.map(reserialised).joined(separator: ", ") + " ]"
        case .string(let s): return quoted(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return "null"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += "\\/"
            case _ where scalar.value < 0x20 || scalar.value > 0x7E:
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A string as a JSON string literal (for records carried inside strings).
    static func embedded(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func copies(_ c: Case) throws -> [(raw: SQLValue, conflicting: Int64?)] {
        try c.rows("SELECT raw, conflicting FROM event_copies ORDER BY source_file_id, record_index").map { ($0[0], $0[1].int64Value) }
    }

    @Test func aByteIdenticalCopyInAnotherFileIsAPlainDuplicate() throws {
        let c = try Case()
        try write(logFile([Self.original("e1")]), to: c.directory + "/in/a.json")
        try gzip(logFile([record("e2"), Self.original("e1")]), to: c.directory + "/in/b.json.gz")
        let report = try c.importPaths([c.directory + "/in"])
        #expect(report.duplicates == 1)
        #expect(report.conflicting == 0)
        let copies = try Self.copies(c)
        #expect(copies.count == 1)
        #expect(copies.first?.raw == .null)
        #expect(copies.first?.conflicting == 0)
        #expect(try c.count("SELECT count(*) FROM import_errors") == 0)
    }

    @Test func copiesThroughOtherChannelsAndSerialisationsAreDuplicates() throws {
        let c = try Case()
        let text = Self.original("e1")
        let again = Self.reserialised(try JSONParser.parse(text))
        // The test's premise: the bytes differ, the object comparison of the parser keeps order.
        #expect(again != text)
        #expect(again.contains(#"caf\u00e9\/1.0"#))
        #expect(try JSONParser.parse(again) != JSONParser.parse(text))
        try write(logFile([text]), to: c.directory + "/in/1-s3.json")
        try write(logFile([again]), to: c.directory + "/in/2-rewritten.json")
        let bus = #"{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.dynamodb","account":"111122223333","detail":"# + again + "}"
        try write(Array(bus.utf8), to: c.directory + "/in/3-eventbridge.json")
        let lookup = #"{"Events":[{"EventId":"e1","EventName":"GetItem","CloudTrailEvent":"# + Self.embedded(again) + "}]}"
        try write(Array(lookup.utf8), to: c.directory + "/in/4-lookup.json")
        let report = try c.importPaths([c.directory + "/in"])
        #expect(report.files.map { $0.format ?? "" } == ["cloudtrail-log-file", "cloudtrail-log-file", "eventbridge", "cloudtrail-lookup-events"])
        #expect(report.imported == 1)
        #expect(report.duplicates == 3, "\(c.observer.diagnostics)")
        #expect(report.conflicting == 0)
        #expect(try c.count("SELECT count(*) FROM event_copies WHERE conflicting = 0 AND raw IS NULL") == 3)
        #expect(try c.count("SELECT count(*) FROM import_errors") == 0)
    }

    @Test func aCopyWithAChangedValueIsConflictingKeptByteExactAndReported() throws {
        let c = try Case()
        let text = Self.original("e1")
        let forged = text.replacingOccurrences(of: "203.0.113.66", with: "198.51.100.7")
        try write(logFile([record("e0"), text]), to: c.directory + "/a.json")
        let copyFile = "{\"Records\":[\n  " + record("e2") + ",\n  " + forged + "\n]}"
        try write(Array(copyFile.utf8), to: c.directory + "/b.json")
        let report = try c.importPaths([c.directory + "/a.json", c.directory + "/b.json"])
        #expect(report.imported == 3)
        #expect(report.duplicates == 1)
        #expect(report.conflicting == 1)
        #expect(report.files.map(\.conflicting) == [0, 1])

        // The copy's bytes, exactly as in the file; the stored event keeps the first copy.
        let copy = try #require(try c.rows("SELECT raw, conflicting, record_index, record_offset, record_length FROM event_copies").first)
        #expect(copy[0] == .text(Array(forged.utf8)))
        #expect(copy[1].int64Value == 1)
        #expect(copy[2].int64Value == 1)
        let offset = Int(copy[3].int64Value ?? -1), length = Int(copy[4].int64Value ?? -1)
        #expect(Array(copyFile.utf8)[offset..<offset + length].elementsEqual(forged.utf8))
        #expect(try c.rows("SELECT source_ip FROM events WHERE event_id = 'e1'").first?[0].stringValue == "203.0.113.66")
        #expect(try c.rows("SELECT event_record(id) FROM events WHERE event_id = 'e1'").first?[0] == .text(Array(text.utf8)))

        // A warning on the stored event, at the copy's position, naming the eventID and the member.
        let warning = try #require(try c.rows("""
            SELECT e.event_id, w.record_index, f.path, w.reason FROM import_errors w
            JOIN events e ON e.id = w.event_id JOIN source_files f ON f.id = w.source_file_id WHERE w.severity = 'warning'
            """).first)
        #expect(warning[0].stringValue == "e1")
        #expect(warning[1].int64Value == 1)
        #expect(warning[2].stringValue?.hasSuffix("/b.json") == true)
        #expect(warning[3].stringValue?.contains("eventID e1") == true)
        #expect(warning[3].stringValue?.contains("first at sourceIPAddress") == true)
        #expect(warning[3].stringValue?.contains("/a.json#1") == true)
        #expect(try c.count("SELECT count(*) FROM import_errors") == 1)
        let diagnostic = try #require(c.observer.diagnostics.first)
        #expect(c.observer.diagnostics.count == 1)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.record == 1)
        #expect(diagnostic.description.contains("b.json#1: warning: eventID e1"))

        // The info section lists it with both positions.
        let query = try #require(CaseInfo.sections.first { $0.name == "info-conflicting-copies" })
        #expect(query.title == "Conflicting copies of CloudTrail events")
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let statement = try QueryRunner.prepare(db, query: query, arguments: [:])
        var rows: [[String: SQLValue]] = []
        while try statement.step() { rows.append(Dictionary(uniqueKeysWithValues: zip(statement.columnNames, statement.row()))) }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["event_id"]?.stringValue == "e1")
        #expect(row["event_time"]?.stringValue == "2026-11-03T01:00:00Z")
        #expect(row["event_name"]?.stringValue == "GetItem")
        #expect(row["stored_path"]?.stringValue?.hasSuffix("/a.json") == true)
        #expect(row["stored_record"]?.int64Value == 1)
        #expect(row["copy_path"]?.stringValue?.hasSuffix("/b.json") == true)
        #expect(row["copy_record"]?.int64Value == 1)
        let sink = StringOutputSink()
        try CaseInfo.render(db, options: RenderOptions(format: .jsonl), sink: sink, only: "conflicting_copies")
        #expect(sink.text.contains(#""copy_record":1"#))
    }

    @Test func aChangedRepeatInsideOneFileIsConflicting() throws {
        // Both copies reach the writer in one batch: the stored one is the row just inserted.
        let c = try Case()
        let forged = record("e1").replacingOccurrences(of: #""readOnly":true"#, with: #""readOnly":false"#)
        try write(logFile([record("e1"), record("e2"), forged, record("e1")]), to: c.directory + "/a.json")
        let report = try c.importPaths([c.directory + "/a.json"])
        #expect(report.imported == 2)
        #expect(report.duplicates == 2)
        #expect(report.conflicting == 1)
        #expect(try c.rows("SELECT record_index, conflicting FROM event_copies ORDER BY record_index").map { $0.map(\.int64Value) }
                == [[2, 1], [3, 0]])
        #expect(try c.rows("SELECT reason FROM import_errors").first?[0].stringValue?.contains("first at readOnly") == true)
    }

    @Test func reimportingAddsNothingAndACompletedImportCountsTheConflictOnce() throws {
        let c = try Case()
        try write(logFile([record("e1")]), to: c.directory + "/in/a.json")
        try write(logFile([record("e1").replacingOccurrences(of: "alice", with: "mallory")]), to: c.directory + "/in/b.json")
        let first = try c.importPaths([c.directory + "/in"])
        #expect(first.conflicting == 1)
        let tables = ["events", "event_copies", "import_errors"]
        let before = try tables.map { try c.count("SELECT count(*) FROM \($0)") }
        #expect(before == [1, 1, 1])

        let second = try c.importPaths([c.directory + "/in"])
        #expect(second.files.allSatisfy { $0.status.rawValue == "already-imported" })
        #expect(second.conflicting == 0)
        #expect(try tables.map { try c.count("SELECT count(*) FROM \($0)") } == before)

        // An interrupted import of the copy's file is completed, not doubled.
        let db = try CaseDatabase.openForImport(path: c.dbPath)
        try db.run("UPDATE source_files SET import_finished_at = NULL WHERE path LIKE '%/b.json'")
        let resumed = try c.importPaths([c.directory + "/in"])
        #expect(resumed.conflicting == 1)
        #expect(try tables.map { try c.count("SELECT count(*) FROM \($0)") } == before)
        #expect(try c.count("SELECT count(*) FROM event_copies WHERE conflicting = 1 AND raw IS NOT NULL") == 1)
    }
}

@Suite struct JSONContentTests {
    func difference(_ a: String, _ b: String) -> String? {
        JSON.contentDifference(Array(a.utf8), Array(b.utf8))
    }

    @Test func orderWhitespaceAndEscapesDoNotCount() throws {
        #expect(difference(#"{"a":1,"b":{"x":"p/q","y":[1,2]}}"#, #"{ "b" : { "y" : [ 1 , 2 ], "x" : "p\/q" }, "a" : 1 }"#) == nil)
        #expect(difference(#"{"s":"é\n"}"#, #"{"s":"\u00e9\u000a"}"#) == nil)
        #expect(difference(#"{"s":"😀"}"#, #"{"s":"\ud83d\ude00"}"#) == nil)
        // Order-sensitive object equality is why a separate comparison exists.
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) != JSONParser.parse(#"{"b":2,"a":1}"#))
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#).sameContent(as: JSONParser.parse(#"{"b":2,"a":1}"#)))
    }

    @Test func differencesAreFoundAndNamed() {
        #expect(difference(#"{"a":{"b":[1,{"c":"x"}]}}"#, #"{"a":{"b":[1,{"c":"y"}]}}"#) == "a.b[1].c")
        // Numbers compare by their text; arrays by position.
        #expect(difference(#"{"n":1.0}"#, #"{"n":1}"#) == "n")
        #expect(difference(#"{"r":[1,2]}"#, #"{"r":[2,1]}"#) == "r[0]")
        #expect(difference(#"{"r":[1,2]}"#, #"{"r":[1]}"#) == "r[1]")
        // A member only one side has, wherever it sits; a change of type.
        #expect(difference(#"{"a":1,"z":2}"#, #"{"z":2,"a":1,"m":null}"#) == "m")
        #expect(difference(#"{"a":"1"}"#, #"{"a":1}"#) == "a")
        // Canonically equivalent but different code points (é precomposed, e + U+0301) differ.
        #expect(difference("{\"s\":\"\u{E9}\"}", "{\"s\":\"e\u{301}\"}") == "s")
        // Duplicate names keep their relative order.
        #expect(difference(#"{"d":1,"d":2}"#, #"{"d":1, "d":2}"#) == nil)
        #expect(difference(#"{"d":1,"d":2,"e":0}"#, #"{"e":0,"d":1,"d":2}"#) == nil)
        #expect(difference(#"{"d":1,"d":2}"#, #"{"d":2,"d":1}"#) == "d")
    }

    @Test func textThatIsNotUTF8JSONDiffersUnlessIdentical() {
        let a: [UInt8] = Array(#"{"s":""#.utf8) + [0xFF] + Array(#""}"#.utf8)
        let b: [UInt8] = Array(#"{"s":""#.utf8) + [0xFE] + Array(#""}"#.utf8)
        // Both would parse to U+FFFD: the bytes decide.
        #expect(JSON.contentDifference(a, a) == nil)
        #expect(JSON.contentDifference(a, b) == "")
        #expect(JSON.contentDifference(Array("{".utf8), Array("{ ".utf8)) == "")
    }
}

import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// Format detection past a damaged first record: a file of good records is still recognised,
/// and the damaged record is rejected with its position like any other.
@Suite struct DetectionTests {
    static let streamARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/stream/2026-11-01T00:00:00.000"

    /// A Lambda / GetRecords stream record for order `order`; `dynamodb` replaces its change data.
    static func streamRecord(_ id: Int, dynamodb: String? = nil) -> String {
        let change = dynamodb ?? """
            {"ApproximateCreationDateTime":\(1_793_408_400 + id),"Keys":{"OrderId":{"S":"o-\(id)"}},\
            "NewImage":{"OrderId":{"S":"o-\(id)"},"Total":{"N":"\(id)9.95"},"Status":{"S":"PLACED"}},\
            "SequenceNumber":"\(4_000_000 + id)00000000012345678","SizeBytes":71,"StreamViewType":"NEW_AND_OLD_IMAGES"}
            """
        return """
            {"eventID":"c81e728d9d4c2f636f067f89cc14862\(id)","eventName":"INSERT","eventVersion":"1.1",\
            "eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":\(change),"eventSourceARN":"\(streamARN)"}
            """
    }

    static let malformedRecord = streamRecord(1, dynamodb: #""oops""#)

    /// Writes `text` into a fresh case's input folder and imports it.
    static func importText(_ text: String, name: String) throws -> Case {
        let c = try Case()
        try write(Array(text.utf8), to: c.directory + "/in/" + name)
        try c.importPaths([c.directory + "/in/" + name])
        return c
    }

    static func detection(_ text: String) throws -> ReaderRegistry.FormatMatch {
        let path = try temporaryDirectory() + "/head.json"
        try write(Array(text.utf8), to: path)
        return try RecordStream(path: path).match
    }

    /// The file's row: format, status, records imported, records rejected.
    static func fileRow(_ c: Case) throws -> (format: String?, status: String?, imported: Int64?, rejected: Int64?) {
        let row = try #require(try c.rows("SELECT format, status, records_imported, records_rejected FROM source_files").first)
        return (row[0].stringValue, row[1].stringValue, row[2].int64Value, row[3].int64Value)
    }

    /// The only import_errors row: record index, offset, line, reason.
    static func onlyError(_ c: Case) throws -> (index: Int64?, offset: Int64?, line: Int64?, reason: String) {
        let rows = try c.rows("SELECT record_index, record_offset, record_line, reason FROM import_errors")
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        return (row[0].int64Value, row[1].int64Value, row[2].int64Value, row[3].stringValue ?? "")
    }

    @Test func recordsDocumentWithMalformedFirstRecordImportsTheRest() throws {
        let text = #"{"Records":["# + [Self.malformedRecord, Self.streamRecord(2), Self.streamRecord(3)].joined(separator: ",") + "]}"
        let match = try Self.detection(text)
        guard case .reader(let reader, let reason) = match else {
            Issue.record("not detected: \(match)")
            return
        }
        #expect(reader.name == "dynamodb-stream-records")
        #expect(reason == "a Records array of DynamoDB stream records (record 1 is not of this shape; record 2 is)")

        let c = try Self.importText(text, name: "lambda-event.json")
        let file = try Self.fileRow(c)
        #expect(file.format == "dynamodb-stream-records")
        #expect(file.status == "imported")
        #expect(file.imported == 2)
        #expect(file.rejected == 1)
        #expect(try c.count("SELECT count(*) FROM changes") == 2)
        #expect(try c.count("SELECT count(*) FROM changes WHERE item_key LIKE '%o-1%'") == 0)
        let error = try Self.onlyError(c)
        #expect(error.index == 0)
        #expect(error.offset == Int64(#"{"Records":["#.utf8.count))
        #expect(error.line == nil)
        #expect(error.reason.contains("not a DynamoDB stream record"))
    }

    @Test func jsonLinesWithMalformedFirstRecordImportTheRest() throws {
        let text = [Self.malformedRecord, Self.streamRecord(2), Self.streamRecord(3)].joined(separator: "\n") + "\n"
        let match = try Self.detection(text)
        guard case .reader(let reader, let reason) = match else {
            Issue.record("not detected: \(match)")
            return
        }
        #expect(reader.name == "dynamodb-stream-records")
        #expect(reason == "JSON lines of DynamoDB stream records (record 1 is not of this shape; record 2 is)")

        let c = try Self.importText(text, name: "consumer.jsonl")
        let file = try Self.fileRow(c)
        #expect(file.format == "dynamodb-stream-records")
        #expect(file.status == "imported")
        #expect(file.rejected == 1)
        #expect(try c.count("SELECT count(*) FROM changes") == 2)
        #expect(try c.count("SELECT min(record_line) FROM changes") == 2)
        let error = try Self.onlyError(c)
        #expect(error.index == 0)
        #expect(error.offset == 0)
        #expect(error.line == 1)
        #expect(error.reason.contains("not a DynamoDB stream record"))
    }

    @Test func jsonLinesWithBrokenFirstLineImportTheRest() throws {
        let text = #"{"eventID":"1","# + "\n" + [Self.streamRecord(2), Self.streamRecord(3)].joined(separator: "\n") + "\n"
        let head = Head(path: "broken.jsonl", bytes: Array(text.utf8)[...], complete: true)
        #expect(head.jsonLines && head.firstLineBroken && head.firstElement == nil)
        let match = try Self.detection(text)
        guard case .reader(let reader, let reason) = match else {
            Issue.record("not detected: \(match)")
            return
        }
        #expect(reader.name == "dynamodb-stream-records")
        #expect(reason.hasSuffix("(record 1 is not of this shape; record 2 is)"))

        let c = try Self.importText(text, name: "broken.jsonl")
        let file = try Self.fileRow(c)
        #expect(file.format == "dynamodb-stream-records")
        #expect(file.status == "imported")
        #expect(file.imported == 2)
        #expect(file.rejected == 1)
        #expect(try c.count("SELECT count(*) FROM changes") == 2)
        let error = try Self.onlyError(c)
        #expect(error.index == 0)
        #expect(error.line == 1)
        #expect(error.reason.hasPrefix("broken JSON"))
    }

    @Test func cloudTrailJSONLinesWithBrokenFirstLineImportTheRest() throws {
        let text = String(record("e-1").prefix(60)) + "\n" + [record("e-2"), record("e-3", name: "PutItem")].joined(separator: "\n") + "\n"
        #expect(try readerNameOf(text) == "cloudtrail-json")
        let c = try Self.importText(text, name: "siem.jsonl")
        let file = try Self.fileRow(c)
        #expect(file.format == "cloudtrail-json")
        #expect(file.status == "imported")
        #expect(file.imported == 2)
        #expect(file.rejected == 1)
        #expect(try c.count("SELECT count(*) FROM events") == 2)
        let error = try Self.onlyError(c)
        #expect(error.line == 1)
        #expect(error.reason.hasPrefix("broken JSON"))
    }

    @Test func prefixedLinesWithBrokenFirstLineImportTheRest() throws {
        let text = "2026-11-03T01:00:00.000Z " + String(record("e-1").prefix(60)) + "\n"
            + "2026-11-03T01:00:01.000Z " + record("e-2") + "\n"
        #expect(try readerNameOf(text) == "cloudwatch-logs-export")
        let c = try Self.importText(text, name: "000000.txt")
        #expect(try c.count("SELECT count(*) FROM events") == 1)
        #expect(try Self.onlyError(c).line == 1)
    }

    @Test func prettyPrintedDocumentDetectsAsBefore() throws {
        let object = try JSONSerialization.jsonObject(with: Data(
            (#"{"Records":["# + [Self.streamRecord(1), Self.streamRecord(2)].joined(separator: ",") + "]}").utf8))
        let pretty = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
        #expect(pretty.split(separator: "\n").count > 20)
        let match = try Self.detection(pretty)
        guard case .reader(let reader, let reason) = match else {
            Issue.record("not detected: \(match)")
            return
        }
        #expect(reader.name == "dynamodb-stream-records")
        #expect(reason == "a Records array of DynamoDB stream records")
        let c = try Self.importText(pretty, name: "pretty.json")
        #expect(try c.count("SELECT count(*) FROM changes") == 2)
        #expect(try c.count("SELECT count(*) FROM import_errors") == 0)
    }

    @Test func damagedPrettyDocumentIsNotTakenForLines() throws {
        // One-line objects closing arrays parse on their own; the rest of the lines do not.
        let text = """
            {
              "Items": [
                {"OrderId": {"S": "o-1"}},
                {"OrderId": {"S": "o-2"}}
              ],
              "Count": 2,
              "ScannedCount":
            """
        let head = Head(path: "scan.json", bytes: Array(text.utf8)[...], complete: true)
        #expect(!head.jsonLines)
        #expect(!head.firstLineBroken)
        #expect(try readerNameOf(text) == "unrecognised")
    }

    @Test func laterRecordClaimedByTwoReadersIsAmbiguous() throws {
        // Record 2 is both a digest and a CloudTrail record, which neither reader may decide alone.
        let text = #"{"junk":1}"# + "\n" + #"{"digestStartTime":"2026-11-03T00:00:00Z","logFiles":[],"eventName":"GetItem"}"# + "\n"
        let match = try Self.detection(text)
        guard case .ambiguous(let names) = match else {
            Issue.record("not ambiguous: \(match)")
            return
        }
        #expect(names.count == 2)
        #expect(names.contains { $0.hasPrefix("cloudtrail-digest (") && $0.hasSuffix("; record 1 is not of this shape; record 2 is)") })
        #expect(names.contains { $0.hasPrefix("cloudtrail-json (") })
    }

    @Test func linesOfNoKnownShapeStayUnrecognised() throws {
        let text = (1...10).map { #"{"id":\#($0),"colour":"blue"}"# }.joined(separator: "\n") + "\n"
        let match = try Self.detection(text)
        guard case .unrecognised(let why) = match else {
            Issue.record("detected: \(match)")
            return
        }
        #expect(why.contains("[id, colour]"))
    }

    private func readerNameOf(_ text: String) throws -> String {
        let path = try temporaryDirectory() + "/input"
        try write(Array(text.utf8), to: path)
        return try readerName(path, absolute: true)
    }
}

import Foundation
import Testing
@testable import DDBTrailCore

/// What one file turned into, read the way the importer reads it: detect on the head, cut with
/// the reader's layout, unwrap each element.
struct ChangeRun {
    var reader: String
    var changes: [(record: ChangeRecord, raw: [UInt8])] = []
    var contexts: [ChangeContext] = []
    var rejected: [String] = []
    var cloudTrail = 0
    /// Metric elements (the change readers should make none).
    var metrics = 0
    var damage: [String] = []
}

enum ChangeRunError: Error { case notDetected(String) }

/// Reads a file through the importer's own read loop: `RecordStream` detects the format and
/// cuts the elements, `PreparedItem.prepare` unwraps and normalises each one.
func readChanges(_ relative: String) throws -> ChangeRun {
    let stream = try RecordStream(path: relative.hasPrefix("/") ? relative : fixture(relative))
    guard case .reader(let reader, _) = stream.match else { throw ChangeRunError.notDetected("\(relative): \(stream.match)") }
    var run = ChangeRun(reader: reader.name)
    stream.start(reader)
    let principals = PrincipalMemo()
    while let item = try stream.next() {
        switch PreparedItem.prepare(item, reader: reader, principals: principals, share: false) {
        case .damage(_, let message): run.damage.append(message)
        case .change(let record, _, let raw, _): run.changes.append((record, raw))
        case .context(let context, _): run.contexts.append(context)
        case .rejected(_, let reason): run.rejected.append(reason)
        case .event, .digest, .integrity: run.cloudTrail += 1
        case .metrics, .metricRequest: run.metrics += 1
        }
    }
    return run
}

func readerName(_ path: String, absolute: Bool = false) throws -> String {
    switch try RecordStream(path: absolute ? path : fixture(path)).match {
    case .reader(let reader, _): return reader.name
    case .blank: return "blank"
    case .unrecognised: return "unrecognised"
    case .ambiguous(let names): return "ambiguous: " + names.joined(separator: "; ")
    }
}

/// The canonical key text of typed key attributes.
func canonicalKey(_ keys: [(String, AttributeValue)]) -> String {
    ItemKey.canonical(keys.map { name, value in
        switch value {
        case .s(let s): return ItemKey.Attribute(name: name, type: "S", value: s)
        case .n(let n): return ItemKey.Attribute(name: name, type: "N", value: n)
        case .b(let b): return ItemKey.Attribute(name: name, type: "B", value: Base64.encode(b))
        default: return ItemKey.Attribute(name: name, type: nil, value: value.typedJSON)
        }
    })
}

@Suite struct ChangeReaderTests {
    // MARK: Detection and counts

    @Test(arguments: [
        // file, reader, changes, contexts, rejected
        ("samples/ddbstreams_getrecords_moto_raw.json", "dynamodb-stream-records", 4, 0, 0),
        ("samples/ddbstreams_getrecords_awscli_v1_default_output.json", "dynamodb-stream-records", 2, 0, 0),
        ("samples/ddbstreams_getrecords_awscli_iso8601_output.json", "dynamodb-stream-records", 2, 0, 0),
        ("changes/project_ttl_remove_getrecords_cli_v2.json", "dynamodb-stream-records", 1, 0, 0),
        ("samples/lambda_ddbstreams_event_awslambdago.json", "dynamodb-stream-records", 2, 0, 0),
        ("samples/lambda_ddbstreams_event_samcli_template.json", "dynamodb-stream-records", 3, 0, 0),
        ("changes/aws_lambda_go_dynamodb_time_window_event.json", "dynamodb-stream-records", 3, 0, 0),
        ("changes/aws_lambda_dotnet_dynamodb_with_ms_event.json", "dynamodb-stream-records", 2, 0, 0),
        ("changes/aws_lambda_java_libs_dynamo_event.json", "dynamodb-stream-records", 3, 0, 0),
        ("changes/aws_lambda_java_libs_dynamo_ddb_stream_record.json", "dynamodb-stream-records", 1, 0, 0),
        ("changes/powertools_lambda_java_dynamo_event_big.json", "dynamodb-stream-records", 12, 0, 0),
        ("changes/powertools_lambda_python_dynamoStreamEvent.json", "dynamodb-stream-records", 2, 0, 0),
        ("changes/project_stream_records_bad_value.json", "dynamodb-stream-records", 1, 0, 1),
        ("samples/kinesis_ddb_lambda_event_powertools.json", "kinesis-dynamodb", 2, 0, 0),
        ("samples/kinesis_ddb_record_decoded_powertools.json", "kinesis-dynamodb", 1, 0, 0),
        ("changes/project_kinesis_ddb_decoded_ms_and_us.json", "kinesis-dynamodb", 2, 0, 0),
        ("samples/ddbstreams_describestream_moto_raw.json", "dynamodb-describe-stream", 0, 1, 0),
        ("samples/ddb_export_full_manifest_summary_awsdoc.json", "dynamodb-export", 0, 1, 0),
        ("samples/ddb_export_incremental_manifest_summary.json", "dynamodb-export", 0, 1, 0),
        ("samples/ddb_export_full_dynamodb_json_line_awsdoc.json", "dynamodb-export", 1, 0, 0),
        ("changes/ddb_export_incremental_lines.json", "dynamodb-export", 3, 0, 0),
        ("changes/project_cwl_consumer_log.json", "cloudwatch-logs", 2, 0, 1),
    ])
    func fileIsReadByItsReader(_ file: String, _ reader: String, _ changes: Int, _ contexts: Int, _ rejected: Int) throws {
        let run = try readChanges(file)
        #expect(run.reader == reader)
        #expect(run.changes.count == changes)
        #expect(run.contexts.count == contexts)
        #expect(run.rejected.count == rejected, "\(run.rejected)")
        #expect(run.cloudTrail == 0)
        #expect(run.damage.isEmpty)
    }

    @Test(arguments: [
        ("samples/ddb_export_manifest_files_line_awsdoc.json", "manifest listing"),
        ("changes/ddb_export_full_ion_lines.ion.json", "ION export; re-export as DYNAMODB_JSON"),
        ("samples/ddbstreams_liststreams_moto_raw.json", "ListStreams"),
        ("samples/ddbstreams_getsharditerator_moto_raw.json", "GetShardIterator"),
    ])
    func recognisedButNotImported(_ file: String, _ reason: String) throws {
        #expect(try readerName(file) == "recognised-unsupported")
        let head = try RecordStream(path: fixture(file)).head
        #expect(RecognisedUnsupportedReader().reason(head)?.contains(reason) == true)
    }

    /// Every shared file is claimed by at most one reader, and CloudTrail files stay CloudTrail.
    @Test func noInputIsClaimedTwice() throws {
        let root = fixtures.path
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".md") && !$0.hasSuffix("/") }
        var checked = 0
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let name = try readerName(file)
            #expect(!name.hasPrefix("ambiguous"), "\(file): \(name)")
            if file.hasPrefix("samples/cloudtrail_") || file.hasPrefix("real/cloudgrep/cloudtrail") {
                #expect(!["dynamodb-stream-records", "kinesis-dynamodb", "dynamodb-export", "dynamodb-describe-stream"].contains(name), "\(file)")
            }
            checked += 1
        }
        #expect(checked > 50)
    }

    // MARK: DynamoDB Streams

    @Test func getRecordsRecordFields() throws {
        let run = try readChanges("samples/ddbstreams_getrecords_moto_raw.json")
        let r = try #require(run.changes.first).record
        #expect(r.changeType == "INSERT")
        #expect(r.eventID == "397b265d45f24237889dc47ba8b90ed0")
        #expect(r.source == "dynamodb-streams")
        #expect(r.table == nil)
        #expect(r.streamARN == nil)
        #expect(r.awsRegion == "us-east-1")
        #expect(canonicalKey(r.keys) == #"{"Artist":"No One You Know","SongTitle":"Call Me Today"}"#)
        // moto keeps milliseconds; AWS floors to the second, so precision stays `second`.
        #expect(r.time == "2026-11-24T19:29:59.783Z")
        #expect(r.timeMicros == 1_795_548_599_783_000)
        #expect(r.precision == "second")
        #expect(r.sequenceNumber == "1100000000017454423009")
        #expect(r.sizeBytes == 678)
        #expect(r.viewType == "NEW_AND_OLD_IMAGES")
        #expect(r.oldImage == nil)
        #expect(r.newImage?.count == 11)
        #expect(r.identityType == nil && r.identityPrincipal == nil)
        #expect(r.warnings.isEmpty, "\(r.warnings)")
        // The raw text is the element, byte for byte.
        let raw = try #require(run.changes.first).raw
        #expect(try JSONParser.parse(raw)["eventID"] == .string("397b265d45f24237889dc47ba8b90ed0"))
        #expect(raw.first == UInt8(ascii: "{") && raw.last == UInt8(ascii: "}"))
    }

    @Test func cliV1AndV2GiveTheSameInstants() throws {
        let v1 = try readChanges("samples/ddbstreams_getrecords_awscli_v1_default_output.json").changes.map(\.record)
        let v2 = try readChanges("samples/ddbstreams_getrecords_awscli_iso8601_output.json").changes.map(\.record)
        #expect(v1.count == 2 && v2.count == 2)
        for (a, b) in zip(v1, v2) {
            #expect(a.timeMicros == b.timeMicros)
            #expect(a.time == b.time)
            #expect(a.precision == "second" && b.precision == "second")
            #expect(a.eventID == b.eventID)
            #expect(a.sequenceNumber == b.sequenceNumber)
        }
        #expect(v1[0].time == "2026-11-24T19:26:52.974Z")
        #expect(v1[0].timeMicros == 1_795_548_412_974_000)
        #expect(v2[1].timeMicros == 1_795_548_413_599_000)
    }

    @Test func lambdaEventNamesTheTableFromTheStreamARN() throws {
        let run = try readChanges("samples/lambda_ddbstreams_event_awslambdago.json")
        let r = try #require(run.changes.first).record
        #expect(r.source == "lambda-dynamodb")
        #expect(r.table == TableIdentity(account: "123456789012", region: "us-east-1", name: "Example-Table"))
        #expect(r.streamARN == "arn:aws:dynamodb:us-east-1:123456789012:table/Example-Table/stream/2016-12-01T00:00:00.000")
        #expect(r.time == "2016-12-02T01:27:00Z")
        #expect(r.timeMicros == 1_480_642_020_000_000)
        #expect(r.sequenceNumber == "1405400000000002063282832")
        #expect(canonicalKey(r.keys) == #"{"key":"binary","val":"data"}"#)
        // The fixture puts the TTL identity on an INSERT; it is kept as given.
        #expect(r.identityType == "Service")
        #expect(r.identityPrincipal == "dynamodb.amazonaws.com")
        // Tolerated oddities of the second record become warnings.
        let second = run.changes[1].record
        #expect(second.warnings.contains { $0.contains("dynamodb.NewImage.EmptyStringSet") && $0.contains("empty SS") }, "\(second.warnings)")
        #expect(second.warnings.contains { $0.contains("dynamodb.NewImage.asdf2") && $0.contains("duplicate") })
    }

    @Test func ttlDeletionCarriesTheServiceIdentityInEitherCasing() throws {
        let run = try readChanges("changes/project_ttl_remove_getrecords_cli_v2.json")
        let r = try #require(run.changes.first).record
        #expect(r.changeType == "REMOVE")
        #expect(r.identityType == "Service")
        #expect(r.identityPrincipal == "dynamodb.amazonaws.com")
        #expect(canonicalKey(r.keys) == #"{"SessionId":"sess-7f3a","Version":"3"}"#)
        #expect(r.time == "2026-11-24T21:00:07Z")
        #expect(r.timeMicros == 1_795_554_007_000_000)
        #expect(r.precision == "second")
        #expect(r.newImage == nil)
        #expect(r.oldImage?.count == 3)
        #expect(r.sequenceNumber == "300000000000000499659")
        #expect(r.awsRegion == "eu-west-1")
        #expect(r.table == nil)

        let lower = try readChanges("changes/project_kinesis_ddb_decoded_ms_and_us.json").changes[1].record
        #expect(lower.changeType == "REMOVE")
        #expect(lower.identityType == "Service")
        #expect(lower.identityPrincipal == "dynamodb.amazonaws.com")
    }

    @Test func millisecondsInAStreamRecordAreReadAsSuchWithAWarning() throws {
        let r = try #require(try readChanges("changes/aws_lambda_dotnet_dynamodb_with_ms_event.json").changes.first).record
        #expect(r.time == "2016-12-02T01:27:00Z")
        #expect(r.timeMicros == 1_480_642_020_000_000)
        #expect(r.precision == "second")
        #expect(r.warnings.contains { $0.contains("milliseconds") })
    }

    @Test func exponentNumberTimeIsReadExactly() throws {
        let r = try #require(try readChanges("changes/aws_lambda_java_libs_dynamo_ddb_stream_record.json").changes.first).record
        #expect(r.changeType == "MODIFY")
        #expect(r.timeMicros == 1_635_734_407_123_456)
        #expect(r.time == "2021-11-01T02:40:07.123456Z")
        #expect(r.precision == "second")
        #expect(r.table == TableIdentity(account: "123456789012", region: "eu-central-1", name: "ExampleTableWithStream"))
    }

    @Test func placeholderARNsLeaveTheTableUnknown() throws {
        let sam = try readChanges("samples/lambda_ddbstreams_event_samcli_template.json").changes.map(\.record)
        #expect(sam.map(\.changeType) == ["INSERT", "MODIFY", "REMOVE"])
        #expect(sam.allSatisfy { $0.table == nil && $0.streamARN == nil })
        #expect(sam[0].warnings.contains { $0.contains("eventSourceARN") && $0.contains("table left unknown") })

        let window = try readChanges("changes/aws_lambda_go_dynamodb_time_window_event.json").changes.map(\.record)
        #expect(window.map(\.sequenceNumber) == ["111", "222", "333"])
        #expect(window[0].table == nil)
        #expect(window[0].warnings.contains { $0.contains("\"stream-ARN\" is not a DynamoDB stream ARN") })

        let python = try readChanges("changes/powertools_lambda_python_dynamoStreamEvent.json").changes.map(\.record)
        #expect(python[0].time == "2023-09-06T10:45:55Z")
        #expect(python[1].time == nil && python[1].timeMicros == nil && python[1].precision == "none")
    }

    @Test func aMalformedValueRejectsTheRecordWithItsPath() throws {
        let run = try readChanges("changes/project_stream_records_bad_value.json")
        #expect(run.changes.count == 1)
        let reason = try #require(run.rejected.first)
        #expect(reason.hasPrefix("dynamodb.NewImage.tags.colour: "), "\(reason)")
        #expect(reason.contains("2 keys"))
    }

    @Test func otherMalformedRecordsAreRejectedWithAReason() throws {
        // Unwrapped by the reader and normalised, as the importer's reading thread does it.
        func prepare(_ text: String) -> PreparedItem {
            let element = RawElement(bytes: Array(text.utf8), offset: 0, index: 0, line: 1)
            return PreparedItem.prepare(.element(element), reader: DynamoDBStreamRecordsReader(), principals: PrincipalMemo(), share: false)
        }
        let cases: [(String, String)] = [
            (#"{"eventSource":"aws:dynamodb","eventName":"UPSERT","dynamodb":{"Keys":{}}}"#, "is not INSERT, MODIFY or REMOVE"),
            (#"{"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{}}"#, "dynamodb.Keys is missing"),
            (#"{"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{"Keys":{"k":{"N":"x"}}}}"#, "dynamodb.Keys.k: N \"x\" is not a decimal number"),
            (#"{"something":"else"}"#, "not a DynamoDB stream record"),
            (#"{"eventSource":"aws:dynamodb""#, "broken JSON"),
        ]
        for (text, reason) in cases {
            guard case .rejected(_, let message) = prepare(text) else { Issue.record("accepted: \(text)"); continue }
            #expect(message.contains(reason), "\(message)")
        }
    }

    // MARK: Kinesis

    @Test func kinesisLambdaEventDecodesToDynamoDBChanges() throws {
        let run = try readChanges("samples/kinesis_ddb_lambda_event_powertools.json")
        let (r, raw) = try #require(run.changes.first)
        #expect(r.source == "kinesis-dynamodb")
        #expect(r.changeType == "INSERT")
        #expect(r.eventID == "d9428029-0f63-4056-86da-ce10d545b1b9")
        // The account comes from the Kinesis stream ARN (13 digits in this fixture, kept as given).
        #expect(r.table == TableIdentity(account: "1234567789012", region: "eu-west-1", name: "PowertoolsEventsStack-DynamoDBTable59784FC0-8NKAMTERTAXY"))
        #expect(r.streamARN == nil)
        #expect(r.time == "2024-11-18T10:09:15.370Z")
        #expect(r.timeMicros == 1_731_924_555_370_000)
        #expect(r.precision == "millisecond")
        #expect(r.sequenceNumber == nil)
        #expect(r.sizeBytes == 60)
        #expect(canonicalKey(r.keys) == #"{"id":"record-1qit2y819gi"}"#)
        // The raw text is the decoded payload.
        let decoded = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: fixture("samples/kinesis_ddb_record_decoded_powertools.json")))))
        #expect(try JSONParser.parse(raw) == decoded)
        #expect(raw.first == UInt8(ascii: "{"))
    }

    @Test func kinesisMillisecondsAndMicroseconds() throws {
        let records = try readChanges("changes/project_kinesis_ddb_decoded_ms_and_us.json").changes.map(\.record)
        #expect(records.map(\.precision) == ["millisecond", "microsecond"])
        #expect(records.map(\.timeMicros) == [1_731_924_555_370_000, 1_731_924_555_370_123])
        #expect(records.map(\.time) == ["2024-11-18T10:09:15.370Z", "2024-11-18T10:09:15.370123Z"])
        // Decoded on its own, a Kinesis record does not say which account the table is in.
        #expect(records[0].table == TableIdentity(account: "", region: "eu-west-1", name: "Orders"))
        #expect(records[0].changeType == "MODIFY" && records[0].oldImage?.count == 2)

        let alone = try #require(try readChanges("samples/kinesis_ddb_record_decoded_powertools.json").changes.first).record
        #expect(alone.table?.account == "")
        #expect(alone.precision == "millisecond")
    }

    @Test func kinesisRecordsThatAreNotDynamoDBAreRecognisedNotImported() throws {
        let c = try temporaryDirectory()
        let data = Base64.encode(Array(#"{"hello":"world"}"#.utf8))
        let record = #"{"kinesis":{"data":"\#(data)","partitionKey":"p","sequenceNumber":"1"},"eventSource":"aws:kinesis","eventSourceARN":"arn:aws:kinesis:eu-west-1:111122223333:stream/s"}"#
        let text = #"{"Records":["# + record + "]}"
        try write(Array(text.utf8), to: c + "/k.json")
        let stream = try RecordStream(path: c + "/k.json")
        guard case .reader(let reader, _) = stream.match else { Issue.record("\(stream.match)"); return }
        #expect(reader.name == "recognised-unsupported")
        #expect(RecognisedUnsupportedReader().reason(stream.head)?.contains("not a DynamoDB change record") == true)
        // Element by element, such a record is rejected with the reason.
        let element = RawElement(bytes: Array(record.utf8), offset: 0, index: 0, line: nil)
        guard case .rejected(let reason) = KinesisDynamoDBReader().unwrap(element) else { Issue.record("accepted"); return }
        #expect(reason.contains("not a DynamoDB change record (members: [hello])"))
    }

    @Test func kinesisGetRecordsOutputIsReadToo() throws {
        let c = try temporaryDirectory()
        let payload = try String(contentsOfFile: fixture("changes/project_kinesis_ddb_decoded_ms_and_us.json"), encoding: .utf8)
            .split(separator: "\n").map { Base64.encode(Array($0.utf8)) }
        let records = payload.enumerated().map { i, data in
            #"{"SequenceNumber":"4965782840918770152001999524250839011995335832519258931\#(i)","ApproximateArrivalTimestamp":1731924555.932,"Data":"\#(data)","PartitionKey":"859F7C064A4818874FA67ABEC9BF2AF1"}"#
        }
        try write(Array((#"{"Records":["# + records.joined(separator: ",") + #"],"NextShardIterator":"AAAA","MillisBehindLatest":0}"#).utf8), to: c + "/kinesis-get-records.json")
        let run = try readChanges(c + "/kinesis-get-records.json")
        #expect(run.reader == "kinesis-dynamodb")
        let changes = run.changes.map(\.record)
        #expect(changes.map(\.eventID) == ["5a1f0c2e-1111-4c3b-9d2e-000000000001", "5a1f0c2e-1111-4c3b-9d2e-000000000002"])
        #expect(changes.allSatisfy { $0.table == TableIdentity(account: "", region: "eu-west-1", name: "Orders") })
    }

    @Test func wholeLambdaEventsPerLineAreRecognisedNotImported() throws {
        let c = try temporaryDirectory()
        let event = try String(contentsOfFile: fixture("changes/aws_lambda_java_libs_dynamo_event.json"), encoding: .utf8)
        let line = try JSONParser.parse(event).compactText
        try write(Array((line + "\n" + line + "\n").utf8), to: c + "/events.jsonl")
        #expect(try readerName(c + "/events.jsonl", absolute: true) == "recognised-unsupported")
    }

    // MARK: describe-stream and exports

    @Test func describeStreamNamesTheTable() throws {
        let context = try #require(try readChanges("samples/ddbstreams_describestream_moto_raw.json").contexts.first)
        #expect(context.kind == "describe-stream")
        #expect(context.table == TableIdentity(account: "123456789012", region: "us-west-2", name: "Music"))
        #expect(context.streamARN == "arn:aws:dynamodb:us-west-2:123456789012:table/Music/stream/2026-11-24T19:29:59.776603")
        #expect(context.streamLabel == "2026-11-24T19:29:59.776603")
        #expect(context.viewType == "NEW_AND_OLD_IMAGES")
        #expect(context.keySchema.map(\.name) == ["Artist", "SongTitle"])
        #expect(context.keySchema.map(\.keyType) == ["HASH", "RANGE"])
        #expect(context.keySchema.allSatisfy { $0.type == nil })
    }

    @Test func exportManifestsNameTheTable() throws {
        let full = try #require(try readChanges("samples/ddb_export_full_manifest_summary_awsdoc.json").contexts.first)
        #expect(full.kind == "export-manifest")
        #expect(full.table == TableIdentity(account: "123456789012", region: "us-east-1", name: "ProductCatalog"))
        #expect(full.exportARN == "arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog/export/01234567890123-a1b2c3d4")
        #expect(full.exportTime == "2020-11-04T07:28:34.028Z")

        let incremental = try #require(try readChanges("samples/ddb_export_incremental_manifest_summary.json").contexts.first)
        #expect(incremental.table == TableIdentity(account: "599882009758", region: "us-east-1", name: "export-test"))
        #expect(incremental.viewType == "NEW_AND_OLD_IMAGES")
        #expect(incremental.exportTime == nil)
    }

    @Test func incrementalExportLines() throws {
        let records = try readChanges("changes/ddb_export_incremental_lines.json").changes.map(\.record)
        #expect(records.map(\.changeType) == ["INSERT", "MODIFY", "REMOVE"])
        #expect(records.allSatisfy { $0.source == "export-incremental" && $0.precision == "microsecond" && $0.table == nil && $0.eventID == nil })
        #expect(records[0].timeMicros == 1_695_056_400_123_456)
        #expect(records[0].time == "2023-09-18T17:00:00.123456Z")
        #expect(records[1].time == "2023-09-18T17:01:00.000001Z")
        #expect(records[2].time == "2023-09-18T17:02:00Z")
        #expect(canonicalKey(records[1].keys) == #"{"PK":"CUST#100","SK":"ORDER#2"}"#)
        #expect(records[1].oldImage != nil && records[1].newImage != nil)
        #expect(records[2].newImage == nil && records[2].oldImage?.count == 3)
    }

    @Test func fullExportLineIsASnapshotWithoutKeys() throws {
        let r = try #require(try readChanges("samples/ddb_export_full_dynamodb_json_line_awsdoc.json").changes.first).record
        #expect(r.changeType == "SNAPSHOT")
        #expect(r.source == "export-full")
        #expect(r.keys.isEmpty)
        #expect(r.newImage?.count == 9)
        #expect(r.newImage?.first { $0.0 == "Id" }?.1 == .n("103"))
        #expect(r.oldImage == nil)
        #expect(r.time == nil && r.timeMicros == nil)
        #expect(r.precision == "none")
    }

    // MARK: Inside CloudWatch Logs

    @Test func consumerLogMessagesBecomeChanges() throws {
        let run = try readChanges("changes/project_cwl_consumer_log.json")
        #expect(run.reader == "cloudwatch-logs")
        let stream = try #require(run.changes.first).record
        #expect(stream.source == "lambda-dynamodb")
        #expect(stream.changeType == "MODIFY")
        #expect(stream.table == TableIdentity(account: "111122223333", region: "eu-west-1", name: "Customers"))
        #expect(stream.time == "2026-11-24T19:28:20Z")
        let kinesis = run.changes[1]
        #expect(kinesis.record.source == "kinesis-dynamodb")
        #expect(kinesis.record.table == TableIdentity(account: "111122223333", region: "eu-west-1", name: "Orders"))
        #expect(try JSONParser.parse(kinesis.raw)["tableName"] == .string("Orders"))
        #expect(run.rejected.first?.contains("log event message is not valid JSON") == true)
    }

    // MARK: Times

    /// The allocation-free reading of plain decimals agrees with the decimal normaliser, which
    /// reads everything else (exponents, leading zeros past 18 digits).
    @Test func plainDecimalsReadLikeTheNormaliser() {
        let texts = ["0", "7", "1795548412", "0001795548412", "1795548412.5", "1795548412.500000", "1795548412.0",
                     "123456789012345678", "1234567890123456789", "1.", ".5", "1e9", "1.4285376E9", "12a", "1.2.3",
                     "-5", "", "1795548412.12345678"]
        var plainCount = 0
        for text in texts {
            guard let plain = DecimalText.plain(text) else { continue }
            plainCount += 1
            let canonical = DecimalText.normalise(text)
            let parts = canonical?.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false) ?? []
            #expect(parts.first.flatMap { Int64($0) } == plain.whole, "\(text)")
            var fraction = plain.fraction
            while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
            #expect(fraction == (parts.count > 1 ? Array(parts[1].utf8) : []), "\(text)")
        }
        #expect(plainCount == 9)
        #expect(DecimalText.plain("1795548412.5")?.fraction == Array("5".utf8))
        #expect(DecimalText.plain("1e9") == nil)
        #expect(Timestamp.epochMicros("0001795548412")?.micros == 1_795_548_412_000_000)
        #expect(Timestamp.epochMicros("1795548412.1234567")?.micros == 1_795_548_412_123_456)
    }

    @Test func epochMagnitudes() {
        #expect(Timestamp.epochMicros("1795548412")?.micros == 1_795_548_412_000_000)
        #expect(Timestamp.epochMicros("1795548412.5")?.micros == 1_795_548_412_500_000)
        #expect(Timestamp.epochMicros("1.4285376E9")?.micros == 1_428_537_600_000_000)
        #expect(Timestamp.epochMicros("1731924555370")?.unit == .milliseconds)
        #expect(Timestamp.epochMicros("1731924555370.5")?.micros == 1_731_924_555_370_500)
        #expect(Timestamp.epochMicros("1731924555370123")?.unit == .microseconds)
        #expect(Timestamp.epochMicros("-1") == nil)
        #expect(Timestamp.epochMicros("2026-11-24") == nil)
        #expect(Timestamp.isoMicros("2026-11-24T19:26:52.974000+00:00")?.micros == 1_795_548_412_974_000)
        #expect(Timestamp.isoMicros("2026-11-24T20:26:52.9741234+01:00")?.micros == 1_795_548_412_974_123)
        #expect(Timestamp.format(micros: 1_795_548_412_000_000) == "2026-11-24T19:26:52Z")
        #expect(Timestamp.format(micros: 1_795_548_412_100_000) == "2026-11-24T19:26:52.100Z")
        #expect(Timestamp.format(micros: 1_795_548_412_000_010) == "2026-11-24T19:26:52.000010Z")
    }
}

import DDBTrailSQLite
import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

/// Runs a catalog query against a case and returns its rows keyed by column.
func investigate(_ c: Case, _ name: String, _ arguments: [String: String] = [:], catalog: QueryCatalog? = nil) throws -> [[String: SQLValue]] {
    let db = try CaseDatabase.openForQuery(path: c.dbPath)
    let query = try (catalog ?? QueryCatalog()).named(name)
    let statement = try QueryRunner.prepare(db, query: query, arguments: arguments)
    var rows: [[String: SQLValue]] = []
    while try statement.step() {
        rows.append(Dictionary(uniqueKeysWithValues: zip(statement.columnNames, statement.row())))
    }
    return rows
}

/// A CloudTrail DynamoDB record with the fields the detections read.
func event(_ id: String, at time: String, name: String = "GetItem", table: String = "Orders", key: String? = #"{"pk":"a"}"#,
           error: String? = nil, user: String = "alice", ip: String = "198.51.100.1", parameters: String? = nil) -> String {
    let request = parameters ?? (key.map { #"{"tableName":"\#(table)","key":\#($0)}"# } ?? #"{"tableName":"\#(table)"}"#)
    let failure = error.map { #","errorCode":"\#($0)","errorMessage":"failed""# } ?? ""
    let data = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchWriteItem", "BatchGetItem"].contains(name)
    return #"{"eventVersion":"1.09","eventID":"\#(id)","eventTime":"\#(time)","eventSource":"dynamodb.amazonaws.com","eventName":"\#(name)","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","principalId":"AIDA\#(user.uppercased())","arn":"arn:aws:iam::111122223333:user/\#(user)","accountId":"111122223333","accessKeyId":"AKIA\#(user.uppercased())","userName":"\#(user)"},"sourceIPAddress":"\#(ip)","userAgent":"test-agent/\#(user)","requestParameters":\#(request),"responseElements":null\#(failure),"eventCategory":"\#(data ? "Data" : "Management")","managementEvent":\#(!data),"readOnly":\#(name.hasPrefix("Get") || name.hasPrefix("Describe") || name == "Query" || name == "Scan")}"#
}

/// "2026-11-03T01:00:00Z" plus `seconds`.
func at(_ seconds: Int) -> String { Timestamp.fromEpoch(Double(1_793_667_600 + seconds))! }

func demoCase() throws -> Case {
    let c = try Case()
    let files = try copyDemoIncident(to: c.directory + "/evidence")
    try c.importPaths([c.directory + "/evidence"])
    #expect(!files.isEmpty)
    return c
}

@Suite struct QueryFileTests {
    let query = QueryFile(text: """
        -- name: sample
        -- title: A sample
        -- kind: detection
        -- param: table text  Table name
        -- param: window integer = 300  Window length
        -- param: factor real = 3.0  Factor
        -- param: since time = ''  Earliest time
        -- param: item item-key = ''  An item
        -- columns: a
        -- json-columns: a
        SELECT :table AS a, :window, :factor, :since, :item
        """, origin: "sample.sql")

    @Test func headerDeclaresTypesDefaultsAndKind() {
        #expect(query.kind == .detection)
        #expect(query.parameters.map(\.name) == ["table", "window", "factor", "since", "item"])
        #expect(query.parameters[0].defaultValue == nil)
        #expect(query.parameters[1] == .init(name: "window", type: "integer", defaultValue: "300", description: "Window length"))
        #expect(query.parameters[3].defaultValue == "")
        #expect(query.jsonColumns == ["a"])
        #expect(query.headerProblems.isEmpty)
        #expect(QueryFile(text: "-- kind: report\n-- param: x number\nSELECT 1", origin: "x.sql").headerProblems.count == 2)
    }

    @Test func argumentsAreCheckedDefaultedAndTyped() throws {
        let values = try query.arguments(["table": "Orders", "since": "2026-11-03T03:47:12+01:00", "item": "pk=7"])
        #expect(values["table"] == .string("Orders"))
        #expect(values["window"] == .integer(300))
        #expect(values["factor"] == .real(3.0))
        #expect(values["since"] == .string("2026-11-03T02:47:12Z"))
        #expect(values["item"] == .string(#"["{\"pk\":\"7\"}"]"#))
        #expect { try query.arguments([:]) } throws: { "\($0)".contains("missing parameter 'table'") }
        #expect { try query.arguments(["table": "T", "window": "five"]) } throws: { "\($0)".contains("parameter 'window' must be an integer, got 'five'") }
        #expect { try query.arguments(["table": "T", "factor": "x"]) } throws: { "\($0)".contains("parameter 'factor' must be a number") }
        #expect { try query.arguments(["table": "T", "since": "yesterday"]) } throws: { "\($0)".contains("parameter 'since' must be a UTC time") }
        #expect { try query.arguments(["table": "T", "tabel": "T"]) } throws: { "\($0)".contains("unknown parameter 'tabel'") }
    }

    @Test func itemKeyParametersAcceptBothSpellings() throws {
        let a = try ItemSelector.keysParameter("customerId=C-1001,orderId=O-77", query: "q", parameter: "k")
        let b = try ItemSelector.keysParameter(#"{"orderId":"O-77","customerId":"C-1001"}"#, query: "q", parameter: "k")
        #expect(a == b)
        #expect(a.contains(#"{\"customerId\":\"C-1001\",\"orderId\":\"O-77\"}"#))
        let typed = try ItemSelector.keysParameter(#"{"id":{"N":"42.0"}}"#, query: "q", parameter: "k")
        #expect(typed == #"["{\"id\":\"42\"}"]"#)
        #expect(throws: QueryError.self) { try ItemSelector.keysParameter("{nope", query: "q", parameter: "k") }
    }

    @Test func userQueriesOverrideBuiltInOnesByName() throws {
        let dir = try temporaryDirectory()
        try write(Array("-- name: who-read\n-- title: Mine\n-- columns: x\nSELECT 1 AS x".utf8), to: dir + "/mine.sql")
        try write(Array("-- title: Extra\n-- columns: y\nSELECT 2 AS y".utf8), to: dir + "/extra-one.sql")
        let catalog = try QueryCatalog(userDirectories: [dir])
        #expect(try catalog.named("who-read").title == "Mine")
        #expect(try catalog.named("extra-one").origin == dir + "/extra-one.sql")
        #expect(try QueryCatalog().named("who-read").title != "Mine")
        #expect { try catalog.named("nope") } throws: { "\($0)".contains("no investigation named 'nope'") }
        try write(Array("-- kind: nonsense\nSELECT 1".utf8), to: dir + "/bad.sql")
        #expect { try QueryCatalog(userDirectories: [dir]) } throws: { "\($0)".contains("bad.sql: kind 'nonsense'") }
    }

    @Test func everyDetectionReturnsFindingsAndRunsOnDefaults() throws {
        let catalog = try QueryCatalog()
        let detections = catalog.all(.detection)
        #expect(detections.count >= 7)
        for query in detections {
            #expect(query.parameters.allSatisfy { $0.defaultValue != nil }, "\(query.name) has a required parameter")
            for column in Detections.findingColumns {
                #expect(query.columns.contains(column), "\(query.name) lacks \(column)")
            }
        }
        #expect(catalog.all(.investigation).map(\.name).contains("item-history"))
        #expect(!catalog.all(.investigation).contains { $0.name.hasPrefix("info-") })
    }

    @Test func settingsAreCheckedAgainstTheDetections() throws {
        let c = try Case()
        try c.importPaths([])
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let catalog = try QueryCatalog()
        var settings = Detections.Settings()
        try settings.add("min_deletz=3", origin: "--set")
        #expect { try Detections.run(db, catalog: catalog, settings: settings) } throws: { "\($0)".contains("no detection has a threshold 'min_deletz'") }
        settings = Detections.Settings()
        try settings.addConfig(text: "# thresholds\nmass-deletes.min_deletes = 3\n\nwindow=600 # every windowed rule\n", path: "t.conf")
        #expect(settings.perQuery["mass-deletes"]?["min_deletes"] == "3")
        #expect(settings.global["window"] == "600")
        #expect(try Detections.run(db, catalog: catalog, settings: settings).isEmpty)
        try settings.add("exfiltration.min_deletes=3", origin: "--set")
        #expect { try Detections.run(db, catalog: catalog, settings: settings) } throws: { "\($0)".contains("detection exfiltration has no threshold 'min_deletes'") }
        #expect(throws: QueryError.self) { try settings.add("novalue", origin: "--set") }
    }
}

/// The investigations on the bundled demo incident, whose script fixes every answer
/// (`CorpusGenerator.DemoIncidentScript`).
@Suite struct DemoInvestigationTests {
    @Test func principalActivityListsEveryCallOfTheKey() throws {
        let c = try demoCase()
        let rows = try investigate(c, "principal-activity", ["principal": "AKIA3XKQ7PZ2SVCREPTQ"])
        #expect(rows.count == 19)  // 2 reporting-job queries + 17 calls from 203.0.113.66
        #expect(rows.filter { $0["source_ip"]?.stringValue == "203.0.113.66" }.count == 17)
        #expect(rows.first?["time"]?.stringValue == "2026-11-03T01:31:00Z")
        #expect(try investigate(c, "principal-activity", ["principal": "svc-reporting", "since": "2026-11-03T02:41:00Z"]).count == 17)
        // Sessions match by role name.
        let role = try investigate(c, "principal-activity", ["principal": "app-backend"])
        #expect(Set(role.compactMap { $0["access_key_id"]?.stringValue }).count == 3)
    }

    @Test func tableTimelineHasControlAndDataCalls() throws {
        let c = try demoCase()
        let rows = try investigate(c, "table-timeline", ["table": "Customers"])
        let names = rows.compactMap { $0["event_name"]?.stringValue }
        #expect(names.contains("DescribeTable") && names.contains("UpdateContinuousBackups") && names.contains("GetItem") && names.contains("Scan"))
        #expect(rows.first { $0["event_name"]?.stringValue == "UpdateContinuousBackups" }?["error_code"]?.stringValue == "AccessDeniedException")
        #expect(names.count == 8)  // 3 app reads, then DescribeTable, Scan, GetItem, the denied PITR change, 1 app read
    }

    @Test func whoReadCountsItemsAndScansApart() throws {
        let c = try demoCase()
        let rows = try investigate(c, "who-read", ["table": "Orders"])
        let attacker = try #require(rows.first { $0["access_key_id"]?.stringValue == "AKIA3XKQ7PZ2SVCREPTQ" })
        #expect(attacker["items_read"]?.int64Value == 3)
        #expect(attacker["scans"]?.int64Value == 1)
        #expect(attacker["queries"]?.int64Value == 2)
        let orders = try #require(rows.first { $0["access_key_id"]?.stringValue == "ASIA3XKQ7PZ2OA4LRM5Q" })
        #expect(orders["items_read"]?.int64Value == 2)  // O-77 again and again, and O-78 in the BatchGetItem
    }

    @Test func massDeletesFindsTheDeletesWithTheirEvidence() throws {
        let c = try demoCase()
        #expect(try investigate(c, "mass-deletes").isEmpty)  // three deletes: below the default threshold
        let rows = try investigate(c, "mass-deletes", ["window": "3600", "min_deletes": "3"])
        #expect(rows.count == 1)
        #expect(rows[0]["deletes"]?.int64Value == 3)
        #expect(rows[0]["severity"]?.stringValue == "medium")
        #expect(rows[0]["window_start"]?.stringValue == "2026-11-03T02:49:31Z")
        #expect(rows[0]["window_end"]?.stringValue == "2026-11-03T02:51:02Z")
        let ids = try JSONParser.parse(Array(rows[0]["evidence_event_ids"]!.stringValue!.utf8)).array
        #expect(ids?.count == 3)
    }

    @Test func tamperingAndExfiltrationOnTheDemo() throws {
        let c = try demoCase()
        let tampering = try investigate(c, "control-plane-tampering")
        #expect(tampering.map { "\($0["rule"]!.stringValue!) \($0["severity"]!.stringValue!) \($0["table"]!.stringValue!)" }
                == ["pitr-disabled medium Customers", "pitr-disabled high Orders"])
        let exfiltration = try investigate(c, "exfiltration")
        #expect(exfiltration.map { $0["rule"]?.stringValue } == ["unusual-scan", "unusual-scan"])
        #expect(exfiltration.allSatisfy { $0["access_key_id"]?.stringValue == "AKIA3XKQ7PZ2SVCREPTQ" })
        let failed = try investigate(c, "denied-and-failed")
        #expect(Set(failed.compactMap { $0["error_code"]?.stringValue }) == ["AccessDeniedException", "ConditionalCheckFailedException"])
    }

    @Test func newSourcesSeeTheLeakedKeyFromANewAddress() throws {
        let c = try demoCase()
        let rows = try investigate(c, "new-sources")
        let ip = try #require(rows.first { $0["rule"]?.stringValue == "new-source-ip" })
        #expect(ip["title"]?.stringValue?.contains("203.0.113.66") == true)
        #expect(ip["window_start"]?.stringValue == "2026-11-03T02:41:07Z")
        #expect(ip["access_key_id"]?.stringValue == "AKIA3XKQ7PZ2SVCREPTQ")
        // Everything else in the demo is learned in its first quarter, or comes later from known sources.
        #expect(rows.allSatisfy { $0["access_key_id"]?.stringValue == "AKIA3XKQ7PZ2SVCREPTQ" })
        #expect(rows.contains { $0["rule"]?.stringValue == "first-write-to-table" && $0["table"]?.stringValue == "Orders" })
    }

    @Test func itemHistoryIsTheQueryTheItemCommandRuns() throws {
        let c = try demoCase()
        let rows = try investigate(c, "item-history", ["table": "Orders", "key": "customerId=C-1001,orderId=O-77"])
        let changes = rows.filter { $0["kind"]?.stringValue == "change" }
        #expect(changes.count == 2)
        #expect(changes.contains { $0["access_key_id"]?.stringValue == "AKIA3XKQ7PZ2SVCREPTQ" && $0["attribution"]?.stringValue == "matched" })
        #expect(rows.count > changes.count)
    }
}

/// Detections on small hand-made cases where the answer is set by construction.
@Suite struct DetectionRuleTests {
    @Test func errorAlarmsFireAboveTheirThresholdsOnly() throws {
        let c = try Case()
        var records: [String] = []
        for i in 0..<11 { records.append(event("t\(i)", at: at(i * 20), error: "ProvisionedThroughputExceededException")) }  // 11 in 5 minutes
        for i in 0..<10 { records.append(event("u\(i)", at: at(3_600 + i * 20), error: "ProvisionedThroughputExceededException")) }  // 10: tolerated
        records.append(event("s1", at: at(7_200), error: "InternalServerError"))
        for i in 0..<26 { records.append(event("c\(i)", at: at(10_800 + i), name: "PutItem", error: "ConditionalCheckFailedException")) }
        try write(logFile(records), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let rows = try investigate(c, "error-alarms")
        #expect(rows.map { $0["rule"]?.stringValue } == ["throttling", "system-errors", "conditional-check-failures"])
        #expect(rows[0]["errors"]?.int64Value == 11)
        #expect(rows[0]["window_start"]?.stringValue == at(0))
        #expect(rows[0]["table"]?.stringValue == "Orders")
        #expect(try investigate(c, "error-alarms", ["max_throttles": "11", "max_system_errors": "1", "max_conditional_failures": "30"]).isEmpty)
    }

    @Test func crossPartitionAccessNeedsManyNewPartitionsAboveTheUsualRate() throws {
        let c = try Case()
        var records: [String] = []
        // Day 1: bob reads a handful of partitions each hour (learning, then his usual rate).
        for h in 0..<30 { for k in 0..<3 { records.append(event("b\(h)-\(k)", at: at(h * 3_600 + k), key: #"{"pk":"c\#(h * 3 + k)"}"#, user: "bob")) } }
        // Hour 30: the same identity touches 40 partitions it never touched before.
        for k in 0..<40 { records.append(event("m\(k)", at: at(30 * 3_600 + k), key: #"{"pk":"x\#(k)"}"#, user: "bob")) }
        try write(logFile(records), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let rows = try investigate(c, "cross-partition-access")
        #expect(rows.count == 1)
        #expect(rows.first?["new_partitions"]?.int64Value == 40)
        #expect(rows.first?["window_start"]?.stringValue == at(30 * 3_600))
        #expect(try investigate(c, "cross-partition-access", ["min_new_partitions": "41"]).isEmpty)
    }

    @Test func unattributedChangesGiveTheReason() throws {
        let c = try Case()
        let workload = ChangeWorkload.generate(seed: 3, steps: 200)
        try write(Array(workload.stream.utf8), to: c.directory + "/stream.json")
        try c.importPaths([c.directory + "/stream.json"])
        // Without CloudTrail, nothing can be attributed; TTL deletions say so.
        let rows = try investigate(c, "unattributed-changes", ["table": "Orders"])
        #expect(rows.count == workload.truth.count)
        let ttl = workload.truth.values.filter { $0 == nil }.count
        #expect(rows.filter { $0["attribution"]?.stringValue == "ttl" }.count == ttl)
        #expect(rows.allSatisfy { !($0["reason"]?.stringValue ?? "").isEmpty })
    }

    @Test func readSpikeAgainstThePrincipalsOwnBaseline() throws {
        let c = try Case()
        var records: [String] = []
        // bob reads 20 items every 5 minutes for 10 hours, then 150 in one window.
        for w in 0..<120 { for k in 0..<20 { records.append(event("r\(w)-\(k)", at: at(w * 300 + k), key: #"{"pk":"p\#(k)"}"#, user: "bob")) } }
        for k in 0..<150 { records.append(event("s\(k)", at: at(120 * 300 + k), key: #"{"pk":"p\#(k % 20)"}"#, user: "bob")) }
        try write(logFile(records), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let spikes = try investigate(c, "exfiltration").filter { $0["rule"]?.stringValue == "read-spike" }
        #expect(spikes.count == 1)
        #expect(spikes.first?["window_start"]?.stringValue == at(120 * 300))
        #expect(spikes.first?["access_key_id"]?.stringValue == "AKIABOB")
        #expect(try investigate(c, "exfiltration", ["read_factor": "8"]).filter { $0["rule"]?.stringValue == "read-spike" }.isEmpty)
    }

    @Test func userErrorsAndPartiQLDeletesCount() throws {
        let c = try Case()
        var records: [String] = []
        for i in 0..<101 { records.append(event("v\(i)", at: at(i), error: "ValidationException")) }
        for i in 0..<30 {
            records.append(event("d\(i)", at: at(3_600 + i), name: "ExecuteStatement", key: nil,
                                 parameters: #"{"statement":"DELETE FROM \"Orders\" WHERE \"pk\" = 'k\#(i)'"}"#))
        }
        try write(logFile(records), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let alarms = try investigate(c, "error-alarms")
        #expect(alarms.map { $0["rule"]?.stringValue } == ["user-errors"])
        #expect(alarms.first?["errors"]?.int64Value == 101)
        let deletes = try investigate(c, "mass-deletes")
        #expect(deletes.count == 1)
        #expect(deletes.first?["deletes"]?.int64Value == 30)
        #expect(deletes.first?["table"]?.stringValue == "Orders")
    }

    /// Each tampering call, as CloudTrail logs it, and the rule and severity it must raise.
    @Test(arguments: [
        ("UpdateTable", #"{"tableName":"Orders","deletionProtectionEnabled":false}"#, "deletion-protection-removed high"),
        ("UpdateTable", #"{"tableName":"Orders","streamSpecification":{"streamEnabled":true,"streamViewType":"KEYS_ONLY"}}"#, "stream-view-reduced medium"),
        ("UpdateTable", #"{"tableName":"Orders","replicaUpdates":[{"delete":{"regionName":"us-east-1"}}]}"#, "replica-removed high"),
        ("UpdateTable", #"{"tableName":"Orders","sSESpecification":{"enabled":true,"sSEType":"KMS","kMSMasterKeyId":"alias/other"}}"#, "table-encryption-changed medium"),
        ("DeleteTable", #"{"tableName":"Orders"}"#, "table-deleted high"),
        ("DeleteBackup", #"{"backupArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/backup/01700000000000-abcdefgh"}"#, "backup-deleted high"),
        ("UpdateTimeToLive", #"{"tableName":"Orders","timeToLiveSpecification":{"enabled":true,"attributeName":"purgeAt"}}"#, "ttl-changed medium"),
        ("PutResourcePolicy", #"{"resourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/Orders","policy":"{}"}"#, "resource-policy-changed high"),
        ("DisableKinesisStreamingDestination", #"{"tableName":"Orders","streamArn":"arn:aws:kinesis:eu-west-1:111122223333:stream/orders"}"#, "kinesis-destination-changed high"),
        ("EnableKinesisStreamingDestination", #"{"tableName":"Orders","streamArn":"arn:aws:kinesis:eu-west-1:999988887777:stream/x"}"#, "kinesis-destination-changed medium"),
    ])
    func tamperingCallsRaiseTheirRule(_ name: String, _ parameters: String, _ expected: String) throws {
        let c = try Case()
        try write(logFile([event("ok", at: at(0), name: name, parameters: parameters),
                           event("denied", at: at(60), name: name, error: "AccessDeniedException", parameters: parameters)]),
                  to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let rows = try investigate(c, "control-plane-tampering")
        #expect(rows.count == 2)
        #expect(rows.first.map { "\($0["rule"]!.stringValue!) \($0["severity"]!.stringValue!)" } == expected)
        #expect(rows.first?["table"]?.stringValue == "Orders")
        let lower = ["high": "medium", "medium": "low"][String(expected.split(separator: " ")[1])]
        #expect(rows.last?["severity"]?.stringValue == lower)
        #expect(rows.last?["title"]?.stringValue?.hasPrefix("Attempted (AccessDeniedException)") == true)
    }

    @Test func disablingTheKMSKeyOfATableIsTampering() throws {
        let key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let other = "arn:aws:kms:eu-west-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab"
        func kms(_ id: String, _ time: String, _ name: String, _ keyArn: String, context: String? = nil) -> String {
            let request = context.map { #"{"keyId":"\#(keyArn)","encryptionContext":\#($0)}"# } ?? #"{"keyId":"\#(keyArn)"}"#
            return #"{"eventVersion":"1.09","eventID":"\#(id)","eventTime":"\#(time)","eventSource":"kms.amazonaws.com","eventName":"\#(name)","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"},"sourceIPAddress":"203.0.113.9","requestParameters":\#(request),"responseElements":null,"resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"\#(keyArn)"}],"eventCategory":"Management","managementEvent":true,"readOnly":false}"#
        }
        let c = try Case()
        try write(logFile([
            // DynamoDB uses the key for Orders: the encryption context names the table.
            kms("k1", at(0), "Decrypt", key, context: #"{"aws:dynamodb:tableName":"Orders","aws:dynamodb:subscriberId":"111122223333"}"#),
            kms("k2", at(60), "DisableKey", key),
            kms("k3", at(120), "ScheduleKeyDeletion", other),  // no table in the case uses this key
            kms("k4", at(180), "PutKeyPolicy", key),
        ]), to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let rows = try investigate(c, "control-plane-tampering")
        #expect(rows.map { "\($0["rule"]!.stringValue!) \($0["severity"]!.stringValue!) \($0["table"]!.stringValue!)" }
                == ["table-kms-key-changed high Orders", "table-kms-key-changed medium Orders"])
        #expect(rows.first?["title"]?.stringValue?.hasPrefix("KMS key disabled") == true)
        #expect(rows.first?["access_key_id"]?.stringValue == "AKIAMALLORY")
    }
}

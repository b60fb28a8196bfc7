import DDBTrailCore

extension MixedWorkload {
    /// A CloudTrail record as written, with what delivery needs to know of it.
    struct Event: Sendable {
        var region: String
        var second: Int64
        var id: String
        var text: String
        var data: Bool
    }

    /// One change record, before it is written in its table's delivery format.
    struct Change: Sendable {
        var table: Int
        var id: String
        var type: String
        var key: [Value]
        var old: Attributes?
        var new: Attributes?
        var ms: Int64
        var ttl: Bool
        var order: Int
    }

    /// The state of the simulated account: items, clock, what was written, and the truth.
    struct Engine {
        var rng: SplitMix64
        /// The CloudTrail eventTime of the calls being made.
        var second: Int64
        var events: [Event] = []
        var changes: [Change] = []
        var truth = Truth()
        var items = [[String: Attributes]](repeating: [:], count: tables.count)
        /// Keys of the items that exist, for picking (dictionaries are never iterated: their order varies by process).
        var live = [[String]](repeating: [], count: tables.count)
        var liveIndex = [[String: Int]](repeating: [:], count: tables.count)
        var lastTouch = [[String: Int64]](repeating: [:], count: tables.count)
        /// Last second a key-less write was made, by table and attribute names.
        var lastKeyless: [String: Int64] = [:]
        var serial = 0
        var ledgerSeq: [String: Int] = [:]

        static let start = Int64(UTC.seconds(2026, 11, 16, 9, 0, 0))
        /// Random calls leave an item alone for this many seconds after a write, so that only the
        /// scenarios written for it put two writes of one item within the matching window.
        static let quiet: Int64 = 3

        init(seed: UInt64) {
            rng = SplitMix64(seed: seed ^ 0x4D69_7865_6457_6B6C)
            second = Self.start
            // Sessions and Profiles existed before the evidence starts: their first change may be a MODIFY.
            for _ in 0..<30 { let (k, item) = newSession(); store(sessions, keyText(k), item) }
            for _ in 0..<60 { let (k, item) = newProfile(); store(profiles, keyText(k), item) }
        }

        // MARK: Items

        func keyText(_ key: [Value]) -> String { key.map(\.text).joined(separator: "|") }

        func key(_ t: Int, of item: Attributes) -> [Value] { tables[t].key.map { item[$0.name] ?? .null } }

        /// The key as CloudTrail's `key` member: plain JSON.
        func plainKey(_ t: Int, _ key: [Value]) -> String {
            "{" + zip(tables[t].key, key).map { jsonString($0.name) + ":" + $1.plain }.joined(separator: ",") + "}"
        }

        /// The key as a PartiQL WHERE clause.
        func whereClause(_ t: Int, _ key: [Value]) -> String {
            "WHERE " + zip(tables[t].key, key).map { "\($0.name) = \($1.partiQL)" }.joined(separator: " AND ")
        }

        func merged(_ t: Int, _ key: [Value], _ attributes: Attributes) -> Attributes {
            var item = attributes
            for (part, value) in zip(tables[t].key, key) { item[part.name] = value }
            return item
        }

        mutating func store(_ t: Int, _ k: String, _ item: Attributes?) {
            if let item {
                if items[t][k] == nil { liveIndex[t][k] = live[t].count; live[t].append(k) }
                items[t][k] = item
            } else if items[t][k] != nil, let i = liveIndex[t][k] {
                items[t][k] = nil
                let last = live[t].removeLast()
                if last != k { live[t][i] = last; liveIndex[t][last] = i }
                liveIndex[t][k] = nil
            }
        }

        /// An existing item no call touched in the last `quiet` seconds; marked as touched now.
        mutating func pick(_ t: Int, write: Bool = true) -> (key: [Value], item: Attributes)? {
            guard !live[t].isEmpty else { return nil }
            for _ in 0..<8 {
                let k = live[t][rng.below(live[t].count)]
                if let last = lastTouch[t][k], last > second - Self.quiet { continue }
                guard let item = items[t][k] else { continue }
                if write { lastTouch[t][k] = second }
                return (key(t, of: item), item)
            }
            return nil
        }

        mutating func touch(_ t: Int, _ key: [Value]) { lastTouch[t][keyText(key)] = second }

        func keylessSlot(_ t: Int, _ names: [String]) -> String { "\(t)|" + names.sorted().joined(separator: ",") }

        /// Before key-less writes: if one with the same attribute names was made on the table in the
        /// last two seconds, the clock moves on, so that only the ambiguity scenario makes such pairs.
        mutating func makeRoomForKeyless(_ t: Int, _ nameSets: [[String]]) {
            if nameSets.contains(where: { (lastKeyless[keylessSlot(t, $0)] ?? .min) > second - Self.quiet }) {
                second += Self.quiet
            }
        }

        mutating func noteKeyless(_ t: Int, _ names: [String]) { lastKeyless[keylessSlot(t, names)] = second }

        // MARK: Time

        /// When a write of a call completing in the current second changed its item, in ms on the
        /// stream's clock: 100–999 ms before completion, so the stream's second is the call's or the one before.
        mutating func modifiedAt() -> Int64 {
            second * 1000 + Int64(rng.below(1000)) - 100 - Int64(rng.below(900))
        }

        // MARK: Writing evidence

        /// Records a CloudTrail event of the current second (or `time`) and returns its eventID.
        @discardableResult
        mutating func call(_ name: String, by who: Who, tables ts: [Int], request: String?, readOnly: Bool = false,
                           management: Bool = false, response: String? = nil, error: (code: String, message: String)? = nil,
                           at time: Int64? = nil) -> String {
            let p = principals[who.rawValue]
            let id = rng.uuid()
            let region = tables[ts.first ?? 0].region
            var resources: [String] = []
            for t in ts.indices.filter({ ts.firstIndex(of: ts[$0]) == $0 }).map({ ts[$0] }) {
                // Tables with a stream list the stream too, in data events.
                if !management, let stream = tables[t].streamARN {
                    resources.append("{\"accountId\":\"\(account)\",\"type\":\"AWS::DynamoDB::Stream\",\"ARN\":\"\(stream)\"}")
                }
                resources.append("{\"accountId\":\"\(account)\",\"type\":\"AWS::DynamoDB::Table\",\"ARN\":\"\(tables[t].arn)\"}")
            }
            var s = "{\"eventVersion\":\"1.11\",\"userIdentity\":\(p.identity),\"eventTime\":\"\(UTC.iso(Int(time ?? second)))\""
            s += ",\"eventSource\":\"dynamodb.amazonaws.com\",\"eventName\":\"\(name)\",\"awsRegion\":\"\(region)\""
            s += ",\"sourceIPAddress\":\"\(p.ip)\",\"userAgent\":\(jsonString(p.userAgent))"
            if let error { s += ",\"errorCode\":\"\(error.code)\",\"errorMessage\":\(jsonString(error.message))" }
            s += ",\"requestParameters\":\(request ?? "null"),\"responseElements\":\(response ?? "null")"
            s += ",\"requestID\":\"\(rng.dynamoRequestID())\",\"eventID\":\"\(id)\",\"readOnly\":\(readOnly)"
            s += ",\"resources\":[\(resources.joined(separator: ","))],\"eventType\":\"AwsApiCall\",\"apiVersion\":\"2012-08-10\""
            s += ",\"managementEvent\":\(management),\"recipientAccountId\":\"\(account)\""
            if p.console { s += ",\"sessionCredentialFromConsole\":\"true\"" }
            s += ",\"eventCategory\":\"\(management ? "Management" : "Data")\""
            s += ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"dynamodb.\(region).amazonaws.com\"}}"
            events.append(Event(region: region, second: time ?? second, id: id, text: s, data: !management))
            return id
        }

        /// Sets an item to `new` (nil: deleted) and records the change that makes, if it makes one.
        @discardableResult
        mutating func write(_ t: Int, _ key: [Value], _ new: Attributes?, at ms: Int64, cause: Cause, kind: String,
                            ttl: Bool = false) -> String? {
            let k = keyText(key)
            let old = items[t][k]
            lastTouch[t][k] = second
            let type: String
            switch (old, new) {
            case (nil, nil): return nil
            case (nil, _): type = "INSERT"
            case (_, nil): type = "REMOVE"
            default:
                if old == new { return nil }   // no-op writes reach CloudTrail, never the stream
                type = "MODIFY"
            }
            store(t, k, new)
            let id = tables[t].delivery == .kinesis ? rng.uuid() : rng.characters(32, from: "0123456789abcdef")
            changes.append(Change(table: t, id: id, type: type, key: key, old: old, new: new, ms: ms, ttl: ttl, order: changes.count))
            truth.causes[id] = cause
            truth.kinds[id] = kind + " " + type
            return id
        }

        // MARK: Control plane

        /// Management calls before the data: TTL on Sessions, Orders and Ledger created, Ledger streaming to Kinesis.
        mutating func setUp() {
            let ttl = #"{"tableName":"Sessions","timeToLiveSpecification":{"enabled":true,"attributeName":"expiresAt"}}"#
            call("UpdateTimeToLive", by: .deployer, tables: [sessions], request: ttl, management: true,
                 response: #"{"timeToLiveSpecification":{"enabled":true,"attributeName":"expiresAt"}}"#, at: Self.start - 2_400)
            for (t, offset) in [(orders, Int64(1_800)), (ledger, 1_500)] where tables[t].createdInEvidence {
                createTable(t, at: Self.start - offset)
            }
            call("EnableKinesisStreamingDestination", by: .deployer, tables: [ledger],
                 request: "{\"tableName\":\"Ledger\",\"streamArn\":\"\(kinesisStreamARN)\",\"enableKinesisStreamingConfiguration\":{\"approximateCreationDateTimePrecision\":\"MILLISECOND\"}}",
                 management: true,
                 response: "{\"tableName\":\"Ledger\",\"streamArn\":\"\(kinesisStreamARN)\",\"destinationStatus\":\"ENABLING\",\"enableKinesisStreamingConfiguration\":{\"approximateCreationDateTimePrecision\":\"MILLISECOND\"}}",
                 at: Self.start - 1_400)
        }

        mutating func createTable(_ t: Int, at time: Int64) {
            let table = tables[t]
            let definitions = "[" + table.key.map { "{\"attributeName\":\"\($0.name)\",\"attributeType\":\"\($0.type)\"}" }.joined(separator: ",") + "]"
            let schema = "[" + table.key.enumerated().map { "{\"attributeName\":\"\($1.name)\",\"keyType\":\"\($0 == 0 ? "HASH" : "RANGE")\"}" }
                .joined(separator: ",") + "]"
            let stream = table.streamLabel == nil ? "" : ",\"streamSpecification\":{\"streamEnabled\":true,\"streamViewType\":\"NEW_AND_OLD_IMAGES\"}"
            let request = "{\"attributeDefinitions\":\(definitions),\"tableName\":\"\(table.name)\",\"keySchema\":\(schema),\"billingMode\":\"PAY_PER_REQUEST\"\(stream),\"sSESpecification\":{\"enabled\":true,\"sSEType\":\"KMS\"}}"
            var created = RecordWriter()
            created.javaTime(Int(time))
            var description = "{\"attributeDefinitions\":\(definitions),\"tableName\":\"\(table.name)\",\"keySchema\":\(schema),\"tableStatus\":\"CREATING\""
            description += ",\"creationDateTime\":\"\(String(decoding: created.bytes, as: UTF8.self))\",\"provisionedThroughput\":{\"numberOfDecreasesToday\":0,\"readCapacityUnits\":0,\"writeCapacityUnits\":0}"
            description += ",\"tableSizeBytes\":0,\"itemCount\":0,\"tableArn\":\"\(table.arn)\",\"tableId\":\"\(rng.uuid())\",\"billingModeSummary\":{\"billingMode\":\"PAY_PER_REQUEST\"}"
            if let label = table.streamLabel, let arn = table.streamARN {
                description += stream + ",\"latestStreamLabel\":\"\(label)\",\"latestStreamArn\":\"\(arn)\""
            }
            description += ",\"sSEDescription\":{\"status\":\"ENABLED\",\"sSEType\":\"KMS\",\"kMSMasterKeyArn\":\"arn:aws:kms:\(table.region):\(account):key/\(rng.uuid())\"}}"
            call("CreateTable", by: .deployer, tables: [t], request: request, management: true, response: "{\"tableDescription\":\(description)}", at: time)
        }
    }
}

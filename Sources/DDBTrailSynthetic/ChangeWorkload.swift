import DDBTrailCore
import Foundation

/// A generated DynamoDB workload where the truth is known: CloudTrail data events, the stream
/// records (as a Lambda DynamoDB event) they caused, and which call caused which change. Covers
/// same-second writes by different principals, no-op writes, failed conditional writes, TTL
/// deletions, transactions and batches, updates that create items, and calls whose record logs no
/// key (PartiQL INSERT, batch puts that log only names). Used to measure attribution precision and recall.
public struct ChangeWorkload: Sendable {
    public var cloudTrail: String          // {"Records":[…]}
    public var stream: String              // Lambda DynamoDB event {"Records":[…]}
    /// Stream eventID → the CloudTrail eventID that caused it; nil for TTL deletions.
    public var truth: [String: String?]
    /// Stream eventIDs whose cause cannot be told apart from another principal's call by design.
    public var indistinguishable: Set<String>
    /// Stream eventIDs caused by a call whose CloudTrail record logs no key for that item.
    public var keyless: Set<String>

    public static let account = "111122223333"
    public static let region = "eu-west-1"
    public static let table = "Orders"
    static let streamARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/stream/2026-11-01T00:00:00.000"

    public static func generate(seed: UInt64 = 7, steps: Int = 2000) -> ChangeWorkload {
        var events: [String] = []
        var records: [String] = []
        var workload = ChangeWorkload(cloudTrail: "", stream: "", truth: [:], indistinguishable: [], keyless: [])
        run(seed: seed, steps: steps, event: { events.append($0) }, record: { records.append($0) },
            truth: { workload.truth[$0] = $1 }, indistinguishable: { workload.indistinguishable.insert($0) },
            keyless: { workload.keyless.insert($0) })
        workload.cloudTrail = "{\"Records\":[\n" + events.joined(separator: ",\n") + "\n]}\n"
        workload.stream = "{\"Records\":[\n" + records.joined(separator: ",\n") + "\n]}\n"
        return workload
    }

    /// Writes a large workload as gzip'd files of `perFile` records: CloudTrail log files under
    /// `cloudtrail/` and Lambda stream events under `streams/`. Returns (events, changes).
    public static func write(to directory: String, seed: UInt64, steps: Int, perFile: Int = 1000) throws -> (events: Int, changes: Int) {
        var counts = (events: 0, changes: 0)
        var buffers = (events: [String](), records: [String]())
        var error: (any Error)?
        func flush(_ lines: inout [String], folder: String, count: Int) {
            guard !lines.isEmpty, error == nil else { return }
            do {
                try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
                let writer = try GzipWriter(path: directory + "/\(folder)/\(folder)-\(String(format: "%07d", count)).json.gz")
                try writer.write("{\"Records\":[\n" + lines.joined(separator: ",\n") + "\n]}\n")
                try writer.close()
            } catch let e { error = e }
            lines.removeAll(keepingCapacity: true)
        }
        run(seed: seed, steps: steps, event: { line in
            buffers.events.append(line)
            counts.events += 1
            if buffers.events.count == perFile { flush(&buffers.events, folder: "cloudtrail", count: counts.events) }
        }, record: { line in
            buffers.records.append(line)
            counts.changes += 1
            if buffers.records.count == perFile { flush(&buffers.records, folder: "streams", count: counts.changes) }
        }, truth: { _, _ in }, indistinguishable: { _ in }, keyless: { _ in })
        flush(&buffers.events, folder: "cloudtrail", count: counts.events)
        flush(&buffers.records, folder: "streams", count: counts.changes)
        if let error { throw error }
        return counts
    }

    static func run(seed: UInt64, steps: Int, event emitEvent: (String) -> Void, record emitRecord: (String) -> Void,
                    truth setTruth: (String, String?) -> Void, indistinguishable addIndistinguishable: (String) -> Void,
                    keyless addKeyless: (String) -> Void) {
        var rng = SplitMix64(seed: seed)
        var items: [String: [String: String]] = [:]   // key text → attribute → typed JSON value
        var keys: [String] = []
        let principals = ["orders-api", "refunds-worker", "support-console", "etl-nightly", "fraud-review"]
        var clock: Int64 = 1_793_000_000  // 2026-10-27
        var seq: UInt64 = 1

        func uuid() -> String { rng.uuid() }
        func iso(_ t: Int64) -> String { Timestamp.format(epochSeconds: t) }
        func keyJSON(_ k: String) -> (plain: String, typed: String) {
            let parts = k.split(separator: "/")
            return ("{\"customerId\":\"\(parts[0])\",\"orderId\":\"\(parts[1])\"}",
                    "{\"customerId\":{\"S\":\"\(parts[0])\"},\"orderId\":{\"S\":\"\(parts[1])\"}}")
        }
        func image(_ k: String, _ attrs: [String: String]) -> String {
            let typedKey = keyJSON(k).typed
            let rest = attrs.keys.sorted().map { "\"\($0)\":\(attrs[$0]!)" }.joined(separator: ",")
            return String(typedKey.dropLast()) + (rest.isEmpty ? "" : ",") + rest + "}"
        }
        func event(_ name: String, principal: String, time: Int64, parameters: String, error: String? = nil) -> String {
            let id = uuid()
            let errorPart = error.map { ",\"errorCode\":\"\($0)\",\"errorMessage\":\"The conditional request failed\"" } ?? ""
            emitEvent("""
                {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:\(principal)","arn":"arn:aws:sts::\(account):assumed-role/\(principal)-role/\(principal)","accountId":"\(account)","accessKeyId":"ASIA\(principal.uppercased().prefix(6))EXAMPLE"},"eventTime":"\(iso(time))","eventSource":"dynamodb.amazonaws.com","eventName":"\(name)","awsRegion":"\(region)","sourceIPAddress":"10.0.0.\(principals.firstIndex(of: principal)! + 10)","userAgent":"aws-sdk-java/2.20","requestParameters":\(parameters),"responseElements":null,"requestID":"\(rng.characters(20, from: "0123456789ABCDEF"))","eventID":"\(id)","readOnly":false,"resources":[{"accountId":"\(account)","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:\(region):\(account):table/\(table)"}],"eventType":"AwsApiCall","apiVersion":"2012-08-10","managementEvent":false,"recipientAccountId":"\(account)","eventCategory":"Data"\(errorPart)}
                """)
            return id
        }
        func record(_ type: String, key k: String, old: [String: String]?, new: [String: String]?, time: Int64, ttl: Bool = false) -> String {
            let id = rng.characters(32, from: "0123456789abcdef")
            seq += UInt64(1 + rng.below(50))
            var dynamodb = "\"ApproximateCreationDateTime\":\(time),\"Keys\":\(keyJSON(k).typed)"
            if let new { dynamodb += ",\"NewImage\":\(image(k, new))" }
            if let old { dynamodb += ",\"OldImage\":\(image(k, old))" }
            dynamodb += ",\"SequenceNumber\":\"\(String(seq).count < 21 ? String(repeating: "1", count: 21 - String(seq).count) + String(seq) : String(seq))\",\"SizeBytes\":120,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\""
            let identity = ttl ? ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}" : ""
            emitRecord("""
                {"eventID":"\(id)","eventName":"\(type)","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"\(region)","dynamodb":{\(dynamodb)}\(identity),"eventSourceARN":"\(streamARN)"}
                """)
            return id
        }
        func newKey() -> String {
            let k = "C-\(1000 + rng.below(400))/O-\(keys.count + 1)"
            keys.append(k)
            return k
        }
        /// The stream lags the call by 0–1 s (stream time rounds down; CloudTrail logs completion).
        func streamTime(_ callTime: Int64) -> Int64 { callTime - Int64(rng.below(2)) }

        let redacted = "***(Redacted)"
        func insertStatement(_ names: [String]) -> String {
            "INSERT INTO \\\"\(table)\\\" VALUE {" + names.map { "'\($0)' : \(redacted)" }.joined(separator: ", ") + "}"
        }
        /// Updates that create items, and calls whose records log no key for the items they write.
        func keylessStep(_ kind: Int, who: String, other: String) {
            let names = ["customerId", "orderId", "status", "channel"]
            func newItem() -> [String: String] {
                ["status": "{\"S\":\"NEW\"}", "channel": "{\"S\":\"c\(rng.below(1000))\"}"]
            }
            func insert(_ e: String, time t: Int64, keyless: Bool = true) -> String {
                let k = newKey()
                let attrs = newItem()
                let r = record("INSERT", key: k, old: nil, new: attrs, time: t)
                items[k] = attrs
                setTruth(r, e)
                if keyless { addKeyless(r) }
                return r
            }
            switch kind {
            case 0..<4:
                // UpdateItem of a key not yet in the table: an INSERT holding the key and the set attributes.
                let k = newKey()
                let attrs = ["status": "{\"S\":\"OPEN\"}", "amount": "{\"N\":\"\(rng.below(900))\"}"]
                let e = event("UpdateItem", principal: who, time: clock,
                              parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s, amount = if_not_exists(amount, :a)\",\"expressionAttributeNames\":{\"#s\":\"status\"}}")
                let r = record("INSERT", key: k, old: nil, new: attrs, time: streamTime(clock))
                items[k] = attrs
                setTruth(r, e)
            case 4..<6:
                // A transaction whose Update creates an item.
                let k = newKey()
                let attrs = ["refundStatus": "{\"S\":\"PENDING\"}"]
                let e = event("TransactWriteItems", principal: who, time: clock, parameters: """
                    {"requestItems":[{"operation":"Update","tableName":"\(table)","key":\(keyJSON(k).plain),"updateExpression":"SET refundStatus = :p"}]}
                    """)
                let r = record("INSERT", key: k, old: nil, new: attrs, time: streamTime(clock))
                items[k] = attrs
                setTruth(r, e)
            case 6..<9:
                // PartiQL INSERT: every value redacted, the key's too.
                let e = event("ExecuteStatement", principal: who, time: clock,
                              parameters: "{\"statement\":\"\(insertStatement(names))\"}")
                _ = insert(e, time: streamTime(clock))
            case 9..<11:
                // BatchExecuteStatement: a keyed UPDATE of an existing item and two INSERTs.
                guard let k = keys.last(where: { items[$0] != nil }), let current = items[k] else { return }
                let parts = k.split(separator: "/")
                let update = "UPDATE \\\"\(table)\\\" SET status = \(redacted) WHERE customerId = '\(parts[0])' AND orderId = '\(parts[1])'"
                let e = event("BatchExecuteStatement", principal: who, time: clock, parameters:
                    "{\"requestItems\":[{\"statement\":\"\(update)\"},{\"statement\":\"\(insertStatement(names))\"},{\"statement\":\"\(insertStatement(names))\"}]}")
                let t = streamTime(clock)
                var next = current
                next["status"] = "{\"S\":\"b\(rng.below(1_000_000))\"}"
                setTruth(record("MODIFY", key: k, old: current, new: next, time: t), e)
                items[k] = next
                _ = insert(e, time: t)
                _ = insert(e, time: t)
            case 11..<13:
                // ExecuteTransaction of two INSERTs.
                let e = event("ExecuteTransaction", principal: who, time: clock, parameters:
                    "{\"transactStatements\":[{\"statement\":\"\(insertStatement(names))\"},{\"statement\":\"\(insertStatement(names))\"}]}")
                let t = streamTime(clock)
                _ = insert(e, time: t)
                _ = insert(e, time: t)
            case 13..<16:
                // BatchWriteItem puts that log only the attribute names, as a map by table or a flat list.
                let put = "{\"putRequest\":{\"item\":[\"customerId\",\"orderId\",\"status\",\"channel\"]}}"
                let parameters = kind == 15
                    ? "{\"requestItems\":[{\"operation\":\"Put\",\"tableName\":\"\(table)\",\"items\":[\"customerId\",\"orderId\",\"status\",\"channel\"]},{\"operation\":\"Put\",\"tableName\":\"\(table)\",\"items\":[\"customerId\",\"orderId\",\"status\",\"channel\"]}]}"
                    : "{\"requestItems\":{\"\(table)\":[\(put),\(put)]}}"
                let e = event("BatchWriteItem", principal: who, time: clock, parameters: parameters)
                let t = streamTime(clock)
                _ = insert(e, time: t)
                _ = insert(e, time: t)
            case 16..<18:
                // Two PartiQL INSERTs of the same shape by different principals in one second.
                let e1 = event("ExecuteStatement", principal: who, time: clock, parameters: "{\"statement\":\"\(insertStatement(names))\"}")
                let e2 = event("ExecuteStatement", principal: other, time: clock, parameters: "{\"statement\":\"\(insertStatement(names))\"}")
                addIndistinguishable(insert(e1, time: clock))
                addIndistinguishable(insert(e2, time: clock))
            default:
                // A PartiQL INSERT beside a keyed PutItem of the same shape, in one second.
                let e1 = event("ExecuteStatement", principal: who, time: clock, parameters: "{\"statement\":\"\(insertStatement(names))\"}")
                let k = newKey()
                let e2 = event("PutItem", principal: other, time: clock,
                               parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"item\":[\"customerId\",\"orderId\",\"status\",\"channel\"]}")
                let attrs = newItem()
                let r2 = record("INSERT", key: k, old: nil, new: attrs, time: clock)
                items[k] = attrs
                setTruth(r2, e2)
                _ = insert(e1, time: clock)
            }
        }

        for _ in 0..<steps {
            clock += Int64(1 + rng.below(3))
            let who = principals[rng.below(principals.count)]
            let roll = rng.below(120)
            if roll >= 100 {
                keylessStep(roll - 100, who: who, other: principals[(principals.firstIndex(of: who)! + 1) % principals.count])
                continue
            }
            if keys.isEmpty || roll < 25 {
                // PutItem of a new item → INSERT.
                let k = newKey()
                let attrs = ["status": "{\"S\":\"NEW\"}", "amount": "{\"N\":\"\(10 + rng.below(500)).\(rng.below(100))\"}"]
                let e = event("PutItem", principal: who, time: clock,
                              parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"item\":[\"customerId\",\"orderId\",\"amount\",\"status\"]}")
                let r = record("INSERT", key: k, old: nil, new: attrs, time: streamTime(clock))
                items[k] = attrs
                setTruth(r, e)
                continue
            }
            let k = keys[rng.below(keys.count)]
            guard let current = items[k] else {
                // Deleted item: a DeleteItem of a missing item changes nothing.
                _ = event("DeleteItem", principal: who, time: clock, parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain)}")
                continue
            }
            switch roll {
            case 25..<55:
                // UpdateItem of one attribute → MODIFY.
                let attribute = ["status", "note", "refundStatus"][rng.below(3)]
                var next = current
                next[attribute] = "{\"S\":\"v\(rng.below(1_000_000))\"}"
                let e = event("UpdateItem", principal: who, time: clock,
                              parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #a = :v\",\"expressionAttributeNames\":{\"#a\":\"\(attribute)\"}}")
                let r = record("MODIFY", key: k, old: current, new: next, time: streamTime(clock))
                items[k] = next
                setTruth(r, e)
            case 55..<62:
                // Two updates of one item in the same second by different principals, to different attributes.
                let other = principals[(principals.firstIndex(of: who)! + 1) % principals.count]
                var next = current
                next["status"] = "{\"S\":\"s\(rng.below(1_000_000))\"}"
                let e1 = event("UpdateItem", principal: who, time: clock,
                               parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s\",\"expressionAttributeNames\":{\"#s\":\"status\"}}")
                var after = next
                after["note"] = "{\"S\":\"n\(rng.below(1_000_000))\"}"
                let e2 = event("UpdateItem", principal: other, time: clock,
                               parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET note = :n\"}")
                let r1 = record("MODIFY", key: k, old: current, new: next, time: clock)
                let r2 = record("MODIFY", key: k, old: next, new: after, time: clock)
                items[k] = after
                setTruth(r1, e1)
                setTruth(r2, e2)
            case 62..<65:
                // Two identical-looking updates in one second by different principals: truly indistinguishable.
                let other = principals[(principals.firstIndex(of: who)! + 2) % principals.count]
                var next = current
                next["status"] = "{\"S\":\"x\(rng.below(1_000_000))\"}"
                var after = next
                after["status"] = "{\"S\":\"y\(rng.below(1_000_000))\"}"
                let p = "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s\",\"expressionAttributeNames\":{\"#s\":\"status\"}}"
                let e1 = event("UpdateItem", principal: who, time: clock, parameters: p)
                let e2 = event("UpdateItem", principal: other, time: clock, parameters: p)
                let r1 = record("MODIFY", key: k, old: current, new: next, time: clock)
                let r2 = record("MODIFY", key: k, old: next, new: after, time: clock)
                items[k] = after
                setTruth(r1, e1)
                setTruth(r2, e2)
                addIndistinguishable(r1)
                addIndistinguishable(r2)
            case 65..<72:
                // No-op write: CloudTrail logs it, the stream does not.
                _ = event("UpdateItem", principal: who, time: clock,
                          parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s\",\"expressionAttributeNames\":{\"#s\":\"status\"}}")
            case 72..<78:
                // Failed conditional write right before a real one of the same shape.
                _ = event("UpdateItem", principal: principals[(principals.firstIndex(of: who)! + 3) % principals.count], time: clock,
                          parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s\",\"conditionExpression\":\"#s = :old\",\"expressionAttributeNames\":{\"#s\":\"status\"}}",
                          error: "ConditionalCheckFailedException")
                var next = current
                next["status"] = "{\"S\":\"c\(rng.below(1_000_000))\"}"
                let e = event("UpdateItem", principal: who, time: clock,
                              parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain),\"updateExpression\":\"SET #s = :s\",\"expressionAttributeNames\":{\"#s\":\"status\"}}")
                let r = record("MODIFY", key: k, old: current, new: next, time: streamTime(clock))
                items[k] = next
                setTruth(r, e)
            case 78..<84:
                // DeleteItem → REMOVE.
                let e = event("DeleteItem", principal: who, time: clock, parameters: "{\"tableName\":\"\(table)\",\"key\":\(keyJSON(k).plain)}")
                let r = record("REMOVE", key: k, old: current, new: nil, time: streamTime(clock))
                items[k] = nil
                setTruth(r, e)
            case 84..<88:
                // TTL expiry: a stream REMOVE by the service, no CloudTrail event.
                let r = record("REMOVE", key: k, old: current, new: nil, time: clock, ttl: true)
                items[k] = nil
                setTruth(r, nil)
            case 88..<94:
                // TransactWriteItems: an update of this item and a new item.
                let k2 = newKey()
                var next = current
                next["status"] = "{\"S\":\"t\(rng.below(1_000_000))\"}"
                let attrs2 = ["status": "{\"S\":\"NEW\"}"]
                let e = event("TransactWriteItems", principal: who, time: clock, parameters: """
                    {"requestItems":[{"operation":"Update","tableName":"\(table)","key":\(keyJSON(k).plain),"updateExpression":"SET #s = :s","expressionAttributeNames":{"#s":"status"}},{"operation":"Put","tableName":"\(table)","key":\(keyJSON(k2).plain),"items":["customerId","orderId","status"]},{"operation":"ConditionCheck","tableName":"\(table)","key":\(keyJSON(keys[0]).plain),"conditionExpression":"attribute_exists(customerId)"}]}
                    """)
                let t = streamTime(clock)
                setTruth(record("MODIFY", key: k, old: current, new: next, time: t), e)
                setTruth(record("INSERT", key: k2, old: nil, new: attrs2, time: t), e)
                items[k] = next
                items[k2] = attrs2
            default:
                // BatchWriteItem: delete this item, put a new one.
                let k2 = newKey()
                let attrs2 = ["status": "{\"S\":\"NEW\"}", "amount": "{\"N\":\"1\"}"]
                let e = event("BatchWriteItem", principal: who, time: clock, parameters: """
                    {"requestItems":{"\(table)":[{"deleteRequest":{"key":\(keyJSON(k).plain)}},{"putRequest":{"key":\(keyJSON(k2).plain),"item":["customerId","orderId","status","amount"]}}]}}
                    """)
                let t = streamTime(clock)
                setTruth(record("REMOVE", key: k, old: current, new: nil, time: t), e)
                setTruth(record("INSERT", key: k2, old: nil, new: attrs2, time: t), e)
                items[k] = nil
                items[k2] = attrs2
            }
        }

    }
}

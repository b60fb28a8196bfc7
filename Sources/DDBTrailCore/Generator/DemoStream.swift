/// The demo incident's change data: a DynamoDB stream consumer's archive of Lambda events for
/// table Orders, derived by replaying the incident's own successful CloudTrail writes to Orders,
/// so the two sides agree the way real evidence would (same keys, same seconds, images that
/// follow each update expression).
enum DemoStream {
    static let path = "AWSLambda/orders-stream-archiver/2026/11/03/orders-stream-events.json"
    static let streamARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/stream/2026-10-01T09:12:44.311"

    /// Plausible values for the attributes the demo's requests name.
    static func value(_ attribute: String, key: String, time: String = "") -> String {
        let n = key.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 100_000 }
        switch attribute {
        case "status": return #"{"S":"PLACED"}"#
        case "total": return #"{"N":"\#(20 + n % 400).\#(10 + n % 89)"}"#
        case "refundStatus": return #"{"S":"ISSUED"}"#
        case "refundAmount": return #"{"N":"249.99"}"#
        case "currency": return #"{"S":"EUR"}"#
        case "createdAt", "updatedAt": return #"{"S":"\#(time)"}"#
        default: return #"{"S":"\#(attribute)-\#(n % 1000)"}"#
        }
    }

    static func file(from cloudTrailFiles: [(path: String, bytes: [UInt8])]) -> (path: String, bytes: [UInt8]) {
        var writes: [(time: String, order: Int, eventID: String, operation: String, key: [ItemKey.Attribute], names: JSON?)] = []
        var seen = Set<String>()  // CloudTrail redelivers some records: each call wrote once
        for file in cloudTrailFiles {
            guard let records = (try? JSONParser.parse(file.bytes))?["Records"]?.array else { continue }
            for record in records {
                guard let object = record.object else { continue }
                let e = CloudTrailNormaliser.normalise(object)
                guard e.errorCode == nil, let time = e.eventTime, let id = e.eventID, seen.insert(id).inserted else { continue }
                for access in e.itemAccesses where access.table.name == "Orders" {
                    guard let key = access.key, Attribution.operationKind(access.operation) != nil else { continue }
                    writes.append((time, writes.count, id, access.operation, key,
                                   access.attributeNames.flatMap { try? JSONParser.parse($0) }))
                }
            }
        }
        writes.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        var items: [String: [String: String]] = [:]
        var records: [String] = []
        var sequence: UInt64 = 31_000_000_000
        for w in writes {
            let keyText = ItemKey.canonical(w.key)
            let typedKey = "{" + w.key.map { "\"\($0.name)\":{\"S\":\(jsonString($0.value))}" }.joined(separator: ",") + "}"
            func image(_ attributes: [String: String]) -> String {
                "{" + (w.key.map { "\"\($0.name)\":{\"S\":\(jsonString($0.value))}" }
                       + attributes.keys.sorted().map { "\(jsonString($0)):\(attributes[$0]!)" }).joined(separator: ",") + "}"
            }
            // Items the incident touches without creating them existed before the evidence starts.
            let before = items[keyText] ?? ["status": value("status", key: keyText), "total": value("total", key: keyText),
                                            "currency": value("currency", key: keyText)]
            let existed = items[keyText] != nil || w.operation != "PutItem" && w.operation != "Put"
            var after: [String: String]? = before
            switch Attribution.operationKind(w.operation) {
            case "put":
                var fresh: [String: String] = [:]
                let keyNames = Set(w.key.map(\.name))
                for name in (w.names?.array ?? []).compactMap(\.string) where !keyNames.contains(name) {
                    fresh[name] = value(name, key: keyText, time: w.time)
                }
                after = fresh
            case "update":
                var updated = before
                if case .touches(let names) = Attribution.declared(w.names) {
                    for name in names.sorted() { updated[name] = value(name, key: keyText, time: w.time) }
                }
                after = updated
            default:
                after = nil
            }
            let type = after == nil ? "REMOVE" : (existed ? "MODIFY" : "INSERT")
            guard existed || after != nil else { continue }
            sequence += 1_000_017
            let seconds = Timestamp.epochSeconds(w.time) ?? 0
            var dynamodb = "\"ApproximateCreationDateTime\":\(seconds),\"Keys\":\(typedKey)"
            if let after { dynamodb += ",\"NewImage\":\(image(after))" }
            if existed { dynamodb += ",\"OldImage\":\(image(before))" }
            dynamodb += ",\"SequenceNumber\":\"4000000\(String(sequence).count < 14 ? String(repeating: "0", count: 14 - String(sequence).count) : "")\(sequence)\",\"SizeBytes\":\(90 + (after ?? before).count * 17),\"StreamViewType\":\"NEW_AND_OLD_IMAGES\""
            let streamID = hexString(Array(SHA256Hasher.digest(of: Array(("demo-stream:" + w.eventID + keyText).utf8)).prefix(16)))
            records.append(#"{"eventID":"\#(streamID)","eventName":"\#(type)","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":{\#(dynamodb)},"eventSourceARN":"\#(streamARN)"}"#)
            items[keyText] = after
        }
        let text = "{\"Records\":[\n" + records.joined(separator: ",\n") + "\n]}\n"
        return (path, Array(text.utf8))
    }
}

import DDBTrailCore

/// The demo incident's change data: a DynamoDB stream consumer's archive of Lambda events for
/// table Orders. It replays the writes the script's successful calls make to Orders (each
/// `DemoIncidentScript.Write`), so the two sides agree the way real evidence would (same keys,
/// same seconds, images that follow each request). It is built from the script alone, never by
/// reading the incident's CloudTrail back with the normaliser or attribution: a demo built with
/// the code it demonstrates could not show that code's mistakes.
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

    /// The stream file for the script's calls (as `DemoIncidentScript.render` returns them).
    static func file(from calls: [DemoIncidentScript.Rendered]) -> (path: String, bytes: [UInt8]) {
        // Failed calls change nothing; a call's writes happen in request order.
        let writes = calls.enumerated()
            .filter { $0.element.event.error == nil && $0.element.event.table == "Orders" }
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .flatMap { call in call.element.event.writes.map { (call: call.element, write: $0) } }
        var items: [String: [String: String]] = [:]
        var records: [String] = []
        var sequence: UInt64 = 31_000_000_000
        for (call, write) in writes {
            let keyText = ItemKey.canonical(write.key.map { ItemKey.Attribute(name: $0.name, type: nil, value: $0.value) })
            let time = UTC.iso(call.time)
            // The key attributes as typed members: the record's Keys, and the start of each image.
            let keyMembers = write.key.map { "\"\($0.name)\":{\"S\":\(jsonString($0.value))}" }
            let typedKey = "{" + keyMembers.joined(separator: ",") + "}"
            func image(_ attributes: [String: String]) -> String {
                "{" + (keyMembers + attributes.keys.sorted().map { "\(jsonString($0)):\(attributes[$0]!)" }).joined(separator: ",") + "}"
            }
            // Items the incident touches without creating them existed before the evidence starts.
            let before = items[keyText] ?? ["status": value("status", key: keyText), "total": value("total", key: keyText),
                                            "currency": value("currency", key: keyText)]
            let existed: Bool
            let after: [String: String]?
            switch write.kind {
            case .put(let item):
                existed = items[keyText] != nil
                let keyNames = Set(write.key.map(\.name))
                var fresh: [String: String] = [:]
                for name in item where !keyNames.contains(name) { fresh[name] = value(name, key: keyText, time: time) }
                after = fresh
            case .update(let set):
                existed = true
                var updated = before
                for (_, name) in set { updated[name] = value(name, key: keyText, time: time) }
                after = updated
            case .delete:
                existed = true
                after = nil
            }
            let type = after == nil ? "REMOVE" : (existed ? "MODIFY" : "INSERT")
            sequence += 1_000_017
            var dynamodb = "\"ApproximateCreationDateTime\":\(call.time),\"Keys\":\(typedKey)"
            if let after { dynamodb += ",\"NewImage\":\(image(after))" }
            if existed { dynamodb += ",\"OldImage\":\(image(before))" }
            dynamodb += ",\"SequenceNumber\":\"4000000\(String(sequence).count < 14 ? String(repeating: "0", count: 14 - String(sequence).count) : "")\(sequence)\",\"SizeBytes\":\(90 + (after ?? before).count * 17),\"StreamViewType\":\"NEW_AND_OLD_IMAGES\""
            let streamID = hexString(Array(SHA256Hasher.digest(of: Array(("demo-stream:" + call.eventID + keyText).utf8)).prefix(16)))
            records.append(#"{"eventID":"\#(streamID)","eventName":"\#(type)","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1","dynamodb":{\#(dynamodb)},"eventSourceARN":"\#(streamARN)"}"#)
            items[keyText] = after
        }
        let text = "{\"Records\":[\n" + records.joined(separator: ",\n") + "\n]}\n"
        return (path, Array(text.utf8))
    }
}

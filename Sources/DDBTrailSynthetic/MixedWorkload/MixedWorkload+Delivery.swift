import DDBTrailCore
import Foundation

/// The evidence as an investigator would receive it: CloudTrail log files from S3 and, per
/// table, the change records as the consumer that collected them saw them.
extension MixedWorkload.Engine {
    struct OutputFile {
        var path: String
        var text: String
        var gzip: Bool
    }

    /// Writes every file under `directory`; returns their relative paths, sorted.
    mutating func deliver(to directory: String) throws -> [String] {
        var files = cloudTrailFiles()
        for t in MixedWorkload.tables.indices {
            switch MixedWorkload.tables[t].delivery {
            case .lambda: files += lambdaFiles(t)
            case .getRecords: files += getRecordsFiles(t)
            case .kinesis: files += kinesisFiles(t)
            }
        }
        var made = Set<String>()
        for file in files {
            let path = directory + "/" + file.path
            let folder = (path as NSString).deletingLastPathComponent
            if made.insert(folder).inserted {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw GzipWriterError(path: folder, message: "cannot create directory: \(error.localizedDescription)")
                }
            }
            if file.gzip {
                let writer = try GzipWriter(path: path)
                try writer.write(Array(file.text.utf8))
                try writer.close()
            } else {
                guard FileManager.default.createFile(atPath: path, contents: Data(file.text.utf8)) else {
                    throw GzipWriterError(path: path, message: "cannot write file")
                }
            }
        }
        return files.map(\.path).sorted()
    }

    // MARK: CloudTrail

    /// S3 log files per region: each holds what was delivered in a 5-minute window (an event
    /// arrives 1–10 minutes after its call), busy windows are split over two files, records
    /// inside a file are not in time order, and a few events are delivered twice.
    mutating func cloudTrailFiles() -> [OutputFile] {
        var out: [OutputFile] = []
        let account = MixedWorkload.account
        for region in ["eu-west-1", "us-east-1"] {
            var delivered: [(at: Int64, order: Int, event: MixedWorkload.Event)] = []
            for (i, e) in events.enumerated() where e.region == region {
                let at = e.second + 60 + Int64(rng.below(540))
                delivered.append((at, i, e))
                if e.data && rng.chance(0.003) { delivered.append((at + 300 + Int64(rng.below(600)), i, e)) }
            }
            delivered.sort { ($0.at / 300, $0.order) < ($1.at / 300, $1.order) }
            var index = 0
            while index < delivered.count {
                let window = delivered[index].at / 300
                var batch: [MixedWorkload.Event] = []
                while index < delivered.count && delivered[index].at / 300 == window {
                    batch.append(delivered[index].event)
                    index += 1
                }
                var groups = [[MixedWorkload.Event]](repeating: [], count: batch.count > 60 ? 2 : 1)
                for e in batch { groups[rng.below(groups.count)].append(e) }
                for var records in groups where !records.isEmpty {
                    for i in records.indices where rng.chance(0.2) {
                        records.swapAt(i, min(records.count - 1, i + 1 + rng.below(4)))
                    }
                    let time = Int(window * 300) + rng.below(300)
                    let name = "\(account)_CloudTrail_\(region)_\(UTC.compact(time, seconds: false))_\(rng.characters(16, from: Alphabet.alphanumerics)).json.gz"
                    out.append(OutputFile(path: "AWSLogs/\(account)/CloudTrail/\(region)/\(UTC.folder(time))/\(name)",
                                          text: "{\"Records\":[" + records.map(\.text).joined(separator: ",\n") + "]}\n", gzip: true))
                }
            }
        }
        return out
    }

    // MARK: Change records

    /// A table's changes in stream order (modification time; calls keep their own order).
    func streamOrder(_ t: Int) -> [MixedWorkload.Change] {
        changes.filter { $0.table == t }.sorted { ($0.ms, $0.order) < ($1.ms, $1.order) }
    }

    func typedKey(_ t: Int, _ key: [Value]) -> String {
        "{" + zip(MixedWorkload.tables[t].key, key).map { jsonString($0.name) + ":" + $1.typed }.joined(separator: ",") + "}"
    }

    /// Keys, images and size, the members every delivery shares.
    func streamMembers(_ c: MixedWorkload.Change) -> String {
        var s = "\"Keys\":" + typedKey(c.table, c.key)
        if let new = c.new { s += ",\"NewImage\":" + Value.image(new) }
        if let old = c.old { s += ",\"OldImage\":" + Value.image(old) }
        return s
    }

    /// Stream sequence numbers: digits only, increasing within the shard.
    mutating func sequenceNumbers(_ count: Int, table t: Int) -> [String] {
        var n = 17_454_423_009 + rng.below(1_000_000)
        return (0..<count).map { _ in
            n += 1 + rng.below(120)
            var w = RecordWriter()
            w.padded(n, width: 20)
            return "\(t + 1)" + String(decoding: w.bytes, as: UTF8.self)
        }
    }

    /// A DynamoDB Streams record. Lambda adds the stream ARN; get-records output has none, and
    /// its TTL identity uses the API's member names (PrincipalId, Type).
    func streamRecord(_ c: MixedWorkload.Change, sequence: String, eventSourceARN: String?) -> String {
        let table = MixedWorkload.tables[c.table]
        let members = streamMembers(c)
        var s = "{\"eventID\":\"\(c.id)\",\"eventName\":\"\(c.type)\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"\(table.region)\""
        s += ",\"dynamodb\":{\"ApproximateCreationDateTime\":\(c.ms / 1000),\(members),\"SequenceNumber\":\"\(sequence)\""
        s += ",\"SizeBytes\":\(members.utf8.count * 2 / 3),\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}"
        if c.ttl {
            s += eventSourceARN == nil ? ",\"userIdentity\":{\"PrincipalId\":\"dynamodb.amazonaws.com\",\"Type\":\"Service\"}"
                                       : ",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}"
        }
        if let eventSourceARN { s += ",\"eventSourceARN\":\"\(eventSourceARN)\"" }
        return s + "}"
    }

    /// Lambda DynamoDB stream events, as a consumer function archived each invocation's batch.
    mutating func lambdaFiles(_ t: Int) -> [OutputFile] {
        let table = MixedWorkload.tables[t]
        let records = streamOrder(t)
        let sequences = sequenceNumbers(records.count, table: t)
        var out: [OutputFile] = []
        var index = 0
        while index < records.count {
            let end = min(records.count, index + 10 + rng.below(91))
            let body = (index..<end).map { streamRecord(records[$0], sequence: sequences[$0], eventSourceARN: table.streamARN) }
            var w = RecordWriter()
            w.padded(out.count + 1, width: 5)
            out.append(OutputFile(path: "streams/\(table.name.lowercased())-lambda/\(table.name.lowercased())-stream-consumer-\(String(decoding: w.bytes, as: UTF8.self)).json",
                                  text: "{\"Records\":[\n" + body.joined(separator: ",\n") + "\n]}\n", gzip: false))
            index = end
        }
        return out
    }

    /// `aws dynamodbstreams get-records` pages, with the describe-stream output that names the table.
    mutating func getRecordsFiles(_ t: Int) -> [OutputFile] {
        let table = MixedWorkload.tables[t]
        guard let arn = table.streamARN, let label = table.streamLabel else { return [] }
        let records = streamOrder(t)
        let sequences = sequenceNumbers(records.count, table: t)
        let folder = "streams/\(table.name.lowercased())-get-records"
        let created = UTC.seconds(Int(label.prefix(4))!, Int(label.dropFirst(5).prefix(2))!, Int(label.dropFirst(8).prefix(2))!,
                                  Int(label.dropFirst(11).prefix(2))!, Int(label.dropFirst(14).prefix(2))!, Int(label.dropFirst(17).prefix(2))!)
        let keySchema = table.key.enumerated().map { "{\"AttributeName\":\"\($1.name)\",\"KeyType\":\"\($0 == 0 ? "HASH" : "RANGE")\"}" }
        var out = [OutputFile(path: folder + "/describe-stream.json", text: """
            {"StreamDescription":{"StreamArn":"\(arn)","StreamLabel":"\(label)","StreamStatus":"ENABLED","StreamViewType":"NEW_AND_OLD_IMAGES",\
            "CreationRequestDateTime":\(created).\(label.suffix(3)),"TableName":"\(table.name)","KeySchema":[\(keySchema.joined(separator: ","))],\
            "Shards":[{"ShardId":"\(Self.sessionsShard)","SequenceNumberRange":{"StartingSequenceNumber":"\(sequences.first ?? "100000000000000000000")"}}]}}

            """, gzip: false)]
        var index = 0
        while index < records.count {
            let end = min(records.count, index + 100 + rng.below(200))
            let body = (index..<end).map { streamRecord(records[$0], sequence: sequences[$0], eventSourceARN: nil) }
            let iterator = arn + "|1|" + rng.characters(240, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "=="
            var w = RecordWriter()
            w.padded(out.count, width: 4)
            out.append(OutputFile(path: folder + "/get-records-\(String(decoding: w.bytes, as: UTF8.self)).json",
                                  text: "{\"Records\":[\n" + body.joined(separator: ",\n") + "\n],\"NextShardIterator\":\(jsonString(iterator))}\n", gzip: false))
            index = end
        }
        return out
    }

    /// A Kinesis partition key: 32 hex digits derived from the item key (FNV-1a, twice).
    func partitionKey(_ text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            return h
        }
        let hex = String(fnv(0xCBF2_9CE4_8422_2325), radix: 16, uppercase: true) + String(fnv(0x8422_2325_CBF2_9CE4), radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 32 - hex.count)) + hex
    }

    /// Lambda Kinesis events of the table's Kinesis data stream: two shards by partition key,
    /// each record's data the base64 of the DynamoDB change (times in milliseconds, no sequence number).
    mutating func kinesisFiles(_ t: Int) -> [OutputFile] {
        let table = MixedWorkload.tables[t]
        var shards: [[(change: MixedWorkload.Change, partitionKey: String)]] = [[], []]
        for c in streamOrder(t) {
            let pk = partitionKey(keyText(c.key))
            shards[pk.hasPrefix("0") || pk.first! < "8" ? 0 : 1].append((c, pk))
        }
        var out: [OutputFile] = []
        for (shard, records) in shards.enumerated() {
            var counter = 1_000 + rng.below(1_000_000)
            var index = 0, file = 0
            while index < records.count {
                let end = min(records.count, index + 1 + rng.below(100))
                let body = (index..<end).map { i -> String in
                    let (c, pk) = records[i]
                    counter += 1 + rng.below(5)
                    var w = RecordWriter()
                    w.padded(counter, width: 28)
                    let sequence = "4965782840918770152001999524\(shard)" + String(decoding: w.bytes.dropFirst(), as: UTF8.self)
                    let arrival = c.ms + 40 + Int64(rng.below(900))
                    var ms = RecordWriter()
                    ms.padded(Int(arrival % 1000), width: 3)
                    let payload = "{\"awsRegion\":\"\(table.region)\",\"eventID\":\"\(c.id)\",\"eventName\":\"\(c.type)\",\"userIdentity\":\(c.ttl ? "{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}" : "null"),\"recordFormat\":\"application/json\",\"tableName\":\"\(table.name)\",\"dynamodb\":{\"ApproximateCreationDateTime\":\(c.ms),\"ApproximateCreationDateTimePrecision\":\"MILLISECOND\",\(streamMembers(c)),\"SizeBytes\":\(streamMembers(c).utf8.count * 2 / 3)},\"eventSource\":\"aws:dynamodb\"}"
                    return "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"\(pk)\",\"sequenceNumber\":\"\(sequence)\",\"data\":\"\(Data(payload.utf8).base64EncodedString())\",\"approximateArrivalTimestamp\":\(arrival / 1000).\(String(decoding: ms.bytes, as: UTF8.self))},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventID\":\"shardId-00000000000\(shard):\(sequence)\",\"eventName\":\"aws:kinesis:record\",\"invokeIdentityArn\":\"arn:aws:iam::\(MixedWorkload.account):role/ledger-cdc-consumer-role\",\"awsRegion\":\"\(table.region)\",\"eventSourceARN\":\"\(MixedWorkload.kinesisStreamARN)\"}"
                }
                file += 1
                var w = RecordWriter()
                w.padded(file, width: 5)
                out.append(OutputFile(path: "streams/\(table.name.lowercased())-kinesis/shardId-00000000000\(shard)-\(String(decoding: w.bytes, as: UTF8.self)).json",
                                      text: "{\"Records\":[\n" + body.joined(separator: ",\n") + "\n]}\n", gzip: false))
                index = end
            }
        }
        return out
    }
}

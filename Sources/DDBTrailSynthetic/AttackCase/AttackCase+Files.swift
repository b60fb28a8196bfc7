import Foundation

/// The evidence files and the truth.
extension AttackCase.Builder {
    mutating func write(to directory: String) throws -> AttackCase.Truth {
        var files: [(path: String, bytes: [UInt8])] = []
        // CloudTrail: one log file per 5-minute window with activity, delivered a few minutes after it.
        var index = 0
        while index < records.count {
            let window = records[index].time / 300
            var batch: [Record] = []
            while index < records.count && records[index].time / 300 == window {
                batch.append(records[index])
                index += 1
            }
            // Records inside a log file are not sorted: move a few a little.
            for i in batch.indices where rng.chance(0.15) {
                batch.swapAt(i, min(batch.count - 1, i + 1 + rng.below(3)))
            }
            let delivered = window * 300 + 300 + 45 + rng.below(240)
            let name = "\(AttackCase.account)_CloudTrail_\(AttackCase.region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: Alphabet.alphanumerics)).json.gz"
            var out = RecordWriter(capacity: batch.reduce(16) { $0 + $1.bytes.count + 1 })
            out.raw(#"{"Records":["#)
            for (i, record) in batch.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw(record.bytes)
            }
            out.raw("]}")
            files.append(("AWSLogs/\(AttackCase.account)/CloudTrail/\(AttackCase.region)/\(UTC.folder(delivered))/\(name)", out.bytes))
        }
        // Streams: the archiver function writes each hour's records of a table to one object.
        var streamRecords = 0
        for table in Table.allCases where table.streamLabel != nil {
            let records = streams[table.rawValue]
            streamRecords += records.count
            let folder = "AWSLambda/\(table.name.lowercased())-stream-archiver"
            var index = 0
            while index < records.count {
                let hour = records[index].time / 3_600 * 3_600
                var out = RecordWriter(capacity: 1 << 16)
                out.raw("{\"Records\":[")
                var first = true
                while index < records.count && records[index].time / 3_600 * 3_600 == hour {
                    if !first { out.raw(",") }
                    first = false
                    out.raw(records[index].bytes)
                    index += 1
                }
                out.raw("]}")
                let name = "\(table.name.lowercased())-stream-archiver-\(UTC.compact(hour, seconds: false))-\(rng.characters(8, from: "0123456789abcdef")).json.gz"
                files.append(("\(folder)/\(UTC.folder(hour))/\(name)", out.bytes))
            }
        }
        var bytes = 0
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
            let writer = try GzipWriter(path: path)
            try writer.write(file.bytes)
            try writer.close()
            bytes += writer.compressedCount
        }
        let steps = AttackCase.stepNames.map { name -> AttackCase.Step in
            let events = stepEvents[name] ?? []
            return AttackCase.Step(name: name, start: UTC.iso(events.map(\.time).min()!), end: UTC.iso(events.map(\.time).max()!),
                        table: ["scan": "Customers", "ledger-tamper": "Ledger", "bulk-delete": "Orders", "export": "Customers",
                                "pitr-disabled": "Orders", "stream-disabled": "Orders"][name],
                        eventIDs: events.map(\.id), streamEventIDs: stepChanges[name] ?? [])
        }
        return AttackCase.Truth(account: AttackCase.account, region: AttackCase.region, leakedAccessKeyId: leakedKey.accessKeyId,
                     userArn: leakedKey.arn, sessionAccessKeyId: attackSessionKey, sessionArn: attacker!.arn,
                     roleArn: opsMaintenance.arn, sourceIP: AttackCase.attackerIP, foreignAccount: AttackCase.foreignAccount,
                     steps: steps, cloudTrailRecords: records.count, streamRecords: streamRecords, ttlRemoves: ttlRemoves,
                     files: files.count, bytes: bytes)
    }
}

import DDBTrailCore

extension DigestTree {
    /// One CloudTrail log file: its key (named by delivery time, whole minutes) and its records.
    struct LogFile {
        var key: String
        var region: String
        var time: Int
        var records: [LogRecord]

        var newest: Int { records.map(\.time).max()! }
        var oldest: Int { records.map(\.time).min()! }

        /// `{"Records":[…]}`, the decompressed content.
        var body: [UInt8] { Self.body(records.map(\.bytes)) }

        /// Lower-case hex SHA-256 of the decompressed content, what a digest lists.
        var hash: String { hexString(SHA256Hasher.digest(of: body)) }

        static func body(_ records: [[UInt8]]) -> [UInt8] {
            var out = RecordWriter(capacity: records.reduce(16) { $0 + $1.count + 1 })
            out.raw(#"{"Records":["#)
            for (i, record) in records.enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw(record)
            }
            out.raw("]}")
            return out.bytes
        }
    }

    struct LogRecord {
        var bytes: [UInt8]
        var time: Int
        var sourceIP: String
    }

    /// One digest: its span, the log files it lists (indices into `Build.logs`, newest first) and,
    /// once signed, its decompressed body and signature.
    struct Digest {
        var key: String
        var start: Int
        var end: Int
        var logs: [Int]
        /// When S3 received it (the metadata's LastModified).
        var delivered: Int
        var body: [UInt8] = []
        var signature = ""
    }

    struct Chain {
        var region: String
        var backfill: Bool
        var digests: [Digest]
        /// Where the planted damage starts: digests before it are left alone, so that a longer
        /// chain keeps its victims in the middle.
        var middle: Int
    }

    /// The digests and log files the plants touch. Positions are digest indices in the chain.
    struct Victims {
        // us-east-1 hourly chain.
        var editedDigest = 0
        var droppedEntry = 0
        var editedLog = 0
        var editedRecord = 0
        var deletedLog = 0
        var movedLog = 0
        var plantedDigest = 0
        // eu-west-1 hourly chain.
        var deletedDigest = 0
        var unpublishedDigest = 0
        var movedDigest = 0
    }

    /// Everything the seed decides, then the signed bodies.
    struct Build {
        var rng: SplitMix64
        let callers: Callers
        /// Listed log files (hourly and backfill).
        var logs: [LogFile] = []
        var chains: [Chain] = []
        /// The log file `plantedLogFile` adds (made whether or not it is planted, so that the
        /// rest of the tree does not depend on the plants).
        var planted: LogFile?
        var victims = Victims()
        /// public-keys.json: ISO 8601 validity times (AWS CLI v2) or epoch floats (v1).
        let isoKeyTimes: Bool
        /// The backfill digests' `backfill-generation-timestamp`.
        var backfillGenerated = 0

        init(seed: UInt64) {
            var seeded = SplitMix64(seed: seed ^ 0x4469_6765_7374_5472)
            callers = Callers(&seeded)
            rng = seeded
            isoKeyTimes = seed & 1 == 1
            let hour = UTC.seconds(2025, 1 + self.rng.below(12), 1 + self.rng.below(28), self.rng.below(24))
            for (c, region) in regions.enumerated() {
                let count = 8 + self.rng.below(5)
                let first = hour + 60 + self.rng.below(3_480)
                let middle = (count - 8) / 2
                // One hour without log files, never where a plant needs some.
                let reserved = c == 0 ? [middle + 1, middle + 3, middle + 4, middle + 5] : [middle + 1]
                let eligible = (0..<count).filter { !reserved.contains($0) }
                let empty = eligible[self.rng.below(eligible.count)]
                var digests: [Digest] = []
                for i in 0..<count {
                    var files = i == empty ? 0 : 1 + self.rng.below(4)
                    if c == 0 && i == middle + 1 { files = max(files, 2) }
                    let start = first + i * 3_600
                    digests.append(makeDigest(region: region, start: start, files: files, backfill: false))
                }
                chains.append(Chain(region: region, backfill: false, digests: digests, middle: middle))
            }
            // The backfill chain covers three hours of the first region, offset from its hourly spans.
            let hourly = chains[0].digests
            let offset = 600 + self.rng.below(2_400)
            var backfill: [Digest] = []
            for i in 0..<3 {
                backfill.append(makeDigest(region: regions[0], start: hourly[2 + i].start + offset,
                                           files: 1 + self.rng.below(2), backfill: true))
            }
            backfillGenerated = hourly[hourly.count - 1].end + 900 + self.rng.below(1_800)
            for i in backfill.indices { backfill[i].delivered = backfillGenerated + 30 + i * 5 }
            chains.append(Chain(region: regions[0], backfill: true, digests: backfill, middle: 0))

            let a = chains[0].middle, b = chains[1].middle
            victims.editedDigest = a + 1
            victims.droppedEntry = self.rng.below(hourly[a + 1].logs.count)
            victims.editedLog = self.rng.pick(hourly[a + 3].logs)
            victims.editedRecord = self.rng.below(logs[victims.editedLog].records.count)
            victims.deletedLog = self.rng.pick(hourly[a + 4].logs)
            victims.movedLog = self.rng.pick(hourly[a + 5].logs)
            victims.plantedDigest = a + 6
            victims.deletedDigest = b + 1
            victims.unpublishedDigest = b + 3
            victims.movedDigest = b + 5
            let target = hourly[a + 6]
            planted = makeLog(region: regions[0], start: target.start, end: target.end)
        }

        /// A digest of the hour from `start` and `files` new log files delivered within it.
        mutating func makeDigest(region: String, start: Int, files: Int, backfill: Bool) -> Digest {
            let end = start + 3_600
            var listed: [Int] = []
            for _ in 0..<files {
                listed.append(logs.count)
                logs.append(makeLog(region: region, start: start, end: end))
            }
            listed.sort { (logs[$0].time, logs[$0].key) > (logs[$1].time, logs[$1].key) }
            let key = "AWSLogs/\(account)/CloudTrail-Digest/\(region)/\(UTC.folder(end))/\(account)_CloudTrail-Digest_\(region)_"
                + "\(trailName)_\(homeRegion)_\(UTC.compact(end, seconds: true))\(backfill ? "_backfill" : "").json.gz"
            return Digest(key: key, start: start, end: end, logs: listed, delivered: end + 120 + rng.below(480))
        }

        /// A log file named with a whole minute in [start, end), holding 2–6 records of the
        /// quarter hour before its delivery.
        mutating func makeLog(region: String, start: Int, end: Int) -> LogFile {
            let first = (start + 59) / 60, last = (end + 59) / 60
            let time = (first + rng.below(last - first)) * 60
            let name = "\(account)_CloudTrail_\(region)_\(UTC.compact(time, seconds: false))_\(rng.characters(16, from: Alphabet.alphanumerics)).json.gz"
            var records: [LogRecord] = []
            for _ in 0..<(2 + rng.below(5)) {
                records.append(makeRecord(region: region, time: time - 15 - rng.below(885)))
            }
            return LogFile(key: "AWSLogs/\(account)/CloudTrail/\(region)/\(UTC.folder(time))/\(name)",
                           region: region, time: time, records: records)
        }

        // MARK: - Findings

        /// The key each plant's finding is about.
        func victimKey(_ plant: Plant) -> String {
            switch plant {
            case .editedRecord: logs[victims.editedLog].key
            case .deletedLogFile: logs[victims.deletedLog].key
            case .movedLogFile: logs[victims.movedLog].key
            case .plantedLogFile: planted!.key
            case .editedDigestLogFiles: chains[0].digests[victims.editedDigest].key
            case .deletedDigest: chains[1].digests[victims.deletedDigest].key
            case .unpublishedKey: chains[1].digests[victims.unpublishedDigest].key
            case .movedDigest: chains[1].digests[victims.movedDigest].key
            }
        }

        func findings(plants: Set<Plant>) -> [Finding] {
            plants.map { Finding(status: "failed", check: $0.check, s3Object: victimKey($0)) }
        }
    }
}

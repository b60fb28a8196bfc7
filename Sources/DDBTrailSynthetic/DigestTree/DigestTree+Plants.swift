import DDBTrailCore

extension DigestTree.Build {
    /// The address the edited record claims instead of its caller's (from a documentation range,
    /// used by no caller of the tree).
    static let forgedSourceIP = "198.51.100.23"

    /// The log files and digests to write (gzip'd), with the plants applied after signing.
    func files(plants: Set<DigestTree.Plant>, keys: DigestTree.Keys) -> [DigestTree.OutputFile] {
        var files: [DigestTree.OutputFile] = []
        let edited = chains[0].digests[victims.editedDigest]
        let dropped = edited.logs[victims.droppedEntry]
        for (index, log) in logs.enumerated() {
            var path = log.key
            var body = log.body
            if plants.contains(.deletedLogFile) && index == victims.deletedLog { continue }
            // Whoever edited the digest's list also removed the log file it no longer names.
            if plants.contains(.editedDigestLogFiles) && index == dropped { continue }
            if plants.contains(.editedRecord) && index == victims.editedLog {
                var records = log.records.map(\.bytes)
                let record = log.records[victims.editedRecord]
                let text = String(decoding: record.bytes, as: UTF8.self)
                records[victims.editedRecord] = Array(text.replacingOccurrences(
                    of: #""sourceIPAddress":"\#(record.sourceIP)""#,
                    with: #""sourceIPAddress":"\#(Self.forgedSourceIP)""#).utf8)
                body = DigestTree.LogFile.body(records)
            }
            if plants.contains(.movedLogFile) && index == victims.movedLog {
                path = Self.moved(log.key, to: log.time + 86_400)
            }
            files.append(DigestTree.OutputFile(path: path, bytes: body, gzip: true))
        }
        if plants.contains(.plantedLogFile), let planted {
            files.append(DigestTree.OutputFile(path: planted.key, bytes: planted.body, gzip: true))
        }
        for (c, chain) in chains.enumerated() {
            for (i, digest) in chain.digests.enumerated() {
                let previous = i > 0 ? chain.digests[i - 1] : nil
                var path = digest.key
                var body = digest.body
                if c == 0 && i == victims.editedDigest && plants.contains(.editedDigestLogFiles) {
                    body = render(digest, previous: previous, fingerprint: keys.signingFingerprint,
                                  listing: digest.logs.filter { $0 != dropped })
                }
                if c == 1 {
                    if i == victims.deletedDigest && plants.contains(.deletedDigest) { continue }
                    if i == victims.unpublishedDigest, let rogue = keys.rogueFingerprint, plants.contains(.unpublishedKey) {
                        body = render(digest, previous: previous, fingerprint: rogue, listing: digest.logs)
                    }
                    if i == victims.movedDigest && plants.contains(.movedDigest) {
                        path = Self.moved(digest.key, to: digest.end - 86_400)
                    }
                }
                files.append(DigestTree.OutputFile(path: path, bytes: body, gzip: true))
            }
        }
        return files
    }

    /// `key` with its `YYYY/MM/DD` folder replaced by the date of `time`.
    static func moved(_ key: String, to time: Int) -> String {
        var parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let n = parts.count
        let date = UTC.folder(time).split(separator: "/").map(String.init)
        parts.replaceSubrange(n - 4 ..< n - 1, with: date)
        return parts.joined(separator: "/")
    }
}

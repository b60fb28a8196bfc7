/// The log-file half of the digest checks: every log file a trusted digest lists is in the case,
/// where the digest says, with the listed SHA-256 of its decompressed bytes; and every CloudTrail
/// log file in the case is listed by one.
enum LogFileChecks {
    /// A matching listing makes a file `verified` (signed digest) or `listed`, unless something failed.
    static func settle(_ f: inout IntegrityEvidence.LogFile, _ d: IntegrityEvidence.Digest) {
        if f.integrity == nil || f.integrity == "listed" { f.integrity = d.verified ? "verified" : "listed" }
    }

    static func check(_ e: inout IntegrityEvidence, add: DigestChecks.Add) {
        var bySuffix: [String: Int] = [:]
        var byHash: [String: [Int]] = [:]
        var collected: Set<String> = []   // account|region with log files in the case
        for (i, f) in e.logFiles.enumerated() {
            if let s = awsLogsSuffix(f.path) { bySuffix[s] = i }
            if let h = f.contentHash { byHash[h, default: []].append(i) }
            if let n = f.name { collected.insert("\(n.account)|\(n.region)") }
        }
        var matched: Set<Int> = []
        // Account|region whose log files are kept in an AWSLogs/… layout: there, one stored
        // elsewhere was moved; where no file has that layout, locations cannot be judged.
        var laidOut: Set<String> = []
        for f in e.logFiles where awsLogsSuffix(f.path) != nil {
            if let n = f.name { laidOut.insert("\(n.account)|\(n.region)") }
        }

        for d in e.digests where !d.failed {
            for entry in d.entries {
                guard let key = entry.key else { continue }
                let name = LogFileName(key: key)
                let account = name?.account, region = name?.region
                if let i = awsLogsSuffix(key).flatMap({ bySuffix[$0] }) {
                    matched.insert(i)
                    if entry.hash == nil || e.logFiles[i].contentHash == entry.hash {
                        settle(&e.logFiles[i], d)
                        add("ok", "log-file-hash", d, key, e.logFiles[i].fileID, "SHA-256 of its decompressed bytes matches the digest"
                            + (d.verified ? "" : " (whose own signature could not be checked)"), account, region)
                    } else {
                        e.logFiles[i].integrity = "modified"
                        add("failed", "log-file-hash", d, key, e.logFiles[i].fileID,
                            "modified: the SHA-256 of its decompressed bytes is \(e.logFiles[i].contentHash ?? "unknown"), the digest \(d.object ?? d.path) lists \(entry.hash ?? "")",
                            account, region)
                    }
                } else if let i = entry.hash.flatMap({ byHash[$0] })?.first(where: { !matched.contains($0) }) ?? entry.hash.flatMap({ byHash[$0]?.first }) {
                    matched.insert(i)
                    let place = "\(account ?? "")|\(region ?? "")"
                    if let stored = awsLogsSuffix(e.logFiles[i].path) ?? (laidOut.contains(place) ? e.logFiles[i].path : nil) {
                        e.logFiles[i].integrity = "moved"
                        add("failed", "log-file-location", d, key, e.logFiles[i].fileID,
                            "moved: the listed file (same SHA-256) is stored at \(stored), not where the digest \(d.object ?? d.path) says it was delivered",
                            account, region)
                    } else {
                        settle(&e.logFiles[i], d)
                        add("ok", "log-file-hash", d, key, e.logFiles[i].fileID,
                            "matched by SHA-256; stored outside an AWSLogs/… folder layout, so its location is not checked", account, region)
                    }
                } else if let account, let region, collected.contains("\(account)|\(region)") {
                    add("failed", "log-file-present", d, key, nil,
                        "missing: listed by the digest \(d.object ?? d.path) but not in the case (deleted, or not collected)", account, region)
                } else {
                    add("unverifiable", "log-file-present", d, key, nil,
                        "listed by the digest \(d.object ?? d.path); no log files of this account and region are in the case (not collected)",
                        account, region)
                }
            }
        }

        // Log files no trusted digest lists: planted when a trusted hourly digest covers their
        // delivery time. A backfill digest lists only files that missed their hourly digest, so
        // its span says nothing about the others.
        var spans: [String: [(Int64, Int64)]] = [:]
        var failedSpans: [String: [(Int64, Int64)]] = [:]
        var withDigests: Set<String> = []
        for d in e.digests {
            guard let n = d.name, let start = d.startSeconds, let end = d.endSeconds else { continue }
            let place = "\(d.account ?? n.account)|\(n.region)"
            withDigests.insert(place)
            if n.backfill { continue }
            if d.failed { failedSpans[place, default: []].append((start, end)) } else { spans[place, default: []].append((start, end)) }
        }
        var uncheckedByPlace: [String: Int] = [:]
        for i in e.logFiles.indices where !matched.contains(i) {
            let f = e.logFiles[i]
            guard let n = f.name else {
                add("unverifiable", "log-file-listed", nil, awsLogsSuffix(f.path), f.fileID,
                    "not named like a delivered CloudTrail log file, so no digest can be found for it", nil, nil)
                continue
            }
            let place = "\(n.account)|\(n.region)"
            let key = awsLogsSuffix(f.path)
            let inFailed = failedSpans[place, default: []].contains(where: { $0.0 <= n.seconds && n.seconds < $0.1 })
            if !inFailed, spans[place, default: []].contains(where: { $0.0 <= n.seconds && n.seconds < $0.1 }) {
                e.logFiles[i].integrity = "not-listed"
                add("failed", "log-file-listed", nil, key, f.fileID,
                    "not listed by any digest, although the digests cover its delivery time (\(Timestamp.format(epochSeconds: n.seconds))): planted, or its entry removed",
                    n.account, n.region)
            } else if !withDigests.contains(place) {
                uncheckedByPlace[place, default: 0] += 1
            } else {
                let why = inFailed
                    ? "the digest covering its delivery time failed verification" : "no digest in the case covers its delivery time"
                add("unverifiable", "log-file-listed", nil, key, f.fileID, "not listed by a trusted digest: \(why)", n.account, n.region)
            }
        }
        for (place, count) in uncheckedByPlace.sorted(by: { $0.key < $1.key }) {
            let parts = place.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            add("unverifiable", "log-file-listed", nil, nil, nil,
                "\(count) CloudTrail log file(s) of this account and region, and no digest files for them in the case (collect …/CloudTrail-Digest/… beside …/CloudTrail/…)",
                parts[0], parts.count > 1 ? parts[1] : nil)
        }
    }
}

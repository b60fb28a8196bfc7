import DDBTrailSQLite

/// Offline validation of CloudTrail digest chains, as `aws cloudtrail validate-logs` does online
/// (formats.md §3): each digest's signature, the links between digests, each listed log file's
/// hash, and the log files no digest lists. Nothing is decompressed: every file's content SHA-256
/// was stored when it was imported. Recomputed after every import into `integrity_findings` and
/// `source_files.integrity`; `ddbtrail verify` prints the findings. A log file is `verified` when
/// a digest whose signature verified lists it with its hash, `listed` when the listing digest's
/// signature could not be checked.
///
/// One damage is reported once: a digest whose body changed fails its signature and the next
/// digest's record of its hash, and is one row; the log files listed only by a digest that failed,
/// or falling in the span of a missing digest, are reported `unverifiable`, not as planted.
enum DigestChecks {
    struct Finding {
        var status: String
        var check: String
        var account: String?
        var region: String?
        var trail: String?
        var s3Object: String?
        var fileID: Int64?
        var detail: String
    }

    static func recompute(_ db: Database) throws {
        try db.execute("DELETE FROM integrity_findings")
        try db.execute("UPDATE source_files SET integrity = NULL WHERE integrity IS NOT NULL")
        var evidence = try IntegrityEvidence.load(db)
        let findings = check(&evidence)
        let insert = try db.prepare("""
            INSERT INTO integrity_findings(status, check_name, account_id, region, trail, s3_object, source_file_id, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for f in findings {
            try insert.bind([.string(f.status), .string(f.check), .optional(f.account), .optional(f.region), .optional(f.trail),
                             .optional(f.s3Object), f.fileID.map { .integer($0) } ?? .null, .string(f.detail)])
            try insert.run()
            insert.reset()
        }
        let status = try db.prepare("UPDATE source_files SET integrity = ? WHERE id = ?")
        func mark(_ fileID: Int64, _ value: String) throws {
            try status.bind([.string(value), .integer(fileID)])
            try status.run()
            status.reset()
        }
        for f in evidence.logFiles { try mark(f.fileID, f.integrity ?? "unverifiable") }
        for d in evidence.digests {
            let own = findings.filter { $0.fileID == d.fileID && $0.check.hasPrefix("digest-") }
            let value = own.contains { $0.status == "failed" && $0.check == "digest-location" } ? "moved"
                : d.failed ? "modified"
                : own.contains { $0.check == "digest-signature" && $0.status == "ok" } ? "verified" : "unverifiable"
            try mark(d.fileID, value)
        }
        // Copies of one event whose content differs (event_copies.conflicting), with what the checks
        // above found for both files: the side in a verified file is the one CloudTrail delivered.
        try db.execute("""
            INSERT INTO integrity_findings(status, check_name, account_id, region, trail, s3_object, source_file_id, detail)
            SELECT 'failed', 'conflicting-copy', e.recipient_account_id, e.aws_region, NULL,
                   CASE WHEN instr(cf.path, 'AWSLogs/') > 0 THEN substr(cf.path, instr(cf.path, 'AWSLogs/')) END, k.source_file_id,
                   'event ' || coalesce(e.event_id, '?') || ' (' || coalesce(e.event_name, '?') || ' at ' || coalesce(e.event_time, '?')
                   || '): this copy (record ' || k.record_index || ', file ' || coalesce(cf.integrity, 'not a CloudTrail log file')
                   || ') differs from the one stored from ' || sf.path || ' (record ' || e.record_index || ', file '
                   || coalesce(sf.integrity, 'not a CloudTrail log file') || '); both are kept (event_copies.raw, events.raw)'
            FROM event_copies k
            JOIN events e ON e.id = k.event_id
            JOIN source_files sf ON sf.id = e.source_file_id
            JOIN source_files cf ON cf.id = k.source_file_id
            WHERE k.conflicting = 1
            ORDER BY e.event_time, e.id, k.source_file_id, k.record_index
            """)
    }

    /// Every finding, in a stable order.
    static func check(_ e: inout IntegrityEvidence) -> [Finding] {
        var findings: [Finding] = []
        func add(_ status: String, _ check: String, _ d: IntegrityEvidence.Digest?, object: String?, file: Int64?, _ detail: String,
                 account: String? = nil, region: String? = nil) {
            findings.append(Finding(status: status, check: check, account: account ?? d?.name?.account ?? d?.account,
                                    region: region ?? d?.name?.region,
                                    trail: d?.name.map { $0.backfill ? "\($0.trail) (backfill)" : $0.trail },
                                    s3Object: object, fileID: file, detail: detail))
        }
        var bySuffix: [String: Int] = [:]
        var byHash: [String: Int] = [:]
        for (i, d) in e.digests.enumerated() {
            if let s = awsLogsSuffix(d.path) { bySuffix[s] = i }
            if let h = d.contentHash { byHash[h] = i }
        }
        var chains: [String: [Int]] = [:]
        for (i, d) in e.digests.enumerated() { chains[d.chain, default: []].append(i) }

        // Links: each digest names its predecessor, that predecessor's hash and its signature.
        for (i, d) in e.digests.enumerated() {
            let earlier = chains[d.chain, default: []].contains { j in
                j != i && (e.digests[j].endSeconds ?? .max) <= (d.startSeconds ?? .min)
            }
            guard let previous = d.previousObject else {
                add(earlier ? "unverifiable" : "ok", "digest-chain", d, object: d.object, file: d.fileID, earlier
                    ? "the chain restarts here (no previous digest): logging or log file validation was stopped before \(d.start ?? "?"), and nothing between can be checked"
                    : "the chain starts here (a starting digest)")
                continue
            }
            let found = awsLogsSuffix(previous).flatMap { bySuffix[$0] } ?? d.previousHash.flatMap { byHash[$0] }
            guard let p = found else {
                add(earlier ? "failed" : "unverifiable", "digest-chain", d, object: previous, file: nil, earlier
                    ? "digest missing from the chain: \(d.object ?? d.path) names it as its predecessor, and earlier digests of the chain are in the case (deleted, or not collected)"
                    : "the chain goes on before the collected digests: \(d.object ?? d.path) names this predecessor, which is not in the case")
                continue
            }
            if let expected = d.previousHash, let actual = e.digests[p].contentHash, expected != actual {
                e.digests[p].hashMismatch = "the next digest (\(d.object ?? d.path)) records its SHA-256 as \(expected), the file's is \(actual)"
            }
            if let signature = d.previousSignature {
                e.digests[p].signature = signature
                e.digests[p].signatureSource = "the next digest's previousDigestSignature"
            }
            add("ok", "digest-chain", d, object: d.object, file: d.fileID, "its predecessor \(previous) is in the case")
        }
        // Saved S3 metadata: the signature of the newest digest of a chain (or of any other).
        for saved in e.signatures {
            let base = [saved.digestPath, saved.digestPath + ".gz", saved.digestPath + ".json.gz", saved.digestPath + ".json"]
            guard let i = e.digests.firstIndex(where: { base.contains($0.path) }) else {
                findings.append(Finding(status: "unverifiable", check: "digest-metadata", s3Object: nil, fileID: saved.fileID,
                                        detail: "a digest signature saved as \(saved.digestPath).metadata.json, but no digest file lies beside it"))
                continue
            }
            if e.digests[i].signature == nil {
                e.digests[i].signature = saved.signature
                e.digests[i].signatureSource = "its saved S3 metadata"
            } else if e.digests[i].signature != saved.signature {
                e.digests[i].hashMismatch = (e.digests[i].hashMismatch.map { $0 + "; " } ?? "")
                    + "its saved S3 metadata holds another signature than the next digest records"
            }
        }
        let keys = e.keys
        // Chains kept in an AWSLogs/… layout: a digest of theirs stored elsewhere was moved.
        let laidOut = Set(e.digests.filter { awsLogsSuffix($0.path) != nil }.map(\.chain))
        for i in e.digests.indices { signatureChecks(&e.digests[i], keys: keys, laidOut: laidOut.contains(e.digests[i].chain), add: add) }
        LogFileChecks.check(&e, add: add)
        return findings
    }

    typealias Add = (String, String, IntegrityEvidence.Digest?, String?, Int64?, String, String?, String?) -> Void

    /// A digest's location row, and its signature row folded with a hash mismatch about it.
    static func signatureChecks(_ d: inout IntegrityEvidence.Digest, keys: [IntegrityEvidence.PublicKey], laidOut: Bool, add: Add) {
        var status = "ok"
        var detail: String
        if let location = awsLogsSuffix(d.path), let named = d.object.flatMap(awsLogsSuffix), location != named {
            add("failed", "digest-location", d, d.object, d.fileID, "moved: stored at \(location), but its body says CloudTrail delivered it to \(named)", nil, nil)
        } else if awsLogsSuffix(d.path) == nil, laidOut, let named = d.object.flatMap(awsLogsSuffix) {
            add("failed", "digest-location", d, d.object, d.fileID, "moved: stored at \(d.path), outside the AWSLogs/… layout the rest of its chain keeps, but its body says CloudTrail delivered it to \(named)", nil, nil)
        } else if awsLogsSuffix(d.path) == nil {
            add("unverifiable", "digest-location", d, d.object, d.fileID, "stored outside an AWSLogs/… folder layout, so where it was delivered cannot be compared", nil, nil)
        } else {
            add("ok", "digest-location", d, d.object, d.fileID, "stored where its body says it was delivered", nil, nil)
        }
        let matching = keys.filter { $0.fingerprint == d.fingerprint }
        if d.algorithm.map({ $0.uppercased() != "SHA256WITHRSA" }) ?? false {
            status = "unverifiable"
            detail = "signature algorithm \(d.algorithm ?? "") is not SHA256withRSA"
        } else if let signature = d.signature, let hash = d.contentHash {
            if matching.isEmpty {
                let end = d.endSeconds ?? 0
                let covering = keys.filter { ($0.start ?? .min) <= end && end <= ($0.end ?? .max) }
                status = covering.isEmpty ? "unverifiable" : "failed"
                detail = covering.isEmpty
                    ? "no public key with fingerprint \(d.fingerprint ?? "(none)") in the case (collect them with aws cloudtrail list-public-keys)"
                    : "signed with a key (fingerprint \(d.fingerprint ?? "(none)")) that is not among the \(covering.count) published key(s) collected for its time: not CloudTrail's signature"
            } else {
                let text = "\(d.end ?? "")\n\(d.bucket ?? "")/\(d.object ?? "")\n\(hash)\n\(d.previousSignature ?? "null")"
                let results = matching.map { RSASignature.verify(RSASignature.bytes(hex: signature) ?? [], message: Array(text.utf8), publicKeyDER: $0.der) }
                if results.contains(true) {
                    detail = "signature verified with key \(d.fingerprint ?? "") (signature from \(d.signatureSource))"
                } else if results.contains(false) {
                    status = "failed"
                    detail = "signature does not verify with key \(d.fingerprint ?? ""): the digest was altered after CloudTrail signed it (signature from \(d.signatureSource))"
                } else {
                    status = "unverifiable"
                    detail = "the public key with fingerprint \(d.fingerprint ?? "") cannot be read"
                }
            }
        } else {
            status = "unverifiable"
            detail = d.contentHash == nil ? "the file's content hash is unknown"
                : "no signature: it is the newest digest of its chain (or its successor is missing); save its S3 metadata beside it as …metadata.json"
        }
        if let mismatch = d.hashMismatch {
            d.failed = true
            detail = status == "failed" ? detail + "; and " + mismatch : mismatch + (status == "ok" ? "" : "; " + detail)
            add("failed", status == "failed" ? "digest-signature" : "digest-chain", d, d.object, d.fileID, detail, nil, nil)
        } else {
            if status == "failed" { d.failed = true }
            d.verified = status == "ok"
            add(status, "digest-signature", d, d.object, d.fileID, detail, nil, nil)
        }
    }
}

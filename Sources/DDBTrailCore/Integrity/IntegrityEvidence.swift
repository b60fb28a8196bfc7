import DDBTrailSQLite

/// What the digest checks read from the case: digests, the log files they list, the CloudTrail
/// log files present, public keys and saved signatures.
struct IntegrityEvidence {
    struct Digest {
        var fileID: Int64
        var path: String
        var contentHash: String?
        var account: String?
        var start: String?
        var end: String?
        var bucket: String?
        var object: String?
        var fingerprint: String?
        var algorithm: String?
        var previousObject: String?
        var previousHash: String?
        var previousSignature: String?
        var name: DigestName?
        var entries: [(key: String?, hash: String?)] = []
        /// Its signature: carried by the next digest, or saved from its S3 metadata.
        var signature: String?
        var signatureSource = ""
        /// Why the next digest's record of its hash disagrees with the file, when it does.
        var hashMismatch: String?
        var failed = false
        /// Its signature verified with a published key (and nothing disagrees with it).
        var verified = false

        var endSeconds: Int64? { end.flatMap(Timestamp.epochSeconds) }
        var startSeconds: Int64? { start.flatMap(Timestamp.epochSeconds) }
        var chain: String { name.map { "\(account ?? $0.account)|\($0.region)|\($0.trail)|\($0.home)|\($0.backfill)" } ?? "file \(fileID)" }
    }

    struct LogFile {
        var fileID: Int64
        var path: String
        var contentHash: String?
        var name: LogFileName?
        var integrity: String?
    }

    struct PublicKey {
        var fingerprint: String
        var der: [UInt8]
        var start: Int64?
        var end: Int64?
    }

    var digests: [Digest] = []
    var logFiles: [LogFile] = []
    var keys: [PublicKey] = []
    /// Saved S3 metadata: the digest path it lies beside, its signature, its own file.
    var signatures: [(digestPath: String, signature: String, algorithm: String?, fileID: Int64)] = []

    static func load(_ db: Database) throws -> IntegrityEvidence {
        var e = IntegrityEvidence()
        var byID: [Int64: Int] = [:]
        for r in try db.rows("""
            SELECT d.id, d.source_file_id, f.path, f.content_sha256, d.aws_account_id, d.digest_start_time, d.digest_end_time,
                   d.digest_s3_bucket, d.digest_s3_object, d.public_key_fingerprint, d.signature_algorithm,
                   d.previous_digest_s3_object, d.previous_digest_hash_value, d.previous_digest_signature
            FROM digest_files d JOIN source_files f ON f.id = d.source_file_id ORDER BY d.id
            """) {
            var d = Digest(fileID: r[1].int64Value ?? 0, path: r[2].stringValue ?? "", contentHash: r[3].stringValue?.lowercased(),
                           account: r[4].stringValue, start: r[5].stringValue, end: r[6].stringValue, bucket: r[7].stringValue,
                           object: r[8].stringValue, fingerprint: r[9].stringValue?.lowercased(), algorithm: r[10].stringValue,
                           previousObject: r[11].stringValue, previousHash: r[12].stringValue?.lowercased(),
                           previousSignature: r[13].stringValue?.lowercased())
            d.name = DigestName(key: d.object ?? "") ?? DigestName(key: d.path)
            byID[r[0].int64Value ?? 0] = e.digests.count
            e.digests.append(d)
        }
        for r in try db.rows("SELECT digest_id, s3_object, hash_value FROM digest_log_files ORDER BY digest_id, position") {
            if let i = byID[r[0].int64Value ?? -1] { e.digests[i].entries.append((r[1].stringValue, r[2].stringValue?.lowercased())) }
        }
        for r in try db.rows("""
            SELECT id, path, content_sha256 FROM source_files
            WHERE format = 'cloudtrail-log-file' AND status NOT IN ('unreadable', 'already-imported')
            ORDER BY id
            """) {
            let path = r[1].stringValue ?? ""
            e.logFiles.append(LogFile(fileID: r[0].int64Value ?? 0, path: path, contentHash: r[2].stringValue?.lowercased(),
                                      name: LogFileName(key: path)))
        }
        for r in try db.rows("SELECT fingerprint, value, validity_start, validity_end FROM public_keys") {
            guard case .blob(let der) = r[1] else { continue }
            e.keys.append(PublicKey(fingerprint: r[0].stringValue ?? "", der: der,
                                    start: r[2].stringValue.flatMap(Timestamp.epochSeconds), end: r[3].stringValue.flatMap(Timestamp.epochSeconds)))
        }
        for r in try db.rows("SELECT digest_path, signature, signature_algorithm, source_file_id FROM digest_signatures ORDER BY source_file_id") {
            e.signatures.append((r[0].stringValue ?? "", r[1].stringValue ?? "", r[2].stringValue, r[3].int64Value ?? 0))
        }
        return e
    }
}

/// The part of a path or S3 key from `AWSLogs/` on: how a local copy is matched to the key a
/// digest names, whatever folder or bucket prefix came before it.
func awsLogsSuffix(_ path: String) -> String? {
    guard let range = path.range(of: "AWSLogs/") else { return nil }
    return String(path[range.lowerBound...])
}

/// `<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz`
struct DigestName {
    var account: String
    var region: String
    var trail: String
    var home: String
    var backfill: Bool

    init?(key: String) {
        var file = String(key.split(separator: "/").last ?? "")
        for ext in [".gz", ".json"] where file.hasSuffix(ext) { file.removeLast(ext.count) }
        var parts = file.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        backfill = parts.last == "backfill"
        if backfill { parts.removeLast() }
        guard parts.count >= 6, parts[1] == "CloudTrail-Digest" else { return nil }
        account = parts[0]
        region = parts[2]
        home = parts[parts.count - 2]
        trail = parts[3..<(parts.count - 2)].joined(separator: "_")
    }
}

/// `<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`: who, where, and when it was delivered.
struct LogFileName {
    var account: String
    var region: String
    var seconds: Int64

    init?(key: String) {
        let file = key.split(separator: "/").last.map(String.init) ?? ""
        let parts = file.split(separator: "_").map(String.init)
        // The delivery time is ISO 8601 basic (`YYYYMMDDTHHMMZ`), which Timestamp reads.
        guard parts.count >= 5, parts[1] == "CloudTrail", let t = Timestamp.epochSeconds(parts[3]) else { return nil }
        account = parts[0]
        region = parts[2]
        seconds = t
    }
}

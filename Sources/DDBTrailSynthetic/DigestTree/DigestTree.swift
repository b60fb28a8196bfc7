import Foundation

/// A CloudTrail evidence tree whose digest chains are signed by a test RSA key, laid out as
/// formats.md section 3 describes, with optional planted damage and the failures a correct
/// offline verifier must report for it.
///
/// The tree holds one account and one trail (`org-trail`, home region us-east-1) logging two
/// regions: an hourly digest chain per region (8–12 digests), one backfill chain in us-east-1,
/// the log files they list (some hours have none), metadata beside the newest digest of each
/// chain (its S3 user metadata, where the signature lives) and `public-keys.json`
/// (`aws cloudtrail list-public-keys` output).
///
/// Everything but the keys and signatures follows from the seed: names, log file bytes, which
/// files the plants touch. Keys are generated afresh by each `write`.
public enum DigestTree {
    public static let account = "111122223333"
    public static let trailName = "org-trail"
    public static let homeRegion = "us-east-1"
    public static let bucket = "org-trail-bucket"
    /// The regions with hourly chains; the backfill chain is in the first.
    public static let regions = ["us-east-1", "eu-west-1"]
    /// The public keys file, at the root of the tree.
    public static let publicKeysFile = "public-keys.json"
    /// Appended to a digest's path for the file holding its S3 object metadata.
    public static let metadataSuffix = ".metadata.json"

    /// Damage a test can plant. Each touches its own digest or log file in the middle of an
    /// hourly chain (never a chain's first or newest digest, never the backfill chain), so any
    /// combination gives the union of the single findings.
    public enum Plant: String, CaseIterable, Sendable {
        /// One record of a listed log file is changed after its digest was made.
        case editedRecord
        /// A listed log file is removed.
        case deletedLogFile
        /// A digest is removed; the next one still names it.
        case deletedDigest
        /// A digest's `logFiles` loses an entry (and the log file is removed with it) after it was
        /// signed; the next digest keeps the old signature and hash.
        case editedDigestLogFiles
        /// A log file that no digest lists, named with a time inside a digest's span.
        case plantedLogFile
        /// A digest is replaced by one naming a key that public-keys.json does not hold.
        case unpublishedKey
        /// A listed log file is moved to another day folder (same file name).
        case movedLogFile
        /// A digest is moved to another day folder (same file name).
        case movedDigest

        /// The check a verifier fails for this damage.
        public var check: String {
            switch self {
            case .editedRecord: "log-file-hash"
            case .deletedLogFile: "log-file-present"
            case .deletedDigest: "digest-chain"
            case .editedDigestLogFiles, .unpublishedKey: "digest-signature"
            case .plantedLogFile: "log-file-listed"
            case .movedLogFile: "log-file-location"
            case .movedDigest: "digest-location"
            }
        }
    }

    /// One verifier result: a status, the check that produced it and the S3 key it is about
    /// (the key a digest names, not where a moved file now lies).
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        public var status: String
        public var check: String
        public var s3Object: String

        public init(status: String, check: String, s3Object: String) {
            self.status = status
            self.check = check
            self.s3Object = s3Object
        }

        public var description: String { "\(status) \(check) \(s3Object)" }
    }

    /// A failure to build or write the tree.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// Writes the tree under `directory` (created if needed) and returns the findings with status
    /// "failed" that a correct verifier reports for it: exactly these, each once, sorted by check
    /// and key. With no plants the list is empty.
    @discardableResult
    public static func write(to directory: String, seed: UInt64, plants: Set<Plant>) throws -> [Finding] {
        var build = Build(seed: seed)
        let keys = try Keys(rogue: plants.contains(.unpublishedKey))
        try build.sign(with: keys)
        var files = build.files(plants: plants, keys: keys)
        let findings = build.findings(plants: plants)

        var made = Set<String>()
        for file in files where file.gzip {
            try store(file, under: directory, made: &made)
        }
        // Metadata files describe the stored digest object (its size and ETag), so they follow it.
        for chain in build.chains.indices {
            let newest = build.chains[chain].digests[build.chains[chain].digests.count - 1]
            let stored = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + newest.key))
            files.append(OutputFile(path: newest.key + metadataSuffix,
                                    bytes: build.metadata(chain: chain, object: [UInt8](stored)), gzip: false))
        }
        files.append(OutputFile(path: publicKeysFile, bytes: build.publicKeys(keys), gzip: false))
        for file in files where !file.gzip {
            try store(file, under: directory, made: &made)
        }
        return findings.sorted { ($0.check, $0.s3Object) < ($1.check, $1.s3Object) }
    }

    /// A file of the tree: its path under the root and its content (gzip'd when written if `gzip`).
    struct OutputFile {
        var path: String
        var bytes: [UInt8]
        var gzip: Bool
    }

    private static func store(_ file: OutputFile, under directory: String, made: inout Set<String>) throws {
        let path = directory + "/" + file.path
        let folder = (path as NSString).deletingLastPathComponent
        if made.insert(folder).inserted {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw Failure(message: "\(folder): cannot create directory: \(error.localizedDescription)")
            }
        }
        if file.gzip {
            let writer = try GzipWriter(path: path)
            try writer.write(file.bytes)
            try writer.close()
        } else if !FileManager.default.createFile(atPath: path, contents: Data(file.bytes)) {
            throw Failure(message: "\(path): cannot write file")
        }
    }
}

import CCrypto
import Foundation
import Testing
@testable import DDBTrailCore
@testable import DDBTrailSynthetic

/// A written digest tree read back the way an offline verifier sees it, with a small
/// verifier of formats.md section 3 written independently of the generator. It is never changed
/// after it is read, so the suite shares its trees between tests.
struct DigestTreeReading: @unchecked Sendable {
    struct DigestFile {
        /// The decompressed bytes, what CloudTrail hashes.
        var raw: [UInt8]
        var json: [String: Any]
        var object: String { json["digestS3Object"] as? String ?? "" }
        var previousObject: String? { json["previousDigestS3Object"] as? String }
        var end: String { json["digestEndTime"] as? String ?? "" }
        var entries: [[String: Any]] { json["logFiles"] as? [[String: Any]] ?? [] }
    }

    let root: String
    let findings: [DigestTree.Finding]
    /// Every file, as sorted paths relative to the root.
    let paths: [String]
    /// Digest files by the path they lie at.
    let digests: [String: DigestFile]
    /// public-keys.json entries by fingerprint.
    let keys: [String: [String: Any]]

    /// Where the suite's trees live; removed when the test process exits unless
    /// `DDBTRAIL_KEEP_DIGEST_TREES` is set (to look at them).
    static let suiteRoot: String = {
        let root = NSTemporaryDirectory() + "ddbtrail-gen-digest-tree-" + UUID().uuidString
        if ProcessInfo.processInfo.environment["DDBTRAIL_KEEP_DIGEST_TREES"] == nil {
            atexit { try? FileManager.default.removeItem(atPath: DigestTreeReading.suiteRoot) }
        }
        return root
    }()

    /// A fresh directory under the suite's root.
    static func directory(_ label: String) throws -> String {
        let path = suiteRoot + "/" + label + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    init(seed: UInt64, plants: Set<DigestTree.Plant>) throws {
        root = try Self.directory("seed\(seed)")
        findings = try DigestTree.write(to: root, seed: seed, plants: plants)
        paths = CorpusGeneratorTests.files(under: root)
        var digests: [String: DigestFile] = [:]
        for path in paths where path.contains("/CloudTrail-Digest/") && path.hasSuffix(".json.gz") {
            let raw = try Self.gunzip(root + "/" + path)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any])
            digests[path] = DigestFile(raw: raw, json: json)
        }
        self.digests = digests
        let keyFile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/public-keys.json")))
        let list = try #require((keyFile as? [String: Any])?["PublicKeyList"] as? [[String: Any]])
        keys = Dictionary(uniqueKeysWithValues: list.map { ($0["Fingerprint"] as? String ?? "", $0) })
    }

    // MARK: Reading

    static func gunzip(_ path: String) throws -> [UInt8] {
        let source = try ByteSource(path: path)
        var out: [UInt8] = []
        while try source.read(into: &out, maximum: 1 << 16) > 0 {}
        return out
    }

    func content(_ path: String) throws -> [UInt8] { try Self.gunzip(root + "/" + path) }

    static func sha256(_ bytes: [UInt8]) -> String { hexString(SHA256Hasher.digest(of: bytes)) }

    var logPaths: [String] { paths.filter { $0.contains("/CloudTrail/") } }

    /// Every logFiles entry of every digest, with the path of the digest listing it.
    var listings: [(digest: String, entry: [String: Any])] {
        digests.keys.sorted().flatMap { path in digests[path]!.entries.map { (path, $0) } }
    }

    func entry(for s3Object: String) -> (digest: String, entry: [String: Any])? {
        listings.first { $0.entry["s3Object"] as? String == s3Object }
    }

    /// The digest (by path) whose previousDigestS3Object names `object`.
    func successor(of object: String) -> String? {
        digests.first { $0.value.previousObject == object }?.key
    }

    /// The signature of the digest that names itself `object`: the next digest's
    /// previousDigestSignature, else the metadata captured beside the newest one.
    func signature(of object: String) throws -> String? {
        if let next = successor(of: object) { return digests[next]!.json["previousDigestSignature"] as? String }
        let path = root + "/" + object + ".metadata.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        return ((json["Metadata"] as? [String: Any]) ?? json)["signature"] as? String
    }

    /// Whether the digest at `path` verifies (nil: no signature for it anywhere in the tree).
    func verifies(_ path: String) throws -> Bool? {
        let digest = try #require(digests[path])
        guard let signature = try signature(of: digest.object) else { return nil }
        guard let fingerprint = digest.json["digestPublicKeyFingerprint"] as? String,
              let value = keys[fingerprint]?["Value"] as? String, let der = Data(base64Encoded: value) else { return false }
        let text = digest.end + "\n" + (digest.json["digestS3Bucket"] as? String ?? "") + "/" + digest.object + "\n"
            + Self.sha256(digest.raw) + "\n" + (digest.json["previousDigestSignature"] as? String ?? "null")
        return Self.verify(Array(text.utf8), signature: Self.unhex(signature), der: [UInt8](der))
    }

    // MARK: Crypto

    enum KeyForm { case pkcs1, spki }

    /// Parses a DER public key in the given form.
    static func publicKey(_ der: [UInt8], as form: KeyForm) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            switch form {
            case .pkcs1: return d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
            case .spki: return d2i_PUBKEY(nil, &cursor, buffer.count)
            }
        }
    }

    /// RSASSA-PKCS1-v1_5 / SHA-256 verification with a PKCS#1 or SPKI DER key.
    static func verify(_ message: [UInt8], signature: [UInt8], der: [UInt8]) -> Bool {
        guard let key = publicKey(der, as: .pkcs1) ?? publicKey(der, as: .spki) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    static func unhex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
        return stride(from: 0, to: digits.count - 1, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (or a name's `YYYYMMDDTHHMM[SS]Z`) as Unix seconds.
    static func seconds(_ text: String) -> Int {
        let digits = text.filter(\.isNumber).map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + (digits.indices.contains($1) ? digits[$1] : 0) } }
        return UTC.seconds(number(0..<4), number(4..<6), number(6..<8), number(8..<10), number(10..<12), number(12..<14))
    }

    /// The delivery time in a log file's name.
    static func nameTime(_ path: String) -> Int {
        let name = path.split(separator: "/").last!
        return seconds(String(name.split(separator: "_")[3]))
    }
}

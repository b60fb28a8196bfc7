import DDBTrailCore
import Foundation

extension DigestTree.Build {
    /// Renders and signs every digest, oldest first in each chain, since each one names the
    /// previous one's hash and signature.
    mutating func sign(with keys: DigestTree.Keys) throws {
        for c in chains.indices {
            for i in chains[c].digests.indices {
                let previous = i > 0 ? chains[c].digests[i - 1] : nil
                var digest = chains[c].digests[i]
                digest.body = render(digest, previous: previous, fingerprint: keys.signingFingerprint, listing: digest.logs)
                digest.signature = hexString(try keys.signing.sign(Self.signingString(digest, previous: previous)))
                chains[c].digests[i] = digest
            }
        }
    }

    /// What CloudTrail signs (formats.md section 3, step 4): end time, bucket/key, the hex SHA-256
    /// of the decompressed body and the previous signature (`null` for a starting digest).
    static func signingString(_ digest: DigestTree.Digest, previous: DigestTree.Digest?) -> [UInt8] {
        let text = UTC.iso(digest.end) + "\n" + DigestTree.bucket + "/" + digest.key + "\n"
            + hexString(SHA256Hasher.digest(of: digest.body)) + "\n" + (previous?.signature ?? "null")
        return Array(text.utf8)
    }

    /// The digest's JSON as CloudTrail writes it: one line, fields in the documented order,
    /// slashes escaped (`AWSLogs\/…`, as in real digest files). `listing` names the entries of
    /// `logFiles`; the event time bounds always come from the digest's own log files.
    func render(_ digest: DigestTree.Digest, previous: DigestTree.Digest?, fingerprint: String, listing: [Int]) -> [UInt8] {
        var out = RecordWriter(capacity: 1_024 + listing.count * 400)
        func value(_ text: String?) {
            guard let text else { out.raw("null"); return }
            var quoted: [UInt8] = []
            appendJSONString(text, to: &quoted)
            for byte in quoted {
                if byte == UInt8(ascii: "/") { out.byte(UInt8(ascii: "\\")) }
                out.byte(byte)
            }
        }
        func field(_ name: StaticString, _ text: String?) {
            out.byte(UInt8(ascii: "\"")); out.raw(name); out.raw("\":")
            value(text)
            out.byte(UInt8(ascii: ","))
        }
        let times = digest.logs.map { (logs[$0].newest, logs[$0].oldest) }
        out.byte(UInt8(ascii: "{"))
        field("awsAccountId", DigestTree.account)
        field("digestStartTime", UTC.iso(digest.start))
        field("digestEndTime", UTC.iso(digest.end))
        field("digestS3Bucket", DigestTree.bucket)
        field("digestS3Object", digest.key)
        field("digestPublicKeyFingerprint", fingerprint)
        field("digestSignatureAlgorithm", "SHA256withRSA")
        field("newestEventTime", times.map(\.0).max().map(UTC.iso))
        field("oldestEventTime", times.map(\.1).min().map(UTC.iso))
        field("previousDigestS3Bucket", previous.map { _ in DigestTree.bucket })
        field("previousDigestS3Object", previous?.key)
        field("previousDigestHashValue", previous.map { hexString(SHA256Hasher.digest(of: $0.body)) })
        field("previousDigestHashAlgorithm", previous.map { _ in "SHA-256" })
        field("previousDigestSignature", previous?.signature)
        out.raw(#""logFiles":["#)
        for (i, index) in listing.enumerated() {
            let log = logs[index]
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.byte(UInt8(ascii: "{"))
            field("s3Bucket", DigestTree.bucket)
            field("s3Object", log.key)
            field("hashValue", log.hash)
            field("hashAlgorithm", "SHA-256")
            field("newestEventTime", UTC.iso(log.newest))
            out.raw(#""oldestEventTime":"#); value(UTC.iso(log.oldest))
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("]}")
        return out.bytes
    }

    // MARK: - Metadata and keys

    /// The S3 object metadata of a chain's newest digest, as collected for offline work: the bare
    /// user metadata for the second region's chain, `aws s3api head-object` output for the others
    /// (the backfill one with its `backfill-generation-timestamp`). `object` is the stored (gzip) file.
    func metadata(chain c: Int, object: [UInt8]) -> [UInt8] {
        let digest = chains[c].digests[chains[c].digests.count - 1]
        var out = RecordWriter(capacity: 1_024)
        if c == 1 {
            out.raw("{\n    \"signature\": "); out.string(digest.signature)
            out.raw(",\n    \"signature-algorithm\": \"SHA256withRSA\"\n}\n")
            return out.bytes
        }
        out.raw("{\n    \"AcceptRanges\": \"bytes\",\n    \"LastModified\": ")
        out.string(String(UTC.iso(digest.delivered).dropLast()) + "+00:00")
        out.raw(",\n    \"ContentLength\": "); out.int(object.count)
        out.raw(",\n    \"ETag\": "); out.string("\"" + DigestTree.md5Hex(object) + "\"")
        out.raw(",\n    \"ContentType\": \"application/json\",\n    \"ContentEncoding\": \"gzip\",")
        out.raw("\n    \"ServerSideEncryption\": \"AES256\",\n    \"Metadata\": {\n        \"signature\": ")
        out.string(digest.signature)
        out.raw(",\n        \"signature-algorithm\": \"SHA256withRSA\"")
        if chains[c].backfill {
            out.raw(",\n        \"backfill-generation-timestamp\": "); out.string(UTC.iso(backfillGenerated))
        }
        out.raw("\n    }\n}\n")
        return out.bytes
    }

    /// `aws cloudtrail list-public-keys` output: an unrelated key (X.509 SubjectPublicKeyInfo)
    /// first, then the signing key (PKCS#1 RSAPublicKey); both windows cover the whole tree, so
    /// only the fingerprint tells them apart.
    func publicKeys(_ keys: DigestTree.Keys) -> [UInt8] {
        let first = chains.flatMap(\.digests).map(\.start).min()!
        let listed: [(der: [UInt8], fingerprint: String, start: Int)] = [
            (keys.otherDER, keys.otherFingerprint, first - 20 * 86_400 - 1_811),
            (keys.signingDER, keys.signingFingerprint, first - 3 * 86_400 - 4_117),
        ]
        var out = RecordWriter(capacity: 2_048)
        out.raw("{\n    \"PublicKeyList\": [")
        for (i, key) in listed.enumerated() {
            out.raw(i > 0 ? ",\n        {" : "\n        {")
            out.raw("\n            \"ValidityStartTime\": "); time(key.start, &out)
            out.raw(",\n            \"ValidityEndTime\": "); time(key.start + 30 * 86_400, &out)
            out.raw(",\n            \"Value\": "); out.string(Data(key.der).base64EncodedString())
            out.raw(",\n            \"Fingerprint\": "); out.string(key.fingerprint)
            out.raw("\n        }")
        }
        out.raw("\n    ]\n}\n")
        return out.bytes
    }

    /// AWS CLI v2 prints timestamps in ISO 8601, v1 as epoch seconds with a fraction.
    private func time(_ seconds: Int, _ out: inout RecordWriter) {
        if isoKeyTimes {
            out.string(String(UTC.iso(seconds).dropLast()) + "+00:00")
        } else {
            out.int(seconds); out.raw(".0")
        }
    }
}

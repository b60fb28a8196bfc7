import CCrypto
import DDBTrailCore

extension DigestTree {
    /// A fresh 2048-bit RSA key pair held by OpenSSL (EVP API).
    final class RSAKey {
        private let key: OpaquePointer

        init() throws {
            guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
                throw Failure(message: "cannot create an RSA key context")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var made: OpaquePointer?
            guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2_048) == 1,
                  EVP_PKEY_generate(context, &made) == 1, let made else {
                throw Failure(message: "cannot generate an RSA key")
            }
            key = made
        }

        deinit { EVP_PKEY_free(key) }

        /// The public key as DER PKCS#1 RSAPublicKey (what CloudTrail publishes).
        var pkcs1DER: [UInt8] { der { i2d_PublicKey($0, $1) } }

        /// The public key as DER X.509 SubjectPublicKeyInfo.
        var spkiDER: [UInt8] { der { i2d_PUBKEY($0, $1) } }

        private func der(_ encode: (OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
            let count = Int(encode(key, nil))
            guard count > 0 else { return [] }
            var out = [UInt8](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { buffer in
                var cursor = buffer.baseAddress
                _ = encode(key, &cursor)
            }
            return out
        }

        /// RSASSA-PKCS1-v1_5 with SHA-256 over `message` (Java's SHA256withRSA).
        func sign(_ message: [UInt8]) throws -> [UInt8] {
            guard let context = EVP_MD_CTX_new() else { throw Failure(message: "cannot create a signing context") }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
                throw Failure(message: "cannot start signing")
            }
            var length = 0
            guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
                throw Failure(message: "cannot size the signature")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
                throw Failure(message: "cannot sign")
            }
            return Array(signature.prefix(length))
        }
    }

    /// The keys of one tree: the signing key, an unrelated published key and, for the
    /// `unpublishedKey` plant, a key public-keys.json does not hold.
    struct Keys {
        let signing: RSAKey
        let signingDER: [UInt8]
        let signingFingerprint: String
        let otherDER: [UInt8]
        let otherFingerprint: String
        let rogueFingerprint: String?

        init(rogue: Bool) throws {
            signing = try RSAKey()
            signingDER = signing.pkcs1DER
            otherDER = try RSAKey().spkiDER
            signingFingerprint = DigestTree.md5Hex(signingDER)
            otherFingerprint = DigestTree.md5Hex(otherDER)
            rogueFingerprint = rogue ? DigestTree.md5Hex(try RSAKey().pkcs1DER) : nil
            guard !signingDER.isEmpty, !otherDER.isEmpty else { throw Failure(message: "cannot encode a public key") }
        }
    }

    /// Lower-case hex MD5, the form of CloudTrail's key fingerprints and of S3 ETags.
    static func md5Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        bytes.withUnsafeBytes { _ = EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_md5(), nil) }
        return hexString(digest)
    }
}

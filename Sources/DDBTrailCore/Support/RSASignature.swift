import CCrypto

/// RSASSA-PKCS1-v1_5 with SHA-256 ("SHA256withRSA"), as CloudTrail signs digest files, over the
/// system's libcrypto.
enum RSASignature {
    /// Whether `signature` signs `message` under the key; nil when the key cannot be read.
    static func verify(_ signature: [UInt8], message: [UInt8], publicKeyDER der: [UInt8]) -> Bool? {
        guard let key = publicKey(der) else { return nil }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return nil }
        let result = signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                EVP_DigestVerify(context, s.baseAddress, s.count, m.baseAddress, m.count)
            }
        }
        return result == 1
    }

    /// A DER public key: X.509 SubjectPublicKeyInfo, or PKCS#1 RSAPublicKey.
    static func publicKey(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { b -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = b.baseAddress
            if let key = d2i_PUBKEY(nil, &cursor, b.count) { return key }
            cursor = b.baseAddress
            return d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, b.count)
        }
    }

    /// Bytes from hex text; nil when it is not hex.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}

import CCrypto

/// Incremental SHA-256 over the system's libcrypto (fast, hardware-accelerated where available).
package final class SHA256Hasher {
    private let context: OpaquePointer

    init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ pointer: UnsafeRawPointer, count: Int) {
        if count > 0 { EVP_DigestUpdate(context, pointer, count) }
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0.baseAddress!, count: $0.count) }
    }

    /// Lower-case hex digest; the hasher cannot be used afterwards.
    func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return hexString(digest)
    }

    package static func digest(of bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        bytes.withUnsafeBytes { b in
            _ = EVP_Digest(b.baseAddress, b.count, &digest, &length, EVP_sha256(), nil)
        }
        return digest
    }
}

package func hexString(_ bytes: [UInt8]) -> String {
    let digits = JSONWriter.hexDigits
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}

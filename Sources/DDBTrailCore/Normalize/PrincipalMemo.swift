import Foundation

/// Principals already derived, by the exact bytes of their `userIdentity`: a case has few
/// distinct identities (a session's calls repeat its `userIdentity` byte for byte), and
/// deriving one costs about as much as the rest of the record. One per reading thread.
public final class PrincipalMemo {
    private var entries: [Int: [(bytes: [UInt8], principal: Principal, key: String)]] = [:]
    private var count = 0
    /// Bounds memory; a case with more distinct identities than this just derives more often.
    static let capacity = 20_000

    public init() {}

    /// The principal of `identity` and its identity key; nil when it is not an object whose
    /// byte range is in `raw`. Built from `identity` only when its bytes are new (a deferred
    /// `userIdentity` is then never built for a known identity).
    func principal(_ identity: JSON, in raw: [UInt8]) -> (principal: Principal, key: String)? {
        guard let range = identity.textRange, range.lowerBound >= 0, range.upperBound <= raw.count, !range.isEmpty,
              raw[range.lowerBound] == UInt8(ascii: "{") else { return nil }
        return raw.withUnsafeBufferPointer { buffer in
            let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[range])
            var hasher = Hasher()
            hasher.combine(bytes: bytes)
            let hash = hasher.finalize()
            if let found = entries[hash]?.first(where: { entry in
                entry.bytes.count == bytes.count && entry.bytes.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            }) { return (found.principal, found.key) }
            if count >= Self.capacity { entries.removeAll(keepingCapacity: true); count = 0 }
            guard let object = identity.object else { return nil }
            let principal = CloudTrailNormaliser.principal(from: object)
            let key = principal.identityKey
            entries[hash, default: []].append((Array(bytes), principal, key))
            count += 1
            return (principal, key)
        }
    }
}

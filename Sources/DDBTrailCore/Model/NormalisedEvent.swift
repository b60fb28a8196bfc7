import Foundation

/// The normalised form of one CloudTrail record. A class: it is built once on the reading thread
/// and handed to the writer, and copying ~25 strings per hand-off showed in profiles.
public final class NormalisedEvent: @unchecked Sendable {
    public var eventID: String?
    public var eventTime: String?
    public var eventVersion: String?
    public var eventSource: String?
    public var eventName: String?
    public var eventType: String?
    public var eventCategory: String?
    public var readOnly: Bool?
    public var managementEvent: Bool?
    public var awsRegion: String?
    public var recipientAccountId: String?
    public var requestID: String?
    public var sharedEventID: String?
    public var sourceIPAddress: String?
    public var userAgent: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var vpcEndpointId: String?
    public var principal: Principal?
    public var itemAccesses: [ItemAccess] = []
    public var tableReferences: [TableReference] = []
    public var keySchemas: [KeySchema] = []
    /// Field-level problems worth recording (the record is still imported).
    public var warnings: [String] = []
    /// Set by `prepareForWriting` on the reading thread, so the writer only binds.
    public private(set) var dedupe: [UInt8]?
    /// 8 bytes of SHA-256 of the record's bytes (`recordDigest(raw:)`), set with `dedupe`.
    public private(set) var digest: [UInt8]?
    public internal(set) var principalKey: String?

    public init() {}

    /// Two copies of one event share this (eventID + recipient account). Nil without an eventID.
    public var dedupeKey: String? {
        eventID.map { $0 + "|" + (recipientAccountId ?? "") }
    }

    /// What the database stores for dedupe: 16 bytes of SHA-256 of `dedupeKey`, or of the raw
    /// record when there is no eventID. A short fixed-size key keeps the unique index small.
    public func dedupeHash(raw: [UInt8]) -> [UInt8] {
        Array(SHA256Hasher.digest(of: dedupeKey.map { Array($0.utf8) } ?? raw).prefix(16))
    }

    /// Tells a copy whose bytes are the stored record's (a re-delivery) from a changed one without
    /// reading the stored record back: 8 bytes of SHA-256 of the record's bytes.
    public static func recordDigest(raw: [UInt8]) -> [UInt8] {
        Array(SHA256Hasher.digest(of: raw).prefix(8))
    }

    /// Computes what the writer would otherwise compute on its (busier) thread: the dedupe
    /// hash, the principal's identity key and each key's canonical text as the record types it.
    public func prepareForWriting(raw: [UInt8]) {
        dedupe = dedupeHash(raw: raw)
        digest = Self.recordDigest(raw: raw)
        if principalKey == nil { principalKey = principal?.identityKey }
        for i in itemAccesses.indices {
            itemAccesses[i].canonicalKey = itemAccesses[i].key.map(ItemKey.canonical)
        }
    }
}

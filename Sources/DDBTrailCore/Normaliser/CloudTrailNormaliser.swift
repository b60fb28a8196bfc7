import Foundation

/// A DynamoDB table, normalised to (account, region, name) whether the evidence named it or
/// gave its ARN.
public struct TableIdentity: Hashable, Sendable {
    public var account: String
    public var region: String
    public var name: String
}

/// One distinct identity behind calls. Every field takes part in its identity.
public struct Principal: Hashable, Sendable {
    public var type: String?
    public var arn: String?
    public var accountId: String?
    public var principalId: String?
    public var userName: String?
    public var roleName: String?
    public var sessionName: String?
    public var accessKeyId: String?
    public var sourceIdentity: String?
    public var identityCenterUser: String?
    public var invokedBy: String?
    public var sessionIssuerArn: String?
    public var identityProvider: String?

    /// Stable text identity used to store each distinct principal once.
    public var identityKey: String {
        [type, arn, accountId, principalId, userName, roleName, sessionName, accessKeyId, sourceIdentity,
         identityCenterUser, invokedBy, sessionIssuerArn, identityProvider]
            .map { $0 ?? "" }.joined(separator: "\u{1F}")
    }
}

/// One (table, item key) an API call touched. `key` is nil for Query/Scan and for writes whose
/// key CloudTrail does not show (PartiQL INSERT, redacted literals).
public struct ItemAccess: Sendable, Equatable {
    public var table: TableIdentity
    /// The API (`PutItem`) or, inside batches and transactions, the per-item operation (`Put`, `Delete`, …).
    public var operation: String
    /// The key as logged (compact JSON), when there is one.
    public var keyRaw: String?
    /// Key attributes, typed as far as the record tells; canonicalised when written.
    public var key: [ItemKey.Attribute]?
    /// Attribute names the request declared (PutItem `item`, update expression names), compact JSON.
    public var attributeNames: String?
    public var indexName: String?
    /// 0-based position of the item within a batch/transaction request, nil for single-item calls.
    public var position: Int?
    /// `key` canonicalised as typed by the record alone (set by `prepareForWriting`).
    public var canonicalKey: String?
}

/// A table a call referred to, and in which role (`tableName`, `targetTableName`, `backupArn`, …).
public struct TableReference: Sendable, Equatable, Hashable {
    public var table: TableIdentity
    public var role: String
}

/// Key schema facts learned from CreateTable/DescribeTable/UpdateTable records.
public struct KeySchema: Sendable, Equatable {
    public var table: TableIdentity
    /// (attribute name, HASH/RANGE, S/N/B or nil)
    public var attributes: [(name: String, keyType: String, type: String?)]
    public static func == (a: KeySchema, b: KeySchema) -> Bool {
        a.table == b.table && a.attributes.elementsEqual(b.attributes) { $0 == $1 }
    }
}

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

    /// Computes what the writer would otherwise compute on its (busier) thread: the dedupe
    /// hash, the principal's identity key and each key's canonical text as the record types it.
    public func prepareForWriting(raw: [UInt8]) {
        dedupe = dedupeHash(raw: raw)
        if principalKey == nil { principalKey = principal?.identityKey }
        for i in itemAccesses.indices {
            itemAccesses[i].canonicalKey = itemAccesses[i].key.map(ItemKey.canonical)
        }
    }
}

public enum CloudTrailNormaliser {
    /// Normalises one record. Pure: key values are typed only as far as the record itself tells
    /// (JSON numbers are N); the writer applies key schemas learned from the whole case.
    public static func normalise(_ record: JSONObject, raw: [UInt8]? = nil, principals: PrincipalMemo? = nil) -> NormalisedEvent {
        let e = NormalisedEvent()
        e.eventID = record["eventID"]?.scalarText
        e.eventVersion = record["eventVersion"]?.scalarText
        e.eventSource = record["eventSource"]?.string
        e.eventName = record["eventName"]?.string
        e.eventType = record["eventType"]?.string
        e.eventCategory = record["eventCategory"]?.string
        e.readOnly = record["readOnly"]?.flexibleBool
        e.managementEvent = record["managementEvent"]?.flexibleBool
        if e.eventCategory == nil, let management = e.managementEvent {
            // Records before eventVersion 1.07 have no category; managementEvent tells the same.
            e.eventCategory = management ? "Management" : "Data"
        }
        e.awsRegion = record["awsRegion"]?.string
        e.recipientAccountId = record["recipientAccountId"]?.scalarText
        e.requestID = record["requestID"]?.scalarText
        e.sharedEventID = record["sharedEventID"]?.string
        e.sourceIPAddress = record["sourceIPAddress"]?.string
        e.userAgent = record["userAgent"]?.string
        e.errorCode = record["errorCode"]?.scalarText
        e.errorMessage = record["errorMessage"]?.scalarText
        e.vpcEndpointId = record["vpcEndpointId"]?.string

        if let raw = record["eventTime"] {
            if let t = Timestamp.normalise(raw) { e.eventTime = t }
            else { e.warnings.append("eventTime \(raw.compactText) is not a valid time; stored without a time") }
        } else {
            e.warnings.append("record has no eventTime")
        }
        if let identity = record["userIdentity"] {
            if let known = principals.flatMap({ memo in raw.flatMap { memo.principal(identity, in: $0) } }) {
                (e.principal, e.principalKey) = (known.principal, known.key)
            } else if let object = identity.object {
                e.principal = principal(from: object)
            }
        }
        DynamoDBRequest.extract(record, into: e)
        return e
    }

    static func principal(from u: JSONObject) -> Principal {
        var p = Principal()
        p.type = u["type"]?.string
        p.arn = nonEmpty(u["arn"]?.string)
        p.accountId = u["accountId"]?.scalarText
        p.principalId = nonEmpty(u["principalId"]?.string)
        p.accessKeyId = nonEmpty(u["accessKeyId"]?.string)
        p.userName = nonEmpty(u["userName"]?.string)
        p.invokedBy = nonEmpty(u["invokedBy"]?.string)
        p.identityProvider = nonEmpty(u["identityProvider"]?.string)
        let context = u["sessionContext"]?.object
        let issuer = context?["sessionIssuer"]?.object
        p.sessionIssuerArn = nonEmpty(issuer?["arn"]?.string)
        p.sourceIdentity = nonEmpty(context?["sourceIdentity"]?.string) ?? nonEmpty(u["sourceIdentity"]?.string)
        if let onBehalf = u["onBehalfOf"]?.object {
            p.identityCenterUser = nonEmpty(onBehalf["userId"]?.string)
        }
        // Names from the ARN: user/<path>/<name>, assumed-role/<role>/<session>, federated-user/<name>.
        if let arn = p.arn, let resource = ARN.resource(arn) {
            if resource.hasPrefix("assumed-role/") {
                let rest = resource.dropFirst("assumed-role/".count)
                if let slash = rest.firstIndex(of: "/") {
                    p.roleName = String(rest[..<slash])
                    p.sessionName = String(rest[rest.index(after: slash)...])
                }
            } else if p.userName == nil, resource.hasPrefix("user/") || resource.hasPrefix("federated-user/"),
                      let slash = resource.lastIndex(of: "/") {
                p.userName = String(resource[resource.index(after: slash)...])
            }
        }
        if p.roleName == nil, issuer?["type"]?.string == "Role" { p.roleName = nonEmpty(issuer?["userName"]?.string) }
        if p.sessionName == nil, p.type == "AssumedRole", let id = p.principalId, let colon = id.firstIndex(of: ":") {
            p.sessionName = String(id[id.index(after: colon)...])
        }
        return p
    }

    static func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
}

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

/// Cheap ARN field access (`arn:partition:service:region:account:resource`) without allocating
/// the pieces.
enum ARN {
    /// The six fields as substrings, or nil if the text is not an ARN.
    static func fields(_ arn: String) -> (service: Substring, region: Substring, account: Substring, resource: Substring)? {
        var arn = arn
        guard let r = arn.withUTF8(fieldRanges) else { return nil }
        // Colons are one byte, so every range bound is a character boundary.
        let utf8 = arn.utf8
        func slice(_ range: Range<Int>) -> Substring {
            arn[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
        }
        return (slice(r.service), slice(r.region), slice(r.account), slice(r.resource))
    }

    /// Byte ranges of the fields of `arn:partition:service:region:account:resource` in UTF-8 text.
    static func fieldRanges(_ b: UnsafeBufferPointer<UInt8>) -> (service: Range<Int>, region: Range<Int>, account: Range<Int>, resource: Range<Int>)? {
        guard b.count >= 4, b[0] == UInt8(ascii: "a"), b[1] == UInt8(ascii: "r"), b[2] == UInt8(ascii: "n"),
              b[3] == UInt8(ascii: ":") else { return nil }
        var colons = (0, 0, 0, 0)
        var found = 0
        var i = 4
        while found < 4, i < b.count {
            if b[i] == UInt8(ascii: ":") {
                switch found {
                case 0: colons.0 = i
                case 1: colons.1 = i
                case 2: colons.2 = i
                default: colons.3 = i
                }
                found += 1
            }
            i += 1
        }
        guard found == 4 else { return nil }
        return (colons.0 + 1..<colons.1, colons.1 + 1..<colons.2, colons.2 + 1..<colons.3, colons.3 + 1..<b.count)
    }

    static func resource(_ arn: String) -> Substring? { fields(arn)?.resource }
}

import DDBTrailSQLite

// MARK: - Resolver

/// Follows temporary credentials back to whoever or whatever obtained them, using
/// `credential_grants` and `console_logins` (derived at import by `CredentialGrants`) and what the
/// calls made with a key say about their session.
///
/// Every lookup is an indexed probe (principals by access key, grants by issued key, console
/// sign-ins by key or by user and time), so a chain of n hops costs about 2n small queries;
/// statements are prepared once per connection. Cycles in the evidence stop the walk.
public enum IdentityResolver {
    /// Chains longer than this are cut (role chaining through this many roles does not happen).
    static let maximumHops = 32

    /// The origin of an access key: the IAM user and long-term key, root, SAML / web identity /
    /// Identity Center user, or AWS service and resource it was obtained by, walking grants
    /// through role chains and across accounts. Nil when the key appears nowhere in the case.
    ///
    /// Meant to be called once per finding: two or three indexed lookups per hop and no scan of
    /// events: about 1 ms per call on average over the 266 keys of the 1M-event benchmark case
    /// (release build; there each session key is named by ~500 synthetic grants, genuine keys by
    /// one or two). Use `chain(_:accessKeyId:)` for the links themselves.
    public static func origin(_ db: Database, accessKeyId: String) throws -> Origin? {
        var walk = Walk(db: db, subject: accessKeyId, detailed: false)
        return try walk.run()?.origin
    }

    /// The whole chain of an access key, or nil when the key appears nowhere in the case. Each
    /// session link cites the session's earliest call, which reads all calls made with the key
    /// (`origin` cites none and reads one).
    public static func chain(_ db: Database, accessKeyId: String) throws -> CredentialChain? {
        var walk = Walk(db: db, subject: accessKeyId, detailed: true)
        return try walk.run()
    }

    /// The identities WHO names (an ARN, access key id, principal id, user / role / session name,
    /// source identity or Identity Center user id), the identities their keys obtained through
    /// STS, and the chain of every matched key. Throws when nothing matches.
    public static func resolve(_ db: Database, who: String) throws -> Resolution {
        let matched = try identities(db, who: who, relation: "match", how: nil)
        if matched.isEmpty {
            throw QueryError("nothing in the case matches '\(who)': give an ARN, an access key id (AKIA…/ASIA…), a principal id, or a user, role or session name")
        }
        // Forward: what each key obtained, and what that obtained in turn.
        var derived: [Identity] = []
        var seenKeys = Set(matched.compactMap(\.accessKeyId))
        var queue = matched.compactMap(\.accessKeyId).sorted()
        while !queue.isEmpty {
            let caller = queue.removeFirst()
            for issued in try rows(db, Query.issuedKeys, ["access_key_id": .string(caller)]) {
                guard let key = issued["access_key_id"]?.stringValue, !seenKeys.contains(key) else { continue }
                seenKeys.insert(key)
                let how = "obtained by \(caller) through \(issued["kind"]?.stringValue ?? "STS")"
                    + (issued["issued_at"]?.stringValue.map { " at \($0)" } ?? "")
                derived += try identities(db, who: key, relation: "derived", how: how).filter { $0.accessKeyId == key }
                queue.append(key)
            }
        }
        var chains: [CredentialChain] = []
        for key in Set(matched.compactMap(\.accessKeyId)).sorted() {
            if let chain = try chain(db, accessKeyId: key) { chains.append(chain) }
        }
        return Resolution(who: who, identities: matched + derived, chains: chains)
    }

    // MARK: Identities

    static func identities(_ db: Database, who: String, relation: String, how: String?) throws -> [Identity] {
        try rows(db, Query.match, ["who": .string(who)]).map { r in
            Identity(relation: relation, matchedOn: how ?? r.text("matched_on") ?? "",
                     principalRow: r["principal_row"]?.int64Value, type: r.text("type"), arn: r.text("arn"),
                     accountId: r.text("account_id"), principalId: r.text("principal_id"), userName: r.text("user_name"),
                     roleName: r.text("role_name"), sessionName: r.text("session_name"), accessKeyId: r.text("access_key_id"),
                     sessionIssuerArn: r.text("session_issuer_arn"), sourceIdentity: r.text("source_identity"),
                     identityCenterUser: r.text("identity_center_user"), invokedBy: r.text("invoked_by"),
                     identityProvider: r.text("identity_provider"), events: Int(r["events"]?.int64Value ?? 0),
                     firstSeen: r.text("first_seen"), lastSeen: r.text("last_seen"))
        }
    }

    // MARK: Queries

    /// The SQL of the embedded lookups, read once.
    enum Query {
        static let match = sql("identity-match")
        static let key = sql("identity-key")
        static let grant = sql("identity-grant")
        static let consoleLogin = sql("identity-console-login")
        static let issuedKeys = sql("identity-issued-keys")

        /// A missing file (a packaging error) fails on first use with its name in the message.
        static func sql(_ name: String) -> String { QueryFile.embedded(name)?.sql ?? "SELECT * FROM \"embedded query queries/\(name).sql is missing\"" }
    }

    typealias Row = [String: SQLValue]

    static func rows(_ db: Database, _ sql: String, _ parameters: [String: SQLValue]) throws -> [Row] {
        let statement = try db.cached(sql)
        try statement.bind(named: parameters)
        let names = statement.columnNames
        var result: [Row] = []
        while try statement.step() {
            let values = statement.row()
            result.append(Dictionary(uniqueKeysWithValues: zip(names, values)))
        }
        return result
    }

}

extension Dictionary where Key == String, Value == SQLValue {
    /// The column as non-empty text.
    func text(_ column: String) -> String? {
        guard let s = self[column]?.stringValue, !s.isEmpty else { return nil }
        return s
    }
}

import DDBTrailSQLite

// MARK: - Results

/// One identity in the case: a `principals` row, or a key known only from the STS call that
/// issued it (`principalRow` nil, no calls in the evidence).
public struct Identity: Sendable, Equatable {
    /// `match`: WHO names it; `derived`: credentials a matched key obtained through STS (directly
    /// or through further role assumptions).
    public var relation: String
    /// How WHO matched (`access key id`, `arn`, `session name`, …), or for a derived identity
    /// which key obtained it and how.
    public var matchedOn: String
    public var principalRow: Int64?
    public var type: String?
    public var arn: String?
    public var accountId: String?
    public var principalId: String?
    public var userName: String?
    public var roleName: String?
    public var sessionName: String?
    public var accessKeyId: String?
    public var sessionIssuerArn: String?
    public var sourceIdentity: String?
    public var identityCenterUser: String?
    public var invokedBy: String?
    public var identityProvider: String?
    /// Calls made by this identity in the whole case (not limited by --since/--until).
    public var events: Int
    public var firstSeen: String?
    public var lastSeen: String?
}

/// One link of a credential chain, from the credentials as used (step 0) back to their origin.
public struct ChainLink: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The credentials as the calls made with them describe themselves.
        case session
        /// The STS call that issued them.
        case grant
        /// A long-term access key of an IAM user or of the root user.
        case longTermKey = "long-term-key"
        /// The console sign-in that started a console session.
        case consoleLogin = "console-login"
        /// The AWS service that obtained the credentials.
        case awsService = "aws-service"
        case ec2Instance = "ec2-instance"
        case lambdaFunction = "lambda-function"
        case samlUser = "saml-user"
        case webIdentityUser = "web-identity-user"
        case identityCenterUser = "identity-center-user"
        /// A caller known only by its account and principal id (the role owner's copy of a
        /// cross-account call).
        case awsAccount = "aws-account"
        /// The source identity set when the chain began; it persists through role chaining.
        case sourceIdentity = "source-identity"
        /// The case holds no STS call (or sign-in) that issued the credentials.
        case issuerNotInEvidence = "issuer-not-in-evidence"
        /// The chain returns to a key already on it.
        case cycle
        /// The final link: the origin in words.
        case origin
    }

    /// The access key (or ARN) whose chain this is.
    public var subject: String
    public var step: Int
    public var kind: Kind
    public var arn: String?
    public var accessKeyId: String?
    public var time: String?
    /// CloudTrail eventID of the record the link rests on.
    public var eventID: String?
    public var detail: String
}

/// Where a chain of credentials begins: the human, machine or outside identity behind a key.
public struct Origin: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case iamUser = "iam-user"
        case root
        case samlUser = "saml-user"
        case webIdentityUser = "web-identity-user"
        case identityCenterUser = "identity-center-user"
        /// An AWS service acting for a resource (EC2 instance, Lambda function, …).
        case awsService = "aws-service"
        /// A principal of another account known only by account and principal id.
        case awsAccount = "aws-account"
        /// The chain stops at a session whose issuing call is not in the case.
        case issuerNotInEvidence = "issuer-not-in-evidence"
        /// The evidence loops (a key issued, directly or not, by itself).
        case cycle
    }

    public var kind: Kind
    /// IAM user or root ARN; the instance or function ARN behind a service-issued session when
    /// known; the role (session issuer) ARN when the issuer is missing.
    public var arn: String?
    /// The long-term key (AKIA…) the chain starts from, when the evidence shows it.
    public var accessKeyId: String?
    /// SAML / web identity subject, Identity Center user, EC2 instance id, Lambda function name,
    /// or the session name when the issuer is missing.
    public var name: String?
    /// SAML or web identity provider, or the AWS service that obtained the credentials.
    public var provider: String?
    public var accountId: String?
    public var sourceIdentity: String?
    /// STS grants walked from the key to the origin.
    public var hops: Int
    /// True when every link is backed by a record in the case; false when the origin is
    /// inferred from what a session says about itself (missing issuer, Identity Center naming).
    public var complete: Bool
    public var summary: String
}

/// The chain of one access key.
public struct CredentialChain: Sendable, Equatable {
    public var subject: String
    public var links: [ChainLink]
    public var origin: Origin
}

/// What WHO names: the identities and the chain of each of their keys.
public struct Resolution: Sendable {
    public var who: String
    /// Matched identities first, then derived ones.
    public var identities: [Identity]
    /// One per access key of a matched identity, sorted by key.
    public var chains: [CredentialChain]
}

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
        try requireIdentityTables(db)
        var walk = Walk(db: db, subject: accessKeyId, detailed: false)
        return try walk.run()?.origin
    }

    /// The whole chain of an access key, or nil when the key appears nowhere in the case. Each
    /// session link cites the session's earliest call, which reads all calls made with the key
    /// (`origin` cites none and reads one).
    public static func chain(_ db: Database, accessKeyId: String) throws -> CredentialChain? {
        try requireIdentityTables(db)
        var walk = Walk(db: db, subject: accessKeyId, detailed: true)
        return try walk.run()
    }

    /// The identities WHO names (an ARN, access key id, principal id, user / role / session name,
    /// source identity or Identity Center user id), the identities their keys obtained through
    /// STS, and the chain of every matched key. Throws when nothing matches.
    public static func resolve(_ db: Database, who: String) throws -> Resolution {
        try requireIdentityTables(db)
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

    /// `resolve` plus the activity of every identity found (matched and derived), per key,
    /// table and operation, limited to `since` ..< `until` (UTC, '' for no limit).
    public static func report(_ db: Database, who: String, since: String = "", until: String = "") throws -> PrincipalReport {
        let resolution = try resolve(db, who: who)
        var seen = Set<Int64>()
        var wanted: [String] = []
        for identity in resolution.identities {
            guard let row = identity.principalRow, seen.insert(row).inserted else { continue }
            let via = identity.accessKeyId ?? identity.arn ?? identity.invokedBy ?? identity.type ?? "principal \(row)"
            wanted.append("{\"principal_row\":\(row),\"via\":\(jsonString(via)),\"via_arn\":\(identity.arn.map(jsonString) ?? "null"),\"relation\":\(jsonString(identity.relation))}")
        }
        guard let query = QueryFile.embedded("principal-activity-summary") else {
            throw QueryError("embedded query principal-activity-summary is missing")
        }
        let statement = try QueryRunner.prepare(db, query: query, values: ["principals": .string("[" + wanted.joined(separator: ",") + "]"),
                                                                           "since": .string(since), "until": .string(until)])
        var activity: [[SQLValue]] = []
        while try statement.step() { activity.append(statement.row()) }
        return PrincipalReport(resolution: resolution, activityColumns: statement.columnNames, activity: activity)
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

    /// Query commands open cases read-only, so a case made before migration 003 cannot gain the
    /// tables here: say how to get them.
    static func requireIdentityTables(_ db: Database) throws {
        let tables = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('credential_grants', 'console_logins')")
        if tables.int64Value != 2 {
            throw QueryError("\(db.path): this case predates identity resolution; run `ddbtrail import --db \(db.path)` with any evidence path once (already imported files are skipped) to derive it")
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

// MARK: - Walking a chain

extension IdentityResolver {
    /// What the calls made with a key say about its session (first identity using it).
    struct Session {
        var type: String?
        var arn: String?
        var accountId: String?
        var principalId: String?
        var userName: String?
        var roleName: String?
        var sessionName: String?
        var issuerArn: String?
        var issuerType: String?
        var sourceIdentity: String?
        var identityCenterUser: String?
        var invokedBy: String?
        var created: String?
        var mfa: String?
        var fromConsole: Bool
        var scopeType: String?
        var issuedTo: String?
        var ec2RoleDelivery: String?
        var firstEventID: String?
        var userAgent: String?

        init(_ r: Row) {
            type = r.text("type"); arn = r.text("arn"); accountId = r.text("account_id")
            principalId = r.text("principal_id"); userName = r.text("user_name"); roleName = r.text("role_name")
            sessionName = r.text("session_name"); issuerArn = r.text("session_issuer_arn")
            issuerType = r.text("session_issuer_type"); sourceIdentity = r.text("source_identity")
            identityCenterUser = r.text("identity_center_user"); invokedBy = r.text("invoked_by")
            created = r.text("session_created").map { Timestamp.normalise($0) ?? $0 }
            mfa = r.text("mfa_authenticated"); fromConsole = r.text("from_console") == "true"
            scopeType = r.text("in_scope_issuer_type"); issuedTo = r.text("credentials_issued_to")
            ec2RoleDelivery = r.text("ec2_role_delivery"); firstEventID = r.text("first_event_id")
            userAgent = r.text("user_agent")
        }

        var isUserOrRoot: Bool { type == "IAMUser" || type == "Root" }

        /// An IAM Identity Center permission-set role (`AWSReservedSSO_<set>_<hex>`).
        var isIdentityCenterRole: Bool {
            (roleName ?? "").hasPrefix("AWSReservedSSO_") || (issuerArn ?? "").contains("/aws-reserved/sso.amazonaws.com/")
        }
    }

    /// The STS call that issued a key, with its caller.
    struct Grant {
        var eventID: String?
        var kind: String
        var issuedAt: String?
        var issuedArn: String?
        var roleArn: String?
        var sessionName: String?
        var sourceIdentity: String?
        var expiration: String?
        var mfaSerial: String?
        var callerKey: String?
        var invokedBy: String?
        var subject: String?
        var subjectType: String?
        var provider: String?
        var issuer: String?
        var audience: String?
        var callerType: String?
        var callerArn: String?
        var callerAccount: String?
        var callerPrincipalId: String?
        var callerUserName: String?
        var callerIdentityProvider: String?
        var sourceIP: String?
        var count: Int

        init(_ r: Row) {
            eventID = r.text("cloudtrail_event_id"); kind = r.text("kind") ?? "STS call"
            issuedAt = r.text("issued_at"); issuedArn = r.text("issued_arn"); roleArn = r.text("role_arn")
            sessionName = r.text("session_name"); sourceIdentity = r.text("source_identity")
            expiration = r.text("expiration"); mfaSerial = r.text("mfa_serial_number")
            callerKey = r.text("caller_access_key_id"); invokedBy = r.text("invoked_by")
            subject = r.text("subject"); subjectType = r.text("subject_type"); provider = r.text("provider")
            issuer = r.text("issuer"); audience = r.text("audience"); callerType = r.text("caller_type")
            callerArn = r.text("caller_arn"); callerAccount = r.text("caller_account_id")
            callerPrincipalId = r.text("caller_principal_id"); callerUserName = r.text("caller_user_name")
            callerIdentityProvider = r.text("caller_identity_provider")
            sourceIP = r.text("source_ip"); count = Int(r["grants_for_key"]?.int64Value ?? 1)
        }

        var caller: String {
            if let callerArn { return callerArn + (callerKey.map { " with \($0)" } ?? "") }
            if let invokedBy { return invokedBy }
            if callerType == "SAMLUser" || callerType == "WebIdentityUser" { return "\(callerType!) \(callerUserName ?? subject ?? "?")" }
            if let callerAccount { return "account \(callerAccount)" + (callerPrincipalId.map { " (principal id \($0))" } ?? "") }
            return "an unidentified caller"
        }
    }

    struct Walk {
        let db: Database
        let subject: String
        /// Session facts from each identity's earliest call (by time, then eventID: the same
        /// whatever the import order) rather than its first imported one (one index probe).
        let detailed: Bool
        var links: [ChainLink] = []
        var hops = 0
        var sourceIdentity: String?

        init(db: Database, subject: String, detailed: Bool) {
            self.db = db
            self.subject = subject
            self.detailed = detailed
        }

        mutating func add(_ kind: ChainLink.Kind, arn: String? = nil, key: String? = nil, time: String? = nil,
                          event: String? = nil, _ detail: String) {
            links.append(ChainLink(subject: subject, step: links.count, kind: kind, arn: arn, accessKeyId: key,
                                   time: time, eventID: event, detail: detail))
        }

        func session(_ key: String) throws -> Session? {
            let found = try rows(db, Query.key, ["access_key_id": .string(key), "earliest": .integer(detailed ? 1 : 0)])
                .map(Session.init)
            // Prefer the identity that says most about itself.
            return found.first { $0.arn != nil && $0.created != nil } ?? found.first { $0.arn != nil } ?? found.first
        }

        func grant(_ key: String) throws -> Grant? {
            try rows(db, Query.grant, ["access_key_id": .string(key)]).first.map(Grant.init)
        }

        func consoleLogin(key: String, userArn: String?, at: String?) throws -> Row? {
            try rows(db, Query.consoleLogin, ["access_key_id": .string(key), "user_arn": .optional(userArn),
                                                  "at": .string(at ?? "")]).first
        }

        mutating func run() throws -> CredentialChain? {
            var key = subject
            var visited: [String] = []
            var found: Origin?
            while found == nil {
                if visited.contains(key) {
                    add(.cycle, key: key, "\(key) already appears earlier in this chain: the evidence is circular (a key cannot issue itself), so the walk stops here")
                    found = make(.cycle, name: key, complete: false, "the chain loops back to \(key); the evidence is inconsistent")
                    break
                }
                if visited.count > maximumHops {
                    found = make(.issuerNotInEvidence, name: key, complete: false, "the chain is longer than \(maximumHops) links; stopped at \(key)")
                    break
                }
                visited.append(key)
                let session = try session(key)
                let grant = try grant(key)
                if session == nil && grant == nil {
                    if visited.count == 1 { return nil }
                    add(.issuerNotInEvidence, key: key, "\(key) called STS, but nothing else in the case names it")
                    found = make(.issuerNotInEvidence, name: key, complete: false, "issuer not in the evidence: \(key) is named only as the caller of the next grant")
                    break
                }
                if let s = session?.sourceIdentity ?? grant?.sourceIdentity { sourceIdentity = s }

                // A long-term key: the start of every chain that reaches it.
                if grant == nil, let s = session, s.isUserOrRoot, isLongTerm(key, s) {
                    let who = s.type == "Root" ? "root user of account \(s.accountId ?? "?")" : "IAM user \(s.arn ?? s.userName ?? "?")"
                    add(.longTermKey, arn: s.arn, key: key, event: s.firstEventID, "long-term access key of the \(who)")
                    found = make(s.type == "Root" ? .root : .iamUser, arn: s.arn, key: key, name: s.userName, account: s.accountId,
                                  complete: true, "\(who), long-term access key \(key)")
                    break
                }

                add(.session, arn: session?.arn ?? grant?.issuedArn, key: key, time: session?.created, event: session?.firstEventID,
                    describe(session, grant: grant))

                guard let g = grant else {
                    found = try withoutGrant(key: key, session: session!)
                    break
                }
                hops += 1
                add(.grant, arn: g.issuedArn ?? g.roleArn, key: key, time: g.issuedAt, event: g.eventID, describe(g, key: key))
                if let callerKey = g.callerKey {
                    key = callerKey
                    continue
                }
                found = try callerWithoutKey(g, session: session)
                break
            }
            if let sourceIdentity {
                add(.sourceIdentity, "source identity '\(sourceIdentity)': set when the chain began and carried by every session after it")
            }
            guard var final = found else { return nil }
            final.sourceIdentity = sourceIdentity
            final.hops = hops
            add(.origin, arn: final.arn, key: final.accessKeyId, final.summary)
            return CredentialChain(subject: subject, links: links, origin: final)
        }

        /// A key of a user or root that no STS call issued: long-term unless it says it is temporary.
        func isLongTerm(_ key: String, _ s: Session) -> Bool {
            if key.hasPrefix("AKIA") { return true }
            if key.hasPrefix("ASIA") { return false }
            return s.created == nil && !s.fromConsole
        }

        func make(_ kind: Origin.Kind, arn: String? = nil, key: String? = nil, name: String? = nil, provider: String? = nil,
                  account: String? = nil, complete: Bool, _ summary: String) -> Origin {
            Origin(kind: kind, arn: arn, accessKeyId: key, name: name, provider: provider, accountId: account,
                   sourceIdentity: nil, hops: 0, complete: complete, summary: summary)
        }

        /// The chain ends at a key no STS call in the case issued: a console sign-in, an
        /// Identity Center session, or what the session says about itself.
        mutating func withoutGrant(key: String, session s: Session) throws -> Origin {
            if s.isUserOrRoot {
                // Temporary credentials of a user or root: a console session or GetSessionToken.
                let who = s.type == "Root" ? "root user of account \(s.accountId ?? "?")" : "IAM user \(s.arn ?? s.userName ?? "?")"
                if let login = try consoleLogin(key: key, userArn: s.arn, at: s.created) {
                    add(.consoleLogin, arn: login.text("user_arn"), key: login.text("access_key_id"), time: login.text("login_time"),
                        event: login.text("cloudtrail_event_id"), describeLogin(login, session: s))
                    return make(s.type == "Root" ? .root : .iamUser, arn: s.arn, name: s.userName, account: s.accountId, complete: true,
                                "\(who), signed in to the console at \(login.text("login_time") ?? "?") from \(login.text("source_ip") ?? "?") (MFA: \(login.text("mfa_used") ?? "not recorded"))")
                }
                add(.issuerNotInEvidence, arn: s.arn, key: key, time: s.created,
                    "issuer not in the evidence: no GetSessionToken or ConsoleLogin in the case issued \(key); the session says it belongs to the \(who)"
                        + (s.created.map { ", created \($0)" } ?? "") + (s.mfa == "true" ? " with MFA" : "")
                        + (s.fromConsole || (s.userAgent ?? "").lowercased().contains("console") || s.userAgent == "signin.amazonaws.com" ? ", from the console" : ""))
                return make(s.type == "Root" ? .root : .iamUser, arn: s.arn, name: s.userName, account: s.accountId, complete: false,
                            "\(who) (how \(key) was issued is not in the evidence)")
            }
            if s.type == "FederatedUser" {
                // GetFederationToken sessions name the IAM user (or root) that asked for them.
                let issuer = s.issuerArn ?? "an IAM user"
                add(.issuerNotInEvidence, arn: s.issuerArn, key: key, time: s.created,
                    "issuer not in the evidence: no GetFederationToken in the case issued \(key); the session says federated user \(s.arn ?? "?") of \(issuer)"
                        + (s.created.map { ", created \($0)" } ?? ""))
                return make(s.issuerType == "Root" ? .root : .iamUser, arn: s.issuerArn, name: s.issuerArn.flatMap { $0.split(separator: "/").last.map(String.init) },
                            account: s.accountId, complete: false, "\(issuer) (its GetFederationToken for \(key) is not in the evidence)")
            }
            let role = s.issuerArn ?? s.roleName.map { "role \($0)" } ?? s.arn ?? "an unknown role"
            add(.issuerNotInEvidence, arn: s.issuerArn, key: key, time: s.created,
                "issuer not in the evidence: no STS call in the case issued \(key); the session says: role \(role), session name '\(s.sessionName ?? "?")'"
                    + (s.created.map { ", created \($0)" } ?? ""))
            if s.isIdentityCenterRole {
                if let login = try consoleLogin(key: key, userArn: nil, at: nil) {
                    add(.consoleLogin, arn: login.text("user_arn"), key: key, time: login.text("login_time"),
                        event: login.text("cloudtrail_event_id"), describeLogin(login, session: s))
                }
                let user = s.sessionName ?? s.identityCenterUser ?? "?"
                add(.identityCenterUser, arn: s.issuerArn,
                    "IAM Identity Center user '\(user)'" + (s.identityCenterUser.map { " (user id \($0))" } ?? "")
                        + ": Identity Center names the sessions of its permission-set roles after the user who signed in")
                return make(.identityCenterUser, arn: s.issuerArn, name: user, account: s.accountId, complete: false,
                            "IAM Identity Center user '\(user)' (by the session's name; the sign-in is not in the evidence)")
            }
            if let resource = serviceResource(session: s, grant: nil) {
                addResource(resource)
                return make(.awsService, arn: resource.arn, name: resource.name, provider: resource.service, account: s.accountId, complete: false,
                            "\(resource.service ?? "an AWS service") for \(resource.label) (by what the session says; the AssumeRole is not in the evidence)")
            }
            return make(.issuerNotInEvidence, arn: s.issuerArn ?? s.arn, name: s.sessionName, account: s.accountId, complete: false,
                        "issuer not in the evidence: session '\(s.sessionName ?? "?")' of \(role)")
        }

        /// The grant's caller used no access key: a service, a federated identity, or another
        /// account seen only from the role owner's side.
        mutating func callerWithoutKey(_ g: Grant, session: Session?) throws -> Origin {
            if g.kind == "AssumeRoleWithSAML" || g.callerType == "SAMLUser" {
                let subject = g.subject ?? g.callerUserName ?? "?"
                let identityCenter = (g.provider ?? "").contains("saml-provider/AWSSSO_") || session?.isIdentityCenterRole == true
                    || (g.roleArn ?? "").contains("/aws-reserved/sso.amazonaws.com/")
                if identityCenter {
                    add(.identityCenterUser, arn: g.provider, event: g.eventID,
                        "IAM Identity Center user '\(subject)' signed in through the Identity Center SAML provider \(g.provider ?? "?")")
                    return make(.identityCenterUser, arn: g.provider, name: subject, provider: g.provider, account: session?.accountId,
                                complete: true, "IAM Identity Center user '\(subject)'")
                }
                add(.samlUser, arn: g.provider, event: g.eventID,
                    "SAML user '\(subject)'" + (g.subjectType.map { " (\($0) name id)" } ?? "")
                        + " asserted by \(g.issuer ?? "an identity provider") through \(g.provider ?? "a SAML provider")")
                return make(.samlUser, arn: g.provider, name: subject, provider: g.provider ?? g.issuer, complete: true,
                            "SAML user '\(subject)' from \(g.issuer ?? g.provider ?? "an identity provider")")
            }
            if g.kind == "AssumeRoleWithWebIdentity" || g.callerType == "WebIdentityUser" {
                let subject = g.subject ?? g.callerUserName ?? "?"
                let provider = g.provider ?? g.callerIdentityProvider
                add(.webIdentityUser, event: g.eventID,
                    "web identity user '\(subject)' of \(provider ?? "an OIDC provider")" + (g.audience.map { ", audience \($0)" } ?? ""))
                return make(.webIdentityUser, name: subject, provider: provider, complete: true,
                            "web identity user '\(subject)' from \(provider ?? "an OIDC provider")")
            }
            if let service = g.invokedBy ?? (g.callerType == "AWSService" ? "an AWS service" : nil) {
                add(.awsService, event: g.eventID, "\(service) obtained the credentials" + (g.sessionName.map { " as session '\($0)'" } ?? ""))
                if let resource = serviceResource(session: session, grant: g) {
                    addResource(resource)
                    return make(.awsService, arn: resource.arn, name: resource.name, provider: service, account: session?.accountId,
                                complete: true, "\(service) for \(resource.label)")
                }
                return make(.awsService, name: g.sessionName, provider: service, complete: true,
                            "\(service)" + (g.sessionName.map { ", session '\($0)'" } ?? ""))
            }
            if g.callerType == "AWSAccount" || (g.callerArn == nil && g.callerAccount != nil) {
                var detail = "a principal of account \(g.callerAccount ?? "?")" + (g.callerPrincipalId.map { " with principal id \($0)" } ?? "")
                    + ": only the role owner's copy of this cross-account call is in the case; the caller's own trail names its key"
                var arn: String?
                if let pid = g.callerPrincipalId {
                    let known = Set(try rows(db, Query.match, ["who": .string(pid)]).compactMap { $0.text("arn") })
                    if known.count == 1 {
                        arn = known.first
                        detail += "; the case has that principal id only as \(known.first!)"
                    }
                }
                add(.awsAccount, arn: arn, event: g.eventID, detail)
                return make(.awsAccount, arn: arn, name: g.callerPrincipalId, account: g.callerAccount, complete: false,
                            "a principal of account \(g.callerAccount ?? "?")" + (arn.map { " (probably \($0))" } ?? "")
                                + (g.callerPrincipalId.map { ", principal id \($0)" } ?? ""))
            }
            if g.callerType == "IAMUser" || g.callerType == "Root", let arn = g.callerArn {
                // A user call logged without its key (console actions can be).
                return make(g.callerType == "Root" ? .root : .iamUser, arn: arn, name: g.callerUserName, account: g.callerAccount,
                            complete: true, "\(g.callerType == "Root" ? "root user" : "IAM user") \(arn) (its key is not in the record)")
            }
            add(.issuerNotInEvidence, arn: g.callerArn, event: g.eventID,
                "the record of \(g.kind) does not identify its caller beyond \(g.caller)")
            return make(.issuerNotInEvidence, arn: g.callerArn, name: g.callerPrincipalId, account: g.callerAccount, complete: false,
                        "issuer not in the evidence: \(g.kind) by \(g.caller)")
        }

        struct Resource {
            var kind: ChainLink.Kind
            var service: String?
            var arn: String?
            var name: String
            var detail: String
            var label: String { (kind == .ec2Instance ? "EC2 instance " : kind == .lambdaFunction ? "Lambda function " : "") + (arn ?? name) }
        }

        /// The EC2 instance or Lambda function behind a service-issued session: from
        /// `inScopeOf.credentialsIssuedTo`, else from the session name EC2 and Lambda give it.
        func serviceResource(session s: Session?, grant g: Grant?) -> Resource? {
            let service = g?.invokedBy
            let sessionName = s?.sessionName ?? g?.sessionName
            let delivery = s?.ec2RoleDelivery.map { ", delivered by the instance metadata service (ec2RoleDelivery \($0): IMDSv\($0.hasPrefix("2") ? "2" : "1"))" } ?? ""
            if let issuedTo = s?.issuedTo {
                if s?.scopeType == "AWS::EC2::Instance" || issuedTo.contains(":instance/") {
                    let id = issuedTo.split(separator: "/").last.map(String.init) ?? issuedTo
                    return Resource(kind: .ec2Instance, service: service ?? "ec2.amazonaws.com", arn: issuedTo, name: id,
                                    detail: "EC2 instance \(issuedTo) (inScopeOf.credentialsIssuedTo)\(delivery)")
                }
                if s?.scopeType == "AWS::Lambda::Function" || issuedTo.contains(":function:") {
                    let name = issuedTo.split(separator: ":").last.map(String.init) ?? issuedTo
                    return Resource(kind: .lambdaFunction, service: service ?? "lambda.amazonaws.com", arn: issuedTo, name: name,
                                    detail: "Lambda function \(issuedTo) (inScopeOf.credentialsIssuedTo)")
                }
                return Resource(kind: .awsService, service: service, arn: issuedTo, name: issuedTo,
                                detail: "\(s?.scopeType ?? "resource") \(issuedTo) (inScopeOf.credentialsIssuedTo)")
            }
            if let name = sessionName, isInstanceID(name), service == "ec2.amazonaws.com" || s?.ec2RoleDelivery != nil {
                return Resource(kind: .ec2Instance, service: service ?? "ec2.amazonaws.com", arn: nil, name: name,
                                detail: "EC2 instance \(name) (EC2 names instance-role sessions after the instance)\(delivery)")
            }
            if let name = sessionName, service == "lambda.amazonaws.com" {
                return Resource(kind: .lambdaFunction, service: service, arn: nil, name: name,
                                detail: "Lambda session '\(name)' (Lambda usually names execution-role sessions after the function; no inScopeOf in the evidence to confirm it)")
            }
            return nil
        }

        mutating func addResource(_ r: Resource) {
            add(r.kind, arn: r.arn, r.detail)
        }

        func isInstanceID(_ name: String) -> Bool {
            let hex = name.dropFirst(2)
            return name.hasPrefix("i-") && (hex.count == 8 || hex.count == 17) && hex.allSatisfy(\.isHexDigit)
        }

        func describe(_ s: Session?, grant g: Grant?) -> String {
            guard let s else {
                return "no call in the case was made with these credentials; \(g?.kind ?? "STS") issued them as \(g?.issuedArn ?? "?")"
            }
            var text: String
            switch s.type {
            case "AssumedRole":
                text = "role session '\(s.sessionName ?? "?")' of \(s.issuerArn ?? s.roleName ?? "?")"
            case "FederatedUser":
                text = "federated user session of \(s.issuerArn ?? "?")"
            case "IAMUser", "Root":
                text = "temporary credentials of \(s.arn ?? s.userName ?? "?")"
            default:
                text = "\(s.type ?? "unknown type") \(s.arn ?? s.principalId ?? "")"
            }
            if let created = s.created { text += ", created \(created)" }
            if s.mfa == "true" { text += ", MFA authenticated" }
            if let sourceIdentity = s.sourceIdentity { text += ", source identity '\(sourceIdentity)'" }
            if let user = s.identityCenterUser { text += ", on behalf of Identity Center user \(user)" }
            if let issuedTo = s.issuedTo { text += ", issued to \(issuedTo)" }
            if let delivery = s.ec2RoleDelivery { text += ", ec2RoleDelivery \(delivery)" }
            return text
        }

        func describe(_ g: Grant, key: String) -> String {
            var text = "\(g.kind)"
            switch g.kind {
            case "GetSessionToken": text += " for \(g.issuedArn ?? g.callerArn ?? "?")"
            case "GetFederationToken": text += " for federated user '\(g.sessionName ?? "?")'"
            case "AssumeRoot": text += " into \(g.issuedArn ?? "?")"
            default: text += " of \(g.roleArn ?? "?") as session '\(g.sessionName ?? "?")'"
            }
            text += " by \(g.caller)"
            if let ip = g.sourceIP, ip != g.invokedBy { text += " from \(ip)" }
            text += " issued \(key)"
            if let expiration = g.expiration { text += ", expiring \(expiration)" }
            if let mfa = g.mfaSerial { text += ", MFA device \(mfa)" }
            if let sourceIdentity = g.sourceIdentity { text += ", source identity '\(sourceIdentity)'" }
            if g.count > 1 { text += " (\(g.count) STS events name this key; the best identified caller is shown)" }
            return text
        }

        func describeLogin(_ login: Row, session s: Session) -> String {
            var text = "ConsoleLogin of \(login.text("user_arn") ?? s.arn ?? "?") at \(login.text("login_time") ?? "?") from \(login.text("source_ip") ?? "?")"
            text += ", MFA used: \(login.text("mfa_used") ?? "not recorded")"
            if login.text("matched_by") == "user and time" {
                text += " (the user's latest sign-in at or before the session's creationDate \(s.created ?? "?"))"
            } else {
                text += " (the sign-in names this session's key)"
            }
            return text
        }
    }
}

// MARK: - Report

/// `ddbtrail principal WHO`: identities, chains and activity, rendered as titled sections like
/// `ddbtrail info`.
public struct PrincipalReport: Sendable {
    public static let sections = ["identities", "chain", "activity"]

    public static let identityColumns = ["relation", "matched_on", "type", "arn", "account_id", "principal_id", "user_name",
                                         "role_name", "session_name", "access_key_id", "session_issuer_arn", "source_identity",
                                         "identity_center_user", "invoked_by", "identity_provider", "events", "first_seen", "last_seen"]
    public static let chainColumns = ["subject", "step", "link", "arn", "access_key_id", "time", "event_id", "detail"]

    public var resolution: Resolution
    public var activityColumns: [String]
    public var activity: [[SQLValue]]

    public var identityRows: [[SQLValue]] {
        resolution.identities.map { i in
            [.string(i.relation), .string(i.matchedOn), .optional(i.type), .optional(i.arn), .optional(i.accountId),
             .optional(i.principalId), .optional(i.userName), .optional(i.roleName), .optional(i.sessionName),
             .optional(i.accessKeyId), .optional(i.sessionIssuerArn), .optional(i.sourceIdentity),
             .optional(i.identityCenterUser), .optional(i.invokedBy), .optional(i.identityProvider),
             .integer(Int64(i.events)), .optional(i.firstSeen), .optional(i.lastSeen)]
        }
    }

    public var chainRows: [[SQLValue]] {
        resolution.chains.flatMap(\.links).map { l in
            [.string(l.subject), .integer(Int64(l.step)), .string(l.kind.rawValue), .optional(l.arn), .optional(l.accessKeyId),
             .optional(l.time), .optional(l.eventID), .string(l.detail)]
        }
    }

    /// Renders every section, or only `section`. Table: titled sections; json: one object
    /// `{"identities": […], "chain": […], "activity": […]}` (or the array of the one section);
    /// jsonl: rows with a leading `section` column; csv: one section (`section` required).
    public func render(options: RenderOptions, sink: any OutputSink, section: String? = nil) throws {
        var options = options
        options.jsonColumns = ["source_ips", "user_agents"]
        let parts = [
            OutputSection(key: "identities", title: "Identities matching '\(resolution.who)' and the sessions they obtained",
                          columns: Self.identityColumns, rows: { identityRows.forEach($0) }),
            OutputSection(key: "chain", title: "Credential chains: each key back to its origin",
                          columns: Self.chainColumns, rows: { chainRows.forEach($0) }),
            OutputSection(key: "activity", title: "Activity per key, table and operation",
                          columns: activityColumns, rows: { activity.forEach($0) }),
        ]
        try OutputSection.render(parts, command: "principal", options: options, sink: sink, only: section)
    }
}

import DDBTrailSQLite

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

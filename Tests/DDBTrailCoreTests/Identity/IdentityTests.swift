import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

// MARK: - Tests

@Suite struct IdentityTests {
    @Test(arguments: [
        ("Nov 3, 2026, 1:02:11 PM", "2026-11-03T13:02:11Z"),
        ("Jul 18, 2014 4:07:39 PM", "2014-07-18T16:07:39Z"),
        ("Sep 14, 2020, 7:01:26 AM", "2020-09-14T07:01:26Z"),
        ("Dec 1, 2026, 12:05:09 AM", "2026-12-01T00:05:09Z"),
        ("Dec 1, 2026, 12:05:09 PM", "2026-12-01T12:05:09Z"),
        ("Oct 8, 2024, 4:15:32\u{202F}PM", "2024-10-08T16:15:32Z"),
        ("Oct 8, 2024,\t4:15:32\u{00A0}PM", "2024-10-08T16:15:32Z"),
        ("Feb 29, 2028, 23:59:59", "2028-02-29T23:59:59Z"),
        ("2026-11-03T13:02:11Z", "2026-11-03T13:02:11Z"),
        ("2026-11-03T14:02:11+01:00", "2026-11-03T13:02:11Z"),
    ])
    func expirationTimesAreNormalisedToUTC(_ text: String, _ expected: String) {
        #expect(Timestamp.normaliseExpiration(text) == expected)
    }

    @Test(arguments: ["Jan 01, 2019 0:00:00 PM", "Feb 30, 2026, 1:00:00 PM", "Nov 3, 2026, 13:02:11 PM", "tomorrow", "", "Nov 3 2026"])
    func unparseableExpirationsAreRefused(_ text: String) {
        #expect(Timestamp.normaliseExpiration(text) == nil)
    }

    /// Query connections have `ddbtrail_utc` too; NULL stays NULL and other text is kept.
    @Test func utcFunctionIsDefinedOnQueryConnections() throws {
        let c = try Case()
        try c.importPaths([])
        let row = try c.rows("SELECT ddbtrail_utc('Nov 3, 2026, 1:02:11 PM'), ddbtrail_utc(1762174931), ddbtrail_utc('tomorrow'), ddbtrail_utc(NULL)")
        #expect(row.first?.map(\.stringValue) == ["2026-11-03T13:02:11Z", "2025-11-03T13:02:11Z", "tomorrow", nil])
    }

    @Test func demoIncidentLambdaSessionsAndLeakedUserKey() throws {
        let c = try Case()
        _ = try copyDemoIncident(to: c.directory + "/evidence")
        try c.importPaths([c.directory + "/evidence"])
        let db = try c.idDatabase()
        // Two AssumeRole calls by lambda.amazonaws.com issued the orders-api and refunds-api keys.
        let grants = try db.rows("SELECT access_key_id, session_name, invoked_by, expiration, caller_access_key_id FROM credential_grants ORDER BY access_key_id")
        #expect(grants.map { $0[0].stringValue } == ["ASIA3XKQ7PZ2OA4LRM5Q", "ASIA3XKQ7PZ2RFD2WKEJ"])
        #expect(grants.map { $0[1].stringValue } == ["orders-api", "refunds-api"])
        #expect(grants.allSatisfy { $0[2].stringValue == "lambda.amazonaws.com" && $0[4].isNull })
        #expect(grants.map { $0[3].stringValue } == ["2026-11-03T13:02:11Z", "2026-11-03T13:15:05Z"])

        let orders = try #require(try IdentityResolver.origin(db, accessKeyId: "ASIA3XKQ7PZ2OA4LRM5Q"))
        #expect(orders.kind == .awsService)
        #expect(orders.provider == "lambda.amazonaws.com")
        #expect(orders.arn == "arn:aws:lambda:eu-west-1:111122223333:function:orders-api")
        #expect(orders.name == "orders-api")
        #expect(orders.hops == 1)
        #expect(orders.complete)

        let leaked = try #require(try IdentityResolver.origin(db, accessKeyId: "AKIA3XKQ7PZ2SVCREPTQ"))
        #expect(leaked.kind == .iamUser)
        #expect(leaked.arn == "arn:aws:iam::111122223333:user/svc-reporting")
        #expect(leaked.accessKeyId == "AKIA3XKQ7PZ2SVCREPTQ")
        #expect(leaked.hops == 0 && leaked.complete)

        // customers-api's AssumeRole happened before the evidence begins: the chain says so, and
        // what the session itself records (inScopeOf) still names the function.
        let customers = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIA3XKQ7PZ2CU5TQ7MA"))
        #expect(customers.links.map(\.kind) == [.session, .issuerNotInEvidence, .lambdaFunction, .origin])
        #expect(customers.links[1].detail.contains("role arn:aws:iam::111122223333:role/app-backend, session name 'customers-api'"))
        #expect(customers.origin.kind == .awsService)
        #expect(customers.origin.arn == "arn:aws:lambda:eu-west-1:111122223333:function:customers-api")
        #expect(!customers.origin.complete)

        #expect(try IdentityResolver.origin(db, accessKeyId: "AKIANOTINTHECASE0000") == nil)
    }

    @Test func demoIncidentPrincipalReport() throws {
        let c = try Case()
        _ = try copyDemoIncident(to: c.directory + "/evidence")
        try c.importPaths([c.directory + "/evidence"])
        let db = try c.idDatabase()
        let report = try IdentityResolver.report(db, who: "svc-reporting")
        #expect(report.resolution.identities.count == 1)
        #expect(report.resolution.identities[0].matchedOn == "user name")
        #expect(report.resolution.identities[0].events == 19)
        #expect(report.resolution.chains.map(\.origin.kind) == [.iamUser])
        let index = Dictionary(uniqueKeysWithValues: report.activityColumns.enumerated().map { ($1, $0) })
        func row(_ table: String?, _ operation: String) -> [SQLValue]? {
            report.activity.first { $0[index["table_name"]!].stringValue == table && $0[index["operation"]!].stringValue == operation }
        }
        let deletes = try #require(row("Orders", "DeleteItem"))
        #expect(deletes[index["calls"]!] == .integer(2))
        #expect(deletes[index["via"]!].stringValue == "AKIA3XKQ7PZ2SVCREPTQ")
        #expect(deletes[index["source_ips"]!].stringValue == #"["203.0.113.66"]"#)
        let updates = try #require(row("Orders", "UpdateItem"))
        #expect(updates[index["calls"]!] == .integer(2))
        #expect(updates[index["errors"]!] == .integer(1))
        // Queries from the usual host and the attacker's scans differ in source IP.
        #expect(row("Orders", "Query")?[index["source_ips"]!].stringValue == #"["198.51.100.200"]"#)
        #expect(row(nil, "GetCallerIdentity")?[index["service"]!].stringValue == "sts.amazonaws.com")

        // A role names every session of it; --since/--until narrow the activity only.
        let role = try IdentityResolver.resolve(db, who: "arn:aws:iam::111122223333:role/app-backend")
        #expect(Set(role.identities.compactMap(\.sessionName)) == ["customers-api", "orders-api", "refunds-api"])
        #expect(role.identities.allSatisfy { $0.matchedOn == "session issuer arn" })
        let late = try IdentityResolver.report(db, who: "orders-api", since: "2026-11-03T03:00:00Z", until: "2026-11-03T03:30:00Z")
        #expect(late.activity.reduce(0) { $0 + Int($1[index["calls"]!].int64Value ?? 0) } == 3)

        #expect { try IdentityResolver.resolve(db, who: "mallory") } throws: { "\($0)".contains("nothing in the case matches 'mallory'") }
    }

    @Test func roleChainAcrossTwoAccountsLeadsToTheUserAndItsKey() throws {
        let c = try Case()
        try c.idImport(CrossAccountChain.grants + CrossAccountChain.calls, as: "all.json")
        let db = try c.idDatabase()
        #expect(try c.count("SELECT count(*) FROM credential_grants") == 4)
        let chain = try #require(try IdentityResolver.chain(db, accessKeyId: CrossAccountChain.keyB))
        #expect(chain.links.map(\.kind) == [.session, .grant, .session, .grant, .longTermKey, .sourceIdentity, .origin])
        #expect(chain.links.map(\.accessKeyId) == [CrossAccountChain.keyB, CrossAccountChain.keyB, CrossAccountChain.keyA, CrossAccountChain.keyA, CrossAccountChain.userKey, nil, CrossAccountChain.userKey])
        #expect(chain.links[2].arn == "arn:aws:sts::111122223333:assumed-role/role-a/hop1")
        let origin = chain.origin
        #expect(origin.kind == .iamUser)
        #expect(origin.arn == CrossAccountChain.user)
        #expect(origin.accessKeyId == CrossAccountChain.userKey)
        #expect(origin.accountId == "210987654321")
        #expect(origin.hops == 2)
        #expect(origin.sourceIdentity == "jdoe")
        #expect(origin.complete)
        #expect(try IdentityResolver.origin(db, accessKeyId: CrossAccountChain.keyB) == origin)

        // Everything the leaked key did, including through the roles it assumed.
        let report = try IdentityResolver.report(db, who: CrossAccountChain.user)
        #expect(report.resolution.identities.map(\.relation) == ["match", "derived", "derived"])
        #expect(report.resolution.identities.map(\.accessKeyId) == [CrossAccountChain.userKey, CrossAccountChain.keyA, CrossAccountChain.keyB])
        #expect(report.resolution.identities[2].matchedOn.hasPrefix("obtained by \(CrossAccountChain.keyA) through AssumeRole"))
        let index = Dictionary(uniqueKeysWithValues: report.activityColumns.enumerated().map { ($1, $0) })
        let viaB = report.activity.filter { $0[index["via"]!].stringValue == CrossAccountChain.keyB }
        #expect(viaB.map { $0[index["operation"]!].stringValue } == ["DeleteItem", "GetItem"])
        #expect(viaB.allSatisfy { $0[index["relation"]!].stringValue == "derived" && $0[index["table_name"]!].stringValue == "Orders" })
        #expect(viaB.allSatisfy { $0[index["table_account_id"]!].stringValue == "210987654321" })
        let viaA = report.activity.filter { $0[index["via"]!].stringValue == CrossAccountChain.keyA }
        #expect(viaA.map { $0[index["operation"]!].stringValue } == ["AssumeRole"])
        #expect(report.activity.first?[index["via"]!].stringValue == CrossAccountChain.userKey)
    }

    @Test func onlyTheRoleOwnersCopyNamesTheCallingAccount() throws {
        let c = try Case()
        try c.idImport([CrossAccountChain.grants[1], CrossAccountChain.calls[2]], as: "owner-copy.json")
        let chain = try #require(try IdentityResolver.chain(try c.idDatabase(), accessKeyId: CrossAccountChain.keyA))
        #expect(chain.links.map(\.kind) == [.session, .grant, .awsAccount, .sourceIdentity, .origin])
        #expect(chain.origin.kind == .awsAccount)
        #expect(chain.origin.accountId == "210987654321")
        #expect(chain.origin.name == "AIDASVCREPORTING")
        // The user's own calls carry that principal id, so the case can say who it probably was.
        #expect(chain.origin.arn == CrossAccountChain.user)
        #expect(!chain.origin.complete)
    }

    @Test func importOrderAndReimportDoNotChangeTheChains() throws {
        let together = try Case()
        try together.idImport(CrossAccountChain.grants + CrossAccountChain.calls, as: "all.json")
        let expected = try #require(try IdentityResolver.chain(try together.idDatabase(), accessKeyId: CrossAccountChain.keyB))

        // The sessions' calls first, the STS calls later (and in reverse record order).
        let callsFirst = try Case()
        try callsFirst.idImport(CrossAccountChain.calls, as: "calls.json")
        let early = try #require(try IdentityResolver.chain(try callsFirst.idDatabase(), accessKeyId: CrossAccountChain.keyB))
        #expect(early.links.map(\.kind) == [.session, .issuerNotInEvidence, .sourceIdentity, .origin])
        try callsFirst.idImport(CrossAccountChain.grants.reversed(), as: "grants.json")
        #expect(try IdentityResolver.chain(try callsFirst.idDatabase(), accessKeyId: CrossAccountChain.keyB) == expected)

        // The STS calls first, each hop in its own file.
        let grantsFirst = try Case()
        try grantsFirst.idImport([CrossAccountChain.grants[3], CrossAccountChain.grants[2]], as: "hop2.json")
        try grantsFirst.idImport([CrossAccountChain.grants[0], CrossAccountChain.grants[1]], as: "hop1.json")
        try grantsFirst.idImport(CrossAccountChain.calls, as: "calls.json")
        #expect(try IdentityResolver.chain(try grantsFirst.idDatabase(), accessKeyId: CrossAccountChain.keyB) == expected)

        // Re-importing (the same file, and the same records in a file with other bytes) adds nothing.
        let before = try grantsFirst.count("SELECT count(*) FROM credential_grants")
        try grantsFirst.importPaths([grantsFirst.directory + "/in"])
        try grantsFirst.idImport(CrossAccountChain.grants + CrossAccountChain.calls, as: "again.json")
        #expect(try grantsFirst.count("SELECT count(*) FROM credential_grants") == before)
        #expect(before == 4)
        // The derivation remembers how far it got; running it again finds nothing new.
        #expect(try grantsFirst.count("SELECT last_event_id FROM identity_derivation") == grantsFirst.count("SELECT max(id) FROM events"))
        let db = try CaseDatabase.openForImport(path: grantsFirst.dbPath)
        #expect(try CredentialGrants.derive(db) == CredentialGrants.Derived())
    }

    @Test func derivationReadsOnlyStsAndSignInEventsThroughThePartialIndex() throws {
        let c = try Case()
        try c.importPaths([])
        let db = try c.idDatabase()
        for name in ["identity-credential-grants", "identity-console-logins"] {
            let query = try #require(QueryFile.embedded(name))
            let plan = try db.prepare("EXPLAIN QUERY PLAN " + query.sql)
            try plan.bind(named: ["after": .integer(0)])
            var details: [String] = []
            while try plan.step() { details.append(plan.string(at: 3) ?? "") }
            #expect(details.contains { $0.contains("USING INDEX events_by_identity_call") }, "\(name): \(details)")
        }
    }

    @Test func casesFromBeforeIdentityResolutionSayHowToGetIt() throws {
        let path = try temporaryDirectory() + "/old.db"
        let old = try Database(path: path, mode: .readWriteCreate)
        try old.execute("PRAGMA user_version = 2")
        // Any case older than the schema: the query commands say how to bring it up to date.
        #expect { try CaseDatabase.openForQuery(path: path) } throws: { "\($0)".contains("older than this ddbtrail") && "\($0)".contains("run `ddbtrail import") }
    }

    @Test func sessionFederationAndRootTokensLeadToTheUsersLongTermKey() throws {
        let c = try Case()
        let alice = idUser("alice", account: "111122223333", key: "AKIAEXAMPLEALICE0001")
        let temporary = idUser("alice", account: "111122223333", key: "ASIAEXAMPLEALICEGST1",
                               session: #","sessionContext":{"attributes":{"creationDate":"2026-11-03T04:00:00Z","mfaAuthenticated":"true"}}"#)
        let federated = #"{"type":"FederatedUser","principalId":"111122223333:Bob","arn":"arn:aws:sts::111122223333:federated-user/Bob","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEFEDBOB001","sessionContext":{"sessionIssuer":{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"attributes":{"creationDate":"2026-11-03T04:10:00Z","mfaAuthenticated":"false"}}}"#
        try c.idImport([
            idRecord("gst", at: "2026-11-03T04:00:00Z", source: "sts.amazonaws.com", name: "GetSessionToken", identity: alice,
                     request: #"{"durationSeconds":3600,"serialNumber":"arn:aws:iam::111122223333:mfa/alice"}"#,
                     response: #"{"credentials":{"accessKeyId":"ASIAEXAMPLEALICEGST1","sessionToken":"x","expiration":"Nov 3, 2026, 5:00:00 AM"}}"#),
            idRecord("gft", at: "2026-11-03T04:10:00Z", source: "sts.amazonaws.com", name: "GetFederationToken", identity: alice,
                     request: #"{"name":"Bob","durationSeconds":3600}"#,
                     response: #"{"credentials":{"accessKeyId":"ASIAEXAMPLEFEDBOB001","sessionToken":"x","expiration":"Nov 3, 2026, 5:10:00 AM"},"federatedUser":{"federatedUserId":"111122223333:Bob","arn":"arn:aws:sts::111122223333:federated-user/Bob"},"packedPolicySize":6}"#),
            // AssumeRoot (centralised root access) into a member account; its expiration is not a date.
            idRecord("root", at: "2026-11-03T04:20:00Z", source: "sts.amazonaws.com", name: "AssumeRoot", identity: alice,
                     request: #"{"targetPrincipal":"444455556666","taskPolicyArn":{"arn":"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}}"#,
                     response: #"{"credentials":{"accessKeyId":"ASIAEXAMPLEROOTTASK1","sessionToken":"x","expiration":"in 15 minutes"}}"#),
            idRecord("gst-use", at: "2026-11-03T04:05:00Z", name: "Scan", identity: temporary),
            idRecord("fed-use", at: "2026-11-03T04:15:00Z", name: "GetItem", identity: federated),
        ], as: "tokens.json")
        let db = try c.idDatabase()
        let rows = try db.rows("SELECT kind, issued_arn, session_name, mfa_serial_number, expiration FROM credential_grants ORDER BY kind")
        #expect(rows.map { $0.map(\.stringValue) } == [
            ["AssumeRoot", "arn:aws:iam::444455556666:root", nil, nil, "in 15 minutes"],
            ["GetFederationToken", "arn:aws:sts::111122223333:federated-user/Bob", "Bob", nil, "2026-11-03T05:10:00Z"],
            ["GetSessionToken", "arn:aws:iam::111122223333:user/alice", nil, "arn:aws:iam::111122223333:mfa/alice", "2026-11-03T05:00:00Z"],
        ])
        for key in ["ASIAEXAMPLEALICEGST1", "ASIAEXAMPLEFEDBOB001", "ASIAEXAMPLEROOTTASK1"] {
            let origin = try #require(try IdentityResolver.origin(db, accessKeyId: key))
            #expect(origin.kind == .iamUser, "\(key)")
            #expect(origin.arn == "arn:aws:iam::111122223333:user/alice", "\(key)")
            #expect(origin.accessKeyId == "AKIAEXAMPLEALICE0001", "\(key)")
            #expect(origin.hops == 1 && origin.complete, "\(key)")
        }
        let chain = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLEALICEGST1"))
        #expect(chain.links[0].detail.contains("MFA authenticated"))
        #expect(chain.links[1].detail.contains("MFA device arn:aws:iam::111122223333:mfa/alice"))
    }

    @Test func samlIntoAnIdentityCenterRoleAndOtherFederation() throws {
        let c = try Case()
        let ssoRole = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admins_0123456789abcdef"
        let samlUser = #"{"type":"SAMLUser","principalId":"Q2FsbGVk:alice@example.com","userName":"alice@example.com","identityProvider":"Q2FsbGVk"}"#
        let ssoSession = idRole("AWSReservedSSO_Admins_0123456789abcdef", session: "alice@example.com", account: "123456789012",
                                key: "ASIAEXAMPLESSOALICE1", created: "2026-11-03T08:00:00Z", path: "aws-reserved/sso.amazonaws.com/")
        // Shaped like the AWS IAM user guide's AssumeRoleWithSAML and AssumeRoleWithWebIdentity examples.
        let docSaml = #"{"type":"SAMLUser","principalId":"SampleUkh1i4+ExamplexL/jEvs=:SamlExample","userName":"SamlExample","identityProvider":"bdGOnTesti4+ExamplexL/jEvs="}"#
        let web = #"{"type":"WebIdentityUser","principalId":"accounts.google.com:app.apps.googleusercontent.com:user-id","userName":"user-id","identityProvider":"accounts.google.com"}"#
        try c.idImport([
            idRecord("sso", at: "2026-11-03T08:00:00Z", source: "sts.amazonaws.com", name: "AssumeRoleWithSAML", identity: samlUser,
                     request: #"{"sAMLAssertionID":"_abc","roleSessionName":"alice@example.com","durationSeconds":3600,"roleArn":"\#(ssoRole)","principalArn":"arn:aws:iam::123456789012:saml-provider/AWSSSO_6a5b_DO_NOT_DELETE"}"#,
                     response: #"{"subjectType":"persistent","issuer":"https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/abc","credentials":{"accessKeyId":"ASIAEXAMPLESSOALICE1","expiration":"Nov 3, 2026, 9:00:00 AM","sessionToken":"x"},"nameQualifier":"Q2FsbGVk","assumedRoleUser":{"assumedRoleId":"AROASSO:alice@example.com","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admins_0123456789abcdef/alice@example.com"},"subject":"alice@example.com","audience":"https://signin.aws.amazon.com/saml"}"#,
                     recipient: "123456789012"),
            idRecord("sso-use", at: "2026-11-03T08:01:00Z", name: "DeleteTable", identity: ssoSession, request: #"{"tableName":"Orders"}"#,
                     recipient: "123456789012"),
            idRecord("saml", at: "2019-11-01T19:14:36Z", source: "sts.amazonaws.com", name: "AssumeRoleWithSAML", identity: docSaml,
                     request: #"{"sAMLAssertionID":"_c0046c","roleSessionName":"MyAssignedRoleSessionName","sourceIdentity":"MySAMLUser","roleArn":"arn:aws:iam::444455556666:role/SAMLTestRoleShibboleth","principalArn":"arn:aws:iam::444455556666:saml-provider/Shibboleth"}"#,
                     response: #"{"subjectType":"transient","issuer":"https://server.example.com/idp/shibboleth","sourceIdentity":"MySAMLUser","credentials":{"accessKeyId":"ASIAEXAMPLESAMLDOC01","expiration":"Mar 23, 2016 2:39:57 AM","sessionToken":"x"},"nameQualifier":"bdGOnTesti4+ExamplexL/jEvs=","assumedRoleUser":{"assumedRoleId":"AROAD35QRSTUVWEXAMPLE:MyAssignedRoleSessionName","arn":"arn:aws:sts::444455556666:assumed-role/SAMLTestRoleShibboleth/MyAssignedRoleSessionName"},"subject":"SamlExample","audience":"https://signin.aws.amazon.com/saml"}"#,
                     recipient: "444455556666"),
            idRecord("web", at: "2016-03-23T01:39:51Z", source: "sts.amazonaws.com", name: "AssumeRoleWithWebIdentity", identity: web,
                     request: #"{"sourceIdentity":"MyWebIdentityUser","durationSeconds":3600,"roleArn":"arn:aws:iam::444455556666:role/FederatedWebIdentityRole","roleSessionName":"MyAssignedRoleSessionName"}"#,
                     response: #"{"provider":"accounts.google.com","subjectFromWebIdentityToken":"user-id","sourceIdentity":"MyWebIdentityUser","audience":"app.apps.googleusercontent.com","credentials":{"accessKeyId":"ASIAEXAMPLEWEBIDENT1","expiration":"Mar 23, 2016 2:39:51 AM","sessionToken":"x"},"assumedRoleUser":{"assumedRoleId":"AROAWEB:MyAssignedRoleSessionName","arn":"arn:aws:sts::444455556666:assumed-role/FederatedWebIdentityRole/MyAssignedRoleSessionName"}}"#,
                     recipient: "444455556666"),
        ], as: "federation.json")
        let db = try c.idDatabase()
        let sso = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLESSOALICE1"))
        #expect(sso.links.map(\.kind) == [.session, .grant, .identityCenterUser, .origin])
        #expect(sso.origin.kind == .identityCenterUser)
        #expect(sso.origin.name == "alice@example.com")
        #expect(sso.origin.complete)
        #expect(try IdentityResolver.resolve(db, who: "alice@example.com").chains.map(\.subject) == ["ASIAEXAMPLESSOALICE1"])

        let saml = try #require(try IdentityResolver.origin(db, accessKeyId: "ASIAEXAMPLESAMLDOC01"))
        #expect(saml.kind == .samlUser)
        #expect(saml.name == "SamlExample")
        #expect(saml.arn == "arn:aws:iam::444455556666:saml-provider/Shibboleth")
        #expect(saml.sourceIdentity == "MySAMLUser")
        let row = try #require(try db.rows("SELECT subject, subject_type, provider, issuer, audience, expiration FROM credential_grants WHERE access_key_id = 'ASIAEXAMPLESAMLDOC01'").first)
        #expect(row.map(\.stringValue) == ["SamlExample", "transient", "arn:aws:iam::444455556666:saml-provider/Shibboleth",
                                           "https://server.example.com/idp/shibboleth", "https://signin.aws.amazon.com/saml", "2016-03-23T02:39:57Z"])

        let webOrigin = try #require(try IdentityResolver.origin(db, accessKeyId: "ASIAEXAMPLEWEBIDENT1"))
        #expect(webOrigin.kind == .webIdentityUser)
        #expect(webOrigin.name == "user-id")
        #expect(webOrigin.provider == "accounts.google.com")
    }

    @Test func identityCenterSessionWithoutItsSignIn() throws {
        // The shared variants sample's AWSReservedSSO_ session, with no AssumeRoleWithSAML in the case.
        let variants = try identityVariants()
        let c = try Case()
        try c.idImport([idRecord("sso-only", at: "2023-04-13T19:40:00Z", identity: try #require(variants["AssumedRole_IdentityCenter_permission_set"]),
                                      recipient: "123456789012")], as: "sso.json")
        let chain = try #require(try IdentityResolver.chain(try c.idDatabase(), accessKeyId: "ASIAEXAMPLEEXAMPLE04"))
        #expect(chain.links.map(\.kind) == [.session, .issuerNotInEvidence, .identityCenterUser, .origin])
        #expect(chain.origin.kind == .identityCenterUser)
        #expect(chain.origin.name == "alice@example.com")
        #expect(!chain.origin.complete)
    }

    @Test func ec2InstanceRoleSessions() throws {
        let c = try Case()
        // elastic's capture: ec2.amazonaws.com assumes the instance role for i-0123456789abcdef0.
        try c.importPaths([fixture("samples/cloudtrail_useridentity_awsservice_assumerole_elastic.json")])
        let db = try c.idDatabase()
        let grant = try #require(try db.rows("SELECT invoked_by, session_name, expiration, issued_at FROM credential_grants").first)
        #expect(grant.map(\.stringValue) == ["ec2.amazonaws.com", "i-0123456789abcdef0", "2024-10-08T16:15:32Z", "2024-10-08T10:15:32Z"])
        let issued = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLEEXAMPLE01"))
        #expect(issued.links.map(\.kind) == [.session, .grant, .awsService, .ec2Instance, .origin])
        #expect(issued.links[0].detail.hasPrefix("no call in the case was made with these credentials"))
        #expect(issued.origin.kind == .awsService)
        #expect(issued.origin.provider == "ec2.amazonaws.com")
        #expect(issued.origin.name == "i-0123456789abcdef0")
        #expect(issued.origin.complete)

        // The variants sample's IMDSv1 session: no AssumeRole in the case, but inScopeOf names the instance.
        let variants = try identityVariants()
        try c.idImport([idRecord("ec2-use", at: "2025-08-21T07:05:00Z", source: "s3.amazonaws.com", name: "ListBuckets",
                                      identity: try #require(variants["AssumedRole_ec2_imdsv1"]), request: "{}", recipient: "123456789012")],
                            as: "ec2-session.json")
        let session = try #require(try IdentityResolver.chain(try c.idDatabase(), accessKeyId: "ASIAEXAMPLEEXAMPLE03"))
        #expect(session.links.map(\.kind) == [.session, .issuerNotInEvidence, .ec2Instance, .origin])
        #expect(session.links[2].detail.contains("IMDSv1"))
        #expect(session.origin.arn == "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0")
        #expect(session.origin.name == "i-0123456789abcdef0")
        #expect(!session.origin.complete)
    }

    @Test func consoleSessionsLeadToTheirSignIn() throws {
        let c = try Case()
        let bob = #"{"type":"IAMUser","principalId":"AIDABOB","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"}"#
        let session = idUser("bob", account: "111122223333", key: "ASIAEXAMPLEBOBCONSOL",
                             session: #","sessionContext":{"attributes":{"creationDate":"2026-11-03T09:00:00Z","mfaAuthenticated":"true"}}"#)
        func login(_ id: String, _ time: String, ip: String, result: String, mfa: String, identity: String = bob) -> String {
            idRecord(id, at: time, source: "signin.amazonaws.com", name: "ConsoleLogin", identity: identity, request: "null",
                     response: #"{"ConsoleLogin":"\#(result)"}"#,
                     extra: #","additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"\#(mfa)"}"#,
                     ip: ip, error: result == "Failure" ? "Failed authentication" : nil)
        }
        // Shaped like panther's Identity Center console sign-in: the ConsoleLogin names the session's key.
        let ssoConsole = idRole("AWSReservedSSO_DevAdmin_635426549a280cc6", session: "nicholas", account: "111122223333",
                                key: "ASIAEXAMPLESSOCONSOL", created: "2026-11-03T10:00:00Z", path: "aws-reserved/sso.amazonaws.com/")
        try c.idImport([
            login("old", "2026-11-03T07:00:00Z", ip: "192.0.2.1", result: "Success", mfa: "No"),
            login("right", "2026-11-03T09:00:00Z", ip: "198.51.100.99", result: "Success", mfa: "Yes"),
            login("failed", "2026-11-03T09:00:02Z", ip: "203.0.113.250", result: "Failure", mfa: "No"),
            login("later", "2026-11-03T11:00:00Z", ip: "192.0.2.2", result: "Success", mfa: "Yes"),
            idRecord("console-call", at: "2026-11-03T09:01:00Z", name: "DescribeTable", identity: session, request: #"{"tableName":"Orders"}"#,
                     extra: #","sessionCredentialFromConsole":"true""#),
            login("sso-login", "2026-11-03T10:00:00Z", ip: "73.252.165.138", result: "Success", mfa: "No", identity: ssoConsole),
            idRecord("sso-call", at: "2026-11-03T10:01:00Z", name: "ListTables", identity: ssoConsole, request: "{}"),
        ], as: "console.json")
        #expect(try c.count("SELECT count(*) FROM console_logins") == 5)
        #expect(try c.count("SELECT count(*) FROM console_logins WHERE result = 'Failure' AND error_message = 'denied'") == 1)
        let db = try c.idDatabase()
        let chain = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLEBOBCONSOL"))
        #expect(chain.links.map(\.kind) == [.session, .consoleLogin, .origin])
        #expect(chain.links[1].time == "2026-11-03T09:00:00Z")
        #expect(chain.links[1].eventID == "right")
        #expect(chain.links[1].detail.contains("from 198.51.100.99, MFA used: Yes"))
        #expect(chain.origin.kind == .iamUser)
        #expect(chain.origin.arn == "arn:aws:iam::111122223333:user/bob")
        #expect(chain.origin.accessKeyId == nil)
        #expect(chain.origin.complete)

        let sso = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLESSOCONSOL"))
        #expect(sso.links.map(\.kind) == [.session, .issuerNotInEvidence, .consoleLogin, .identityCenterUser, .origin])
        #expect(sso.links[2].eventID == "sso-login")
        #expect(sso.origin.name == "nicholas")
    }

    @Test func missingIssuerSaysWhatTheSessionTells() throws {
        let c = try Case()
        let deploy = idRole("deploy", session: "ci-run-42", account: "111122223333", key: "ASIAEXAMPLEDEPLOY042", created: "2026-11-03T12:00:00Z")
        try c.idImport([idRecord("deploy-call", at: "2026-11-03T12:01:00Z", name: "UpdateTable", identity: deploy,
                                      request: #"{"tableName":"Orders"}"#)], as: "deploy.json")
        let chain = try #require(try IdentityResolver.chain(try c.idDatabase(), accessKeyId: "ASIAEXAMPLEDEPLOY042"))
        #expect(chain.links.map(\.kind) == [.session, .issuerNotInEvidence, .origin])
        #expect(chain.links[1].detail.hasPrefix("issuer not in the evidence: no STS call in the case issued ASIAEXAMPLEDEPLOY042"))
        #expect(chain.links[1].detail.contains("role arn:aws:iam::111122223333:role/deploy, session name 'ci-run-42', created 2026-11-03T12:00:00Z"))
        #expect(chain.origin.kind == .issuerNotInEvidence)
        #expect(chain.origin.arn == "arn:aws:iam::111122223333:role/deploy")
        #expect(chain.origin.name == "ci-run-42")
        #expect(!chain.origin.complete)

        // The variants sample's federated user: its session names the IAM user that asked for it.
        let variants = try identityVariants()
        try c.idImport([idRecord("fed-call", at: "2024-01-01T00:05:00Z", identity: try #require(variants["FederatedUser"]),
                                      recipient: "123456789012")], as: "federated.json")
        let federated = try #require(try IdentityResolver.chain(try c.idDatabase(), accessKeyId: "ASIAEXAMPLEEXAMPLE05"))
        #expect(federated.links.map(\.kind) == [.session, .issuerNotInEvidence, .origin])
        #expect(federated.origin.kind == .iamUser)
        #expect(federated.origin.arn == "arn:aws:iam::123456789012:user/Alice")
        #expect(!federated.origin.complete)
    }

    @Test func cyclesInTheEvidenceStopTheWalk() throws {
        let c = try Case()
        let one = idRole("loop", session: "one", account: "111122223333", key: "ASIAEXAMPLELOOPONE01", created: "2026-11-03T13:00:00Z")
        let two = idRole("loop", session: "two", account: "111122223333", key: "ASIAEXAMPLELOOPTWO02", created: "2026-11-03T13:00:00Z")
        let selfie = idRole("loop", session: "self", account: "111122223333", key: "ASIAEXAMPLELOOPSELF3", created: "2026-11-03T13:00:00Z")
        let role = "arn:aws:iam::111122223333:role/loop"
        try c.idImport([
            idAssumeRole("l1", at: "2026-11-03T13:00:00Z", caller: two, role: role, session: "one", issued: "ASIAEXAMPLELOOPONE01", recipient: "111122223333"),
            idAssumeRole("l2", at: "2026-11-03T13:00:00Z", caller: one, role: role, session: "two", issued: "ASIAEXAMPLELOOPTWO02", recipient: "111122223333"),
            idAssumeRole("l3", at: "2026-11-03T13:00:00Z", caller: selfie, role: role, session: "self", issued: "ASIAEXAMPLELOOPSELF3", recipient: "111122223333"),
        ], as: "loop.json")
        let db = try c.idDatabase()
        let loop = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIAEXAMPLELOOPONE01"))
        #expect(loop.links.map(\.kind) == [.session, .grant, .session, .grant, .cycle, .origin])
        #expect(loop.origin.kind == .cycle)
        #expect(loop.origin.hops == 2)
        #expect(try IdentityResolver.origin(db, accessKeyId: "ASIAEXAMPLELOOPSELF3")?.kind == .cycle)
        // The forward walk terminates too.
        let report = try IdentityResolver.report(db, who: "ASIAEXAMPLELOOPONE01")
        #expect(report.resolution.identities.map(\.accessKeyId) == ["ASIAEXAMPLELOOPONE01", "ASIAEXAMPLELOOPTWO02"])
    }

    @Test func failedAndOddRecordsIssueNothingAndBreakNothing() throws {
        // Every fixture, including traildiscover's denied AssumeRole and panther's hand-written
        // STS and sign-in records with odd shapes.
        let c = try Case()
        try c.importPaths([fixture("samples"), fixture("real")])
        #expect(try c.count("SELECT count(*) FROM events WHERE event_name = 'AssumeRole' AND error_code = 'AccessDenied'") >= 1)
        #expect(try c.count("""
            SELECT count(*) FROM credential_grants g JOIN events e ON e.id = g.event_id WHERE e.error_code IS NOT NULL
            """) == 0)
        #expect(try c.count("SELECT count(*) FROM credential_grants WHERE expiration = '2024-06-02T22:37:12Z'") >= 1)
        #expect(try c.count("SELECT count(*) FROM credential_grants WHERE expiration = '2024-12-12T16:19:32Z'") >= 1)
        #expect(try c.count("SELECT count(*) FROM console_logins WHERE result = 'Success'") >= 1)
        #expect(try c.count("SELECT count(*) FROM console_logins WHERE result = 'Failure'") >= 1)
        #expect(try c.count("SELECT count(*) FROM console_logins l JOIN events e ON e.id = l.event_id WHERE e.event_name <> 'ConsoleLogin'") == 0)
        #expect(try c.rows("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func reportRendersItsSectionsInEveryFormat() throws {
        let c = try Case()
        try c.idImport(CrossAccountChain.grants + CrossAccountChain.calls, as: "all.json")
        let report = try IdentityResolver.report(try c.idDatabase(), who: "svc-reporting")

        let json = StringOutputSink()
        try report.render(options: RenderOptions(format: .json), sink: json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["identities", "chain", "activity"])
        let activity = try #require(object["activity"] as? [[String: Any]])
        #expect(activity.contains { ($0["source_ips"] as? [String]) == ["203.0.113.9"] })
        let chain = try #require(object["chain"] as? [[String: Any]])
        #expect(chain.last?["link"] as? String == "origin")

        let lines = StringOutputSink()
        try report.render(options: RenderOptions(format: .jsonl), sink: lines)
        let sections = lines.text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["section"] as? String
        }
        #expect(Set(sections) == ["identities", "chain", "activity"])

        let table = StringOutputSink()
        try report.render(options: RenderOptions(format: .table), sink: table)
        #expect(table.text.contains("== Credential chains: each key back to its origin =="))

        let csv = StringOutputSink()
        try report.render(options: RenderOptions(format: .csv), sink: csv, section: "chain")
        #expect(csv.text.hasPrefix("subject,step,link,arn,access_key_id,time,event_id,detail\r\n"))
        #expect { try report.render(options: RenderOptions(format: .csv), sink: StringOutputSink()) } throws: { "\($0)".contains("--section") }
        #expect { try report.render(options: RenderOptions(format: .table), sink: StringOutputSink(), section: "who") } throws: {
            "\($0)".contains("no principal section 'who'")
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: otrfCapture)))
    func realEC2CredentialTheftCapture() throws {
        // OTRF's EC2 proxy / S3 exfiltration capture: ec2.amazonaws.com issued five instance-role
        // keys; one of them (instance i-0317f6c6b66ae9c40's) then listed and read S3 from 1.2.3.4.
        // The Logstash export has no eventTime (only "@timestamp"), so times are not known here.
        let c = try Case()
        try c.importPaths([otrfCapture])
        let db = try c.idDatabase()
        #expect(try c.count("SELECT count(*) FROM credential_grants WHERE invoked_by = 'ec2.amazonaws.com' AND issued_at IS NULL") == 5)
        #expect(try db.scalar("SELECT expiration FROM credential_grants WHERE access_key_id = 'ASIA5FLZVX4OPVKKVBMX'").stringValue == "2020-09-14T07:10:27Z")
        let stolen = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIA5FLZVX4OPVKKVBMX"))
        #expect(stolen.links.map(\.kind) == [.session, .grant, .awsService, .ec2Instance, .origin])
        #expect(stolen.links[3].detail.contains("IMDSv1"))
        #expect(stolen.origin.kind == .awsService)
        #expect(stolen.origin.name == "i-0317f6c6b66ae9c40")
        #expect(stolen.origin.complete)
        let report = try IdentityResolver.report(db, who: "ASIA5FLZVX4OPVKKVBMX")
        let index = Dictionary(uniqueKeysWithValues: report.activityColumns.enumerated().map { ($1, $0) })
        #expect(report.activity.map { $0[index["operation"]!].stringValue } == ["GetObject", "ListBuckets", "ListObjects"])
        #expect(report.activity.map { $0[index["calls"]!].int64Value } == [2, 2, 7])
        #expect(report.activity.allSatisfy { $0[index["source_ips"]!].stringValue == #"["1.2.3.4"]"# })

        // pedro's console session: no ConsoleLogin in the capture.
        let pedro = try #require(try IdentityResolver.chain(db, accessKeyId: "ASIA5FLZVX4OI4ZDQJOL"))
        #expect(pedro.links.map(\.kind) == [.session, .issuerNotInEvidence, .origin])
        #expect(pedro.links[1].detail.contains("with MFA, from the console"))
        #expect(pedro.origin.kind == .iamUser)
        #expect(pedro.origin.arn == "arn:aws:iam::123456789123:user/pedro")
        #expect(!pedro.origin.complete)
    }
}

/// A real capture in the shared corpus (not copied into Fixtures); the test using it is skipped without it.
let otrfCapture = "/work/shared/real/otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"

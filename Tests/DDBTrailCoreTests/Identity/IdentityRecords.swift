import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

// MARK: - Record builders (names prefixed so they cannot clash with other test files' helpers)

/// A CloudTrail record made by `identity` (a userIdentity JSON object).
func idRecord(_ id: String, at time: String, source: String = "dynamodb.amazonaws.com", name: String = "GetItem",
              identity: String, request: String = #"{"tableName":"Orders","key":{"pk":"a"}}"#, response: String = "null",
              extra: String = "", recipient: String = "111122223333", ip: String = "198.51.100.7", error: String? = nil) -> String {
    let failure = error.map { #","errorCode":"\#($0)","errorMessage":"denied""# } ?? ""
    return #"{"eventVersion":"1.08","userIdentity":\#(identity),"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"eu-west-1","sourceIPAddress":"\#(ip)","userAgent":"aws-cli/2.15.0","requestParameters":\#(request),"responseElements":\#(response)\#(failure),"eventID":"\#(id)","eventType":"AwsApiCall","recipientAccountId":"\#(recipient)"\#(extra)}"#
}

func idUser(_ name: String, account: String, key: String, session: String = "") -> String {
    #"{"type":"IAMUser","principalId":"AIDA\#(name.uppercased().filter(\.isLetter))","arn":"arn:aws:iam::\#(account):user/\#(name)","accountId":"\#(account)","accessKeyId":"\#(key)","userName":"\#(name)"\#(session)}"#
}

func idRole(_ role: String, session: String, account: String, key: String, created: String, extra: String = "", path: String = "") -> String {
    #"{"type":"AssumedRole","principalId":"AROA\#(role.uppercased().filter(\.isLetter)):\#(session)","arn":"arn:aws:sts::\#(account):assumed-role/\#(role)/\#(session)","accountId":"\#(account)","accessKeyId":"\#(key)","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA\#(role.uppercased().filter(\.isLetter))","arn":"arn:aws:iam::\#(account):role/\#(path)\#(role)","accountId":"\#(account)","userName":"\#(role)"},"attributes":{"creationDate":"\#(created)","mfaAuthenticated":"false"}\#(extra)}}"#
}

/// An AssumeRole record whose response issues `issued`.
func idAssumeRole(_ id: String, at time: String, caller: String, role: String, session: String, issued: String,
                  sourceIdentity: String? = nil, recipient: String, expiration: String = "Nov 3, 2026, 6:00:00 AM") -> String {
    let account = role.split(separator: ":")[4]
    let roleName = role.split(separator: "/").last!
    let source = sourceIdentity.map { #","sourceIdentity":"\#($0)""# } ?? ""
    return idRecord(id, at: time, source: "sts.amazonaws.com", name: "AssumeRole", identity: caller,
                    request: #"{"roleArn":"\#(role)","roleSessionName":"\#(session)"\#(source)}"#,
                    response: #"{"credentials":{"accessKeyId":"\#(issued)","sessionToken":"x","expiration":"\#(expiration)"},"assumedRoleUser":{"assumedRoleId":"AROAX:\#(session)","arn":"arn:aws:sts::\#(account):assumed-role/\#(roleName)/\#(session)"}\#(source)}"#,
                    recipient: recipient)
}

func idLog(_ records: [String]) -> [UInt8] { Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8) }

extension Case {
    func idDatabase() throws -> Database { try CaseDatabase.openForQuery(path: dbPath) }

    @discardableResult
    func idImport(_ records: [String], as name: String) throws -> ImportReport {
        let path = directory + "/in/" + name
        try write(idLog(records), to: path)
        return try importPaths([path])
    }
}

/// The userIdentity objects of the shared variants sample, by label.
func identityVariants() throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture("samples/cloudtrail_useridentity_variants.json")))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var result: [String: String] = [:]
    for (label, entry) in object {
        guard let identity = (entry as? [String: Any])?["userIdentity"] else { continue }
        let json = try JSONSerialization.data(withJSONObject: identity, options: [.sortedKeys])
        result[label] = String(decoding: json, as: UTF8.self)
    }
    return result
}

// MARK: - The cross-account role chain used by several tests

/// svc-reporting (account 210987654321, long-term key) assumes role-a in 111122223333 (source
/// identity "jdoe"), whose session assumes role-b back in 210987654321, whose session reads
/// Orders. Each AssumeRole is logged twice, as CloudTrail does for cross-account calls: in the
/// caller's account (full identity) and in the role owner's (type AWSAccount).
enum CrossAccountChain {
    static let user = "arn:aws:iam::210987654321:user/svc-reporting"
    static let userKey = "AKIAEXAMPLESVCREPORT"
    static let keyA = "ASIAEXAMPLEROLEAHOP1"
    static let keyB = "ASIAEXAMPLEROLEBHOP2"
    static let userIdentity = idUser("svc-reporting", account: "210987654321", key: userKey)
    static let sessionA = idRole("role-a", session: "hop1", account: "111122223333", key: keyA, created: "2026-11-03T02:00:00Z",
                                 extra: #","sourceIdentity":"jdoe""#)
    static let sessionB = idRole("role-b", session: "hop2", account: "210987654321", key: keyB, created: "2026-11-03T02:05:00Z",
                                 extra: #","sourceIdentity":"jdoe""#)

    static var grants: [String] {
        [idAssumeRole("hop1", at: "2026-11-03T02:00:00Z", caller: userIdentity, role: "arn:aws:iam::111122223333:role/role-a",
                      session: "hop1", issued: keyA, sourceIdentity: "jdoe", recipient: "210987654321"),
         idAssumeRole("hop1", at: "2026-11-03T02:00:00Z", caller: #"{"type":"AWSAccount","principalId":"AIDASVCREPORTING","accountId":"210987654321"}"#,
                      role: "arn:aws:iam::111122223333:role/role-a", session: "hop1", issued: keyA, sourceIdentity: "jdoe",
                      recipient: "111122223333"),
         idAssumeRole("hop2", at: "2026-11-03T02:05:00Z", caller: sessionA, role: "arn:aws:iam::210987654321:role/role-b",
                      session: "hop2", issued: keyB, sourceIdentity: "jdoe", recipient: "111122223333"),
         idAssumeRole("hop2", at: "2026-11-03T02:05:00Z", caller: #"{"type":"AWSAccount","principalId":"AROAROLEA:hop1","accountId":"111122223333"}"#,
                      role: "arn:aws:iam::210987654321:role/role-b", session: "hop2", issued: keyB, sourceIdentity: "jdoe",
                      recipient: "210987654321")]
    }

    static var calls: [String] {
        [idRecord("b-read", at: "2026-11-03T02:06:00Z", identity: sessionB, recipient: "210987654321", ip: "203.0.113.9"),
         idRecord("b-write", at: "2026-11-03T02:07:00Z", name: "DeleteItem", identity: sessionB, recipient: "210987654321", ip: "203.0.113.9"),
         idRecord("user-list", at: "2026-11-03T01:59:00Z", name: "ListTables", identity: userIdentity, request: "{}", recipient: "210987654321")]
    }
}

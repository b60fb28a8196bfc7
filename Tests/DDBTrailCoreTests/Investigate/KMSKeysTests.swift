import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// KMS evidence per table: the kms-keys investigation and the key findings of control-plane-tampering.
@Suite struct KMSKeysTests {
    static let keyId = "1234abcd-12ab-34cd-56ef-1234567890ab"
    static let key = "arn:aws:kms:eu-west-1:111122223333:key/\(keyId)"
    static let context = #"{"aws:dynamodb:tableName":"Orders","aws:dynamodb:subscriberId":"111122223333"}"#

    /// A KMS record as CloudTrail logs it: the key ARN in resources, keyId as the caller wrote it.
    static func kms(_ id: String, _ time: String, _ name: String, keyRef: String?, user: String, context: String? = nil,
                    invokedBy: String? = nil) -> String {
        var members: [String] = []
        if let keyRef { members.append(#""keyId":"\#(keyRef)""#) }
        if let context { members.append(#""encryptionContext":\#(context)"#) }
        if name.hasPrefix("GenerateDataKey") { members.append(#""keySpec":"AES_256""#) }
        let invoked = invokedBy.map { #","invokedBy":"\#($0)""# } ?? ""
        return #"{"eventVersion":"1.09","eventID":"\#(id)","eventTime":"\#(time)","eventSource":"kms.amazonaws.com","eventName":"\#(name)","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","principalId":"AIDA\#(user.uppercased())","arn":"arn:aws:iam::111122223333:user/\#(user)","accountId":"111122223333","accessKeyId":"AKIA\#(user.uppercased())","userName":"\#(user)"\#(invoked)},"sourceIPAddress":"\#(invokedBy ?? "203.0.113.9")","requestParameters":{\#(members.joined(separator: ","))},"responseElements":null,"resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"\#(key)"}],"eventCategory":"Management","managementEvent":true,"readOnly":\#(name == "Decrypt" || name.hasPrefix("Generate"))}"#
    }

    /// CreateTable naming the key by alias, DynamoDB's Decrypt and GenerateDataKey calls for the
    /// table's users, and mallory turning rotation off, then failing to disable the key.
    func kmsCase() throws -> Case {
        let c = try Case()
        let create = #"{"tableName":"Orders","keySchema":[{"attributeName":"pk","keyType":"HASH"}],"attributeDefinitions":[{"attributeName":"pk","attributeType":"S"}],"billingMode":"PAY_PER_REQUEST","sSESpecification":{"enabled":true,"sSEType":"KMS","kMSMasterKeyId":"alias/orders-key"}}"#
        var records = [event("c1", at: at(0), name: "CreateTable", user: "admin", parameters: create),
                       Self.kms("k0", at(1), "DescribeKey", keyRef: "alias/orders-key", user: "admin", invokedBy: "dynamodb.amazonaws.com"),
                       Self.kms("k1", at(2), "CreateGrant", keyRef: Self.key, user: "admin", invokedBy: "dynamodb.amazonaws.com"),
                       Self.kms("k2", at(60), "GenerateDataKey", keyRef: "alias/orders-key", user: "alice", context: Self.context, invokedBy: "dynamodb.amazonaws.com")]
        records += (0..<3).map { Self.kms("d\($0)", at(120 + $0 * 60), "Decrypt", keyRef: nil, user: "alice", context: Self.context, invokedBy: "dynamodb.amazonaws.com") }
        records += [Self.kms("k3", at(600), "EnableKeyRotation", keyRef: Self.keyId, user: "admin"),
                    Self.kms("k4", at(3600), "DisableKeyRotation", keyRef: Self.keyId, user: "mallory")]
        var denied = Self.kms("k5", at(3660), "DisableKey", keyRef: Self.key, user: "mallory")
        denied = denied.replacingOccurrences(of: #""responseElements":null"#, with: #""responseElements":null,"errorCode":"AccessDenied","errorMessage":"no""#)
        records.append(denied)
        try write(logFile(records), to: c.directory + "/kms.json")
        try c.importPaths([c.directory + "/kms.json"])
        return c
    }

    @Test func kmsKeysListsTheTablesKeyAndWhoUsedOrChangedIt() throws {
        let c = try kmsCase()
        let rows = try investigate(c, "kms-keys")
        let summary = rows.map { "\($0["event_name"]!.stringValue!) \($0["access_key_id"]?.stringValue ?? "-") \($0["calls"]!.int64Value!) \($0["failed"]!.int64Value!)" }
        #expect(summary == ["CreateTable AKIAADMIN 1 0", "CreateGrant AKIAADMIN 1 0", "GenerateDataKey AKIAALICE 1 0",
                            "Decrypt AKIAALICE 3 0", "EnableKeyRotation AKIAADMIN 1 0", "DisableKeyRotation AKIAMALLORY 1 0",
                            "DisableKey AKIAMALLORY 1 1"])
        // The alias of CreateTable and the bare key id of the rotation calls both resolve to the key ARN.
        #expect(Set(rows.map { $0["key_arn"]!.stringValue! }) == [Self.key])
        #expect(Set(rows.map { $0["table"]!.stringValue! }) == ["Orders"])
        #expect(rows.first?["tied_by"]?.stringValue?.split(separator: ",").sorted() == ["encryption-context", "sse-setting"])
        #expect(rows.allSatisfy { $0["rotation"]?.stringValue == "disabled at \(at(3600))" })
        let decrypt = rows.first { $0["event_name"]?.stringValue == "Decrypt" }
        #expect(decrypt?["first_seen"]?.stringValue == at(120))
        #expect(decrypt?["last_seen"]?.stringValue == at(240))
        #expect(decrypt?["principal_arn"]?.stringValue == "arn:aws:iam::111122223333:user/alice")
        #expect(try investigate(c, "kms-keys", ["table": "Orders"]).count == rows.count)
        #expect(try investigate(c, "kms-keys", ["table": "Customers"]).isEmpty)
    }

    @Test func rotationOffOnATablesKeyIsAHighTamperingFinding() throws {
        let c = try kmsCase()
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let findings = try Detections.run(db, catalog: QueryCatalog(), settings: Detections.Settings(), only: ["control-plane-tampering"])
        let columns = Detections.columns
        func value(_ row: [SQLValue], _ name: String) -> String? { row[columns.firstIndex(of: name)!].stringValue }
        let rotation = findings.filter { value($0, "title")?.hasPrefix("KMS key rotation disabled") == true }
        #expect(rotation.count == 1)
        guard let finding = rotation.first else { return }
        #expect(value(finding, "rule") == "table-kms-key-changed")
        #expect(value(finding, "severity") == "high")
        #expect(value(finding, "principal_arn") == "arn:aws:iam::111122223333:user/mallory")
        #expect(value(finding, "table") == "Orders")
        #expect(value(finding, "window_start") == at(3600))
        #expect(value(finding, "window_end") == at(3600))
        #expect(value(finding, "evidence_event_ids") == #"["k4"]"#)
        #expect(value(finding, "drill_down")?.hasPrefix("ddbtrail investigate principal-activity --param principal=AKIAMALLORY") == true)
        // The failed DisableKey is an attempt, one severity lower; turning rotation on is no finding.
        let attempt = findings.first { value($0, "evidence_event_ids") == #"["k5"]"# }
        #expect(attempt.map { value($0, "severity") } == "medium")
        #expect(!findings.contains { value($0, "evidence_event_ids") == #"["k3"]"# })
    }

    /// The key is tied to the table by CreateTable's SSE settings alone (no KMS call names the table).
    @Test func sseSettingsAloneTieAKeyToItsTable() throws {
        let c = try Case()
        let create = #"{"tableName":"Ledger","keySchema":[{"attributeName":"pk","keyType":"HASH"}],"SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"\#(Self.key)"}}"#
        try write(logFile([event("c1", at: at(0), name: "CreateTable", table: "Ledger", user: "admin", parameters: create),
                           Self.kms("k1", at(60), "ScheduleKeyDeletion", keyRef: Self.keyId, user: "mallory")]),
                  to: c.directory + "/a.json")
        try c.importPaths([c.directory + "/a.json"])
        let rows = try investigate(c, "kms-keys")
        #expect(rows.map { "\($0["table"]!.stringValue!) \($0["tied_by"]!.stringValue!) \($0["event_name"]!.stringValue!)" }
                == ["Ledger sse-setting CreateTable", "Ledger sse-setting ScheduleKeyDeletion"])
        let tampering = try investigate(c, "control-plane-tampering")
        #expect(tampering.map { "\($0["severity"]!.stringValue!) \($0["table"]!.stringValue!)" } == ["high Ledger"])
    }
}

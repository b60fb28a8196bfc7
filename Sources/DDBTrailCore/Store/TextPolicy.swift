/// Which CloudTrail records keep their text beside the stored file (`event_texts`), besides
/// records unwrapped from another: the calls whose members the case's own derivations and
/// detections read (identity derivation, control-plane and KMS detections, scan segments), so
/// that those read a row instead of decompressing a span of a file for each call. Everything
/// else is read from the stored file when asked for. Either way `event_record(id)` answers.
enum TextPolicy {
    static func keepsText(_ e: NormalisedEvent) -> Bool {
        guard let source = e.eventSource, let name = e.eventName else { return false }
        switch source {
        case "sts.amazonaws.com": return credentialCalls.contains(name)
        case "signin.amazonaws.com": return name == "ConsoleLogin"
        case "kms.amazonaws.com": return true
        case "dynamodb.amazonaws.com": return dynamoDBCalls.contains(name)
        default: return false
        }
    }

    /// STS calls that issue credentials (queries/identity-credential-grants.sql).
    static let credentialCalls: Set<String> = ["AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity",
                                               "GetFederationToken", "GetSessionToken", "AssumeRoot"]
    /// DynamoDB calls whose parameters detections and investigations read (control-plane-tampering,
    /// kms-keys, exfiltration).
    static let dynamoDBCalls: Set<String> = ["CreateTable", "UpdateTable", "UpdateContinuousBackups", "UpdateTimeToLive",
                                             "RestoreTableFromBackup", "RestoreTableToPointInTime", "ExportTableToPointInTime", "Scan"]
}

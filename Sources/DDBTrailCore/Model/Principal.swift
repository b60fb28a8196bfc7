import Foundation

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

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

import Foundation

/// A DynamoDB table, normalised to (account, region, name) whether the evidence named it or
/// gave its ARN.
public struct TableIdentity: Hashable, Sendable {
    public var account: String
    public var region: String
    public var name: String
}

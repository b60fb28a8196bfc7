import DDBTrailSQLite

/// Keyed pseudonyms for personal data in everything ddbtrail prints or bundles (stub: the
/// interface the bundle and the query commands use; the replacement itself comes next).
public final class Pseudonymiser: @unchecked Sendable {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the secret (refusing a file others can read) and learns the case's sensitive values.
    public init(secretPath: String, db: Database) throws {}

    /// A result cell, given its column name.
    public func cell(column: String, _ value: SQLValue) -> SQLValue { value }

    /// A stored CloudTrail record or change record (as in events.raw / changes.raw).
    public func record(_ raw: [UInt8]) -> [UInt8] { raw }

    /// Free text (a command line, a message).
    public func text(_ s: String) -> String { s }

    /// Writes a fresh secret to `path` (mode 0600); refuses an existing file.
    public static func newSecret(path: String) throws {}
}

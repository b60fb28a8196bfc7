import DDBTrailCore
import Foundation

/// A DynamoDB workload whose causes are known, built from AWS's documented shapes rather than
/// from what ddbtrail's matcher expects. Four tables in two regions; the classic API, batches,
/// transactions and PartiQL; failed, no-op and read calls; TTL deletions. Each table's changes
/// arrive the way one consumer would have collected them (Lambda stream events, get-records pages
/// beside a describe-stream, Kinesis records through Lambda), and CloudTrail as S3 log files.
public struct MixedWorkload: Sendable {
    /// What caused a change.
    public enum Cause: Hashable, Sendable {
        /// A CloudTrail call (its eventID); `keyLogged` when that record names this item's key.
        case call(String, keyLogged: Bool)
        /// A Time to Live deletion: no call at all.
        case ttl
    }

    /// The answer key of one generated workload.
    public struct Truth: Sendable, Equatable {
        /// Change record eventID → its cause.
        public var causes: [String: Cause] = [:]
        /// Change record eventID → the call shape and change type, e.g. "UpdateItem INSERT".
        public var kinds: [String: String] = [:]
        /// Keyed changes no evidence can pin on one call: two calls of the same shape on the same
        /// item, in the same second, by different principals.
        public var indistinguishable: Set<String> = []
        /// Key-less changes no evidence can pin on one call: two key-less calls on one table with
        /// the same attribute names, in the same second, by different principals.
        public var ambiguousKeyless: Set<String> = []
        /// CloudTrail records written (duplicates counted once).
        public var events = 0
        /// Files written, relative to the directory.
        public var files: [String] = []
    }

    public static let account = "111122223333"

    /// Writes the evidence under `directory` and returns the truth. The same seed gives the same bytes.
    public static func write(to directory: String, seed: UInt64, steps: Int) throws -> Truth {
        var engine = Engine(seed: seed)
        engine.run(steps: steps)
        var truth = engine.truth
        truth.events = engine.events.count
        truth.files = try engine.deliver(to: directory)
        return truth
    }
}

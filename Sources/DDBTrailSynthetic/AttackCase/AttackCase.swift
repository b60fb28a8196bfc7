/// A generated case with known truth: a week of ordinary DynamoDB traffic in one account, and on
/// its last evening one attack, scripted step by step. It exists to check detections end to end:
/// each step must be found with the right principal and time window, and the baseline around it
/// must raise nothing serious.
///
/// Account 210987654321, region eu-central-1, tables Orders (customerId + orderId, GSI
/// status-createdAt-index), Customers (customerId, no stream), Ledger (accountId + entryId) and
/// Sessions (sessionId, TTL on expiresAt); data events are logged for all four.
///
/// The baseline, from 2026-11-10T00:00:00Z for `days` days:
/// - three Lambda functions on role app-backend (orders-api, customers-api, ledger-writer), whose
///   credentials come from AssumeRole calls by lambda.amazonaws.com renewed about every 12 hours;
///   a call every 40–60 s each by day, every 100–120 s at night, quieter at weekends; about 1% of
///   conditional writes fail their condition and a handful of calls are throttled (never more
///   than one in any 5 minutes); no server errors;
/// - an EC2 instance role (analytics-etl) whose nightly job scans Orders in 4 parallel segments
///   at 02:00 (Customers and Ledger are never scanned);
/// - an administrator signing in through IAM Identity Center (AssumeRoleWithSAML) on working days
///   for a few Describe/List calls from the office. Her first DescribeTable of each table keeps
///   its response (the table description), so that the case holds every key schema; real trails
///   log `responseElements: null` for read-only calls;
/// - IAM user svc-reporting's long-term key, used by a reporting job every day at 06:00;
/// - TTL deletions of expired sessions.
///
/// The attack, on the last day from 22:03:11 on, from 203.0.113.66 with a boto3 user agent the
/// baseline never shows: svc-reporting's key calls GetCallerIdentity and assumes role
/// ops-maintenance, and that session does reconnaissance, a parallel Scan of Customers, edits
/// three Ledger entries, deletes 265 orders, exports Customers to another account's bucket,
/// switches off point-in-time recovery of Orders and disables the Orders stream.
///
/// Evidence written: gzip'd CloudTrail log files in the S3 key layout, one per 5-minute window with
/// activity, and hourly archives of Lambda DynamoDB stream events (NEW_AND_OLD_IMAGES) for Orders,
/// Ledger and Sessions, derived from the same simulated writes (same key, same second, images that
/// follow each request). Everything is drawn from one SplitMix64 stream: the same seed and days
/// give the same bytes.
public enum AttackCase {
    /// One step of the attack: the CloudTrail events that make it up and the changes they caused.
    public struct Step: Sendable, Equatable {
        public var name: String
        /// Time of the step's first and last event, ISO 8601 UTC (`2026-11-16T22:03:11Z`).
        public var start: String
        public var end: String
        /// The table the step is about; nil when it touches several (recon).
        public var table: String?
        /// CloudTrail eventIDs, in time order.
        public var eventIDs: [String]
        /// Stream eventIDs of the changes the step caused (ledger-tamper and bulk-delete).
        public var streamEventIDs: [String]
    }

    /// What is known about the generated case.
    public struct Truth: Sendable {
        public var account: String
        public var region: String
        /// The leaked long-term key (AKIA…) and the IAM user owning it.
        public var leakedAccessKeyId: String
        public var userArn: String
        /// The temporary key (ASIA…) that AssumeRole returned to the attacker, and its session.
        public var sessionAccessKeyId: String
        public var sessionArn: String
        public var roleArn: String
        public var sourceIP: String
        /// Owner of the bucket Customers was exported to.
        public var foreignAccount: String
        /// recon, scan, ledger-tamper, bulk-delete, export, pitr-disabled, stream-disabled.
        public var steps: [Step]
        /// CloudTrail records written (each event once) and stream records written.
        public var cloudTrailRecords: Int
        public var streamRecords: Int
        /// Of the stream records, TTL deletions.
        public var ttlRemoves: Int
        /// Files written and their size on disk.
        public var files: Int
        public var bytes: Int

        public func step(_ name: String) -> Step? { steps.first { $0.name == name } }
    }

    public static let account = "210987654321"
    public static let region = "eu-central-1"
    public static let attackerIP = "203.0.113.66"
    public static let foreignAccount = "999988887777"
    public static let exportBucket = "exfil-drop-7731"
    public static let stepNames = ["recon", "scan", "ledger-tamper", "bulk-delete", "export", "pitr-disabled", "stream-disabled"]

    /// Writes the case into `directory` (created if missing) and returns its truth. `days` (2–60)
    /// is the length of the baseline; the attack is on its last day.
    public static func write(to directory: String, seed: UInt64 = 1, days: Int = 7) throws -> Truth {
        precondition((2...60).contains(days), "days must be between 2 and 60, got \(days)")
        var builder = Builder(seed: seed, days: days)
        builder.run()
        return try builder.write(to: directory)
    }
}

import DDBTrailCore
import Foundation

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

extension AttackCase {
    typealias RNG = CorpusGenerator.SplitMix64
    typealias Text = CorpusGenerator.JSONText
    typealias UTC = CorpusGenerator.UTC
    typealias TLS = CorpusGenerator.TLSProfile

    // MARK: - Who calls

    /// A caller as CloudTrail shows it: the rendered `userIdentity` of one set of credentials and
    /// the client details that go with it. (CorpusGenerator's Principal cannot express a SAML user
    /// or a role with a path, which Identity Center roles have.)
    final class Actor: Sendable, RecordCaller {
        let identity: [UInt8]
        let accessKeyId: String
        let arn: String
        let userAgent: String
        let tls: TLS?
        let vpcEndpointId: String?
        /// Addresses the caller's requests come from; one is picked per call.
        let addresses: [String]

        init(identity: String, accessKeyId: String = "", arn: String = "", userAgent: String, tls: TLS?,
             vpcEndpointId: String? = nil, addresses: [String]) {
            self.identity = Array(identity.utf8)
            self.accessKeyId = accessKeyId
            self.arn = arn
            self.userAgent = userAgent
            self.tls = tls
            self.vpcEndpointId = vpcEndpointId
            self.addresses = addresses
        }

        func address(_ rng: inout RNG) -> String {
            addresses.count == 1 ? addresses[0] : addresses[rng.below(addresses.count)]
        }

        // RecordCaller: `emit` passes the address it picks per call.
        var sourceIP: String { addresses[0] }
        var isCLI: Bool { false }
        var account: String { AttackCase.account }
        func appendIdentity(to out: inout Text, at time: Int) { out.raw(identity) }

        /// An AWS service calling on the account's behalf (no tlsDetails, its name as address and agent).
        static func service(_ name: String) -> Actor {
            Actor(identity: #"{"type":"AWSService","invokedBy":\#(jsonString(name))}"#, userAgent: name, tls: nil, addresses: [name])
        }

        static func iamUser(name: String, principalId: String, accessKeyId: String, address: String, userAgent: String, tls: TLS) -> Actor {
            let arn = "arn:aws:iam::\(AttackCase.account):user/\(name)"
            return Actor(identity: #"{"type":"IAMUser","principalId":\#(jsonString(principalId)),"arn":\#(jsonString(arn)),"accountId":"\#(AttackCase.account)","accessKeyId":\#(jsonString(accessKeyId)),"userName":\#(jsonString(name))}"#,
                         accessKeyId: accessKeyId, arn: arn, userAgent: userAgent, tls: tls, addresses: [address])
        }

        /// A role session; `created` is the time of the AssumeRole* call that issued its key.
        static func roleSession(_ role: Role, session: String, accessKeyId: String, created: Int, addresses: [String],
                                userAgent: String, tls: TLS, vpcEndpointId: String? = nil, extraContext: String = "",
                                inScopeOf: String? = nil) -> Actor {
            let arn = "arn:aws:sts::\(AttackCase.account):assumed-role/\(role.name)/\(session)"
            var identity = #"{"type":"AssumedRole","principalId":\#(jsonString(role.id + ":" + session)),"arn":\#(jsonString(arn)),"accountId":"\#(AttackCase.account)","accessKeyId":\#(jsonString(accessKeyId)),"#
            identity += #""sessionContext":{"sessionIssuer":{"type":"Role","principalId":\#(jsonString(role.id)),"arn":\#(jsonString(role.arn)),"accountId":"\#(AttackCase.account)","userName":\#(jsonString(role.name))},"#
            identity += #""webIdFederationData":{},"attributes":{"creationDate":"\#(UTC.iso(created))","mfaAuthenticated":"false"}\#(extraContext)}"#
            if let inScopeOf { identity += #","inScopeOf":\#(inScopeOf)"# }
            identity += "}"
            return Actor(identity: identity, accessKeyId: accessKeyId, arn: arn, userAgent: userAgent, tls: tls,
                         vpcEndpointId: vpcEndpointId, addresses: addresses)
        }
    }

    struct Role {
        var name: String
        var id: String
        var arn: String

        init(name: String, path: String = "/", id: String) {
            self.name = name
            self.id = id
            arn = "arn:aws:iam::\(AttackCase.account):role\(path)\(name)"
        }
    }

    // MARK: - Tables and items

    enum Table: Int, CaseIterable {
        case orders, customers, ledger, sessions

        var name: String { ["Orders", "Customers", "Ledger", "Sessions"][rawValue] }
        var keyNames: [String] {
            switch self {
            case .orders: ["customerId", "orderId"]
            case .customers: ["customerId"]
            case .ledger: ["accountId", "entryId"]
            case .sessions: ["sessionId"]
            }
        }
        /// Labels of the streams (created long before the evidence starts); Customers has none.
        var streamLabel: String? {
            switch self {
            case .orders: "2026-03-02T09:41:17.522"
            case .customers: nil
            case .ledger: "2026-03-02T09:44:03.107"
            case .sessions: "2026-05-19T14:20:51.940"
            }
        }
        var creationTime: Int {
            switch self {
            case .orders, .customers, .ledger: UTC.seconds(2026, 3, 2, 9, 41 + rawValue, 9 + 7 * rawValue)
            case .sessions: UTC.seconds(2026, 5, 19, 14, 20, 37)
            }
        }
        /// Rough size, for table descriptions.
        var itemCount: Int { [2_418_337, 150_000, 5_804_112, 1_264][rawValue] }
        var itemBytes: Int { [412, 366, 231, 143][rawValue] }
    }

    struct Item {
        /// Key values in key-schema order.
        var key: [String]
        /// Every attribute, keys included, as typed JSON (`{"S":"…"}`).
        var attributes: [String: String]
        var created: Int
        var lastWrite: Int
    }

    /// The live items of a table, with O(1) random picks.
    struct Store {
        private(set) var items: [String: Item] = [:]
        private(set) var ids: [String] = []
        private var slots: [String: Int] = [:]

        var count: Int { ids.count }

        static func id(_ key: [String]) -> String { key.joined(separator: "\u{1F}") }

        subscript(id: String) -> Item? { items[id] }

        mutating func set(_ item: Item) {
            let id = Self.id(item.key)
            if items[id] == nil {
                slots[id] = ids.count
                ids.append(id)
            }
            items[id] = item
        }

        @discardableResult
        mutating func remove(_ id: String) -> Item? {
            guard let item = items.removeValue(forKey: id), let slot = slots.removeValue(forKey: id) else { return nil }
            let last = ids.removeLast()
            if slot < ids.count {
                ids[slot] = last
                slots[last] = slot
            }
            return item
        }

        func random(_ rng: inout RNG) -> Item? { ids.isEmpty ? nil : items[ids[rng.below(ids.count)]] }
    }

    /// Min-heap of pending TTL deletions: (time, tiebreak, session id).
    struct ExpiryHeap {
        private var heap: [(time: Int, order: Int, id: String)] = []
        private var order = 0

        var next: Int? { heap.first?.time }

        mutating func push(_ time: Int, _ id: String) {
            heap.append((time, order, id))
            order += 1
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard less(i, parent) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> (time: Int, id: String) {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < heap.count && less(l, m) { m = l }
                    if r < heap.count && less(r, m) { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
            return (top.time, top.id)
        }

        private func less(_ a: Int, _ b: Int) -> Bool { (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order) }
    }

    // MARK: - Values

    static func s(_ value: String) -> String { #"{"S":\#(jsonString(value))}"# }
    static func n(_ value: String) -> String { #"{"N":"\#(value)"}"# }

    /// Cents as DynamoDB returns a number: no trailing zeros in the fraction.
    static func decimal(cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let whole = abs(cents) / 100, fraction = abs(cents) % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static let conditionFailed = CorpusGenerator.APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")
    static let throttled = CorpusGenerator.APIError(
        code: "ProvisionedThroughputExceededException",
        message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
}

// MARK: - The simulation

extension AttackCase {
    struct Builder {
        enum Source { case dynamodb, sts }
        enum AdminCall { case listTables, describeTable(Table), describeContinuousBackups(Table), describeTimeToLive(Table), listBackups(Table) }
        enum AttackEvent {
            case callerIdentity, assumeRole, listTables, describeTable(Table), describeContinuousBackups(Table), describeTimeToLive(Table)
            case scan(segment: Int, page: Int), tamper(Int), batchDelete(Int), deleteItem(Int), export, disablePITR, disableStream

            var step: String {
                switch self {
                case .callerIdentity, .assumeRole, .listTables, .describeTable, .describeContinuousBackups, .describeTimeToLive: "recon"
                case .scan: "scan"
                case .tamper: "ledger-tamper"
                case .batchDelete, .deleteItem: "bulk-delete"
                case .export: "export"
                case .disablePITR: "pitr-disabled"
                case .disableStream: "stream-disabled"
                }
            }
        }
        enum Kind {
            case functionCredentials(function: Int, period: Int)
            case functionCall(function: Int, period: Int)
            case instanceCredentials(period: Int)
            case etlPage(segment: Int, page: Int, period: Int)
            case report(call: Int)
            case signIn(session: Int)
            case admin(session: Int, call: AdminCall)
            case attack(AttackEvent)
        }
        struct Tick {
            var time: Int
            var order: Int
            var kind: Kind
        }
        struct Function {
            var name: String
            var network: String
            var userAgent: String
            /// Mean seconds between calls at the busiest hour and at night.
            var peakGap: Double
            var nightGap: Double
        }
        struct Record {
            var time: Int
            var bytes: [UInt8]
        }

        static let functions = [
            Function(name: "orders-api", network: "3.122.201.",
                     userAgent: "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                     peakGap: 40, nightGap: 100),
            Function(name: "customers-api", network: "3.122.204.",
                     userAgent: "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                     peakGap: 50, nightGap: 110),
            Function(name: "ledger-writer", network: "18.185.33.",
                     userAgent: "Boto3/1.34.162 md/Botocore#1.34.162 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.162",
                     peakGap: 60, nightGap: 120),
        ]
        static let instanceId = "i-0a1b2c3d4e5f60718"
        /// Seconds after 22:00 of the last day at which the leaked key assumes ops-maintenance.
        static let assumeRoleAt = 3 * 60 + 53
        static let adminUser = "maria.garcia@example.com"
        static let officeIP = "198.51.100.23"
        static let attackerAgent = "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
        static let orderItem = ["customerId", "orderId", "status", "total", "currency", "createdAt", "itemCount"]
        static let ledgerItem = ["accountId", "entryId", "amount", "currency", "memo", "postedAt"]
        static let sessionItem = ["sessionId", "customerId", "createdAt", "expiresAt"]
        static let nextStatus = ["PLACED": "PAID", "PAID": "SHIPPED", "SHIPPED": "DELIVERED"]

        var rng: RNG
        let days: Int
        let start = UTC.seconds(2026, 11, 10)
        let end: Int
        let attackDay: Int
        let tables: [CorpusGenerator.DeployedTable]
        /// The Orders data events name the stream only while it is enabled.
        let ordersTableOnly: CorpusGenerator.Resources
        var ordersStreamEnabled = true

        // Principals.
        let appBackend: Role, analyticsETL: Role, opsMaintenance: Role, adminRole: Role
        let lambda = Actor.service("lambda.amazonaws.com"), ec2 = Actor.service("ec2.amazonaws.com")
        var functionActors: [[Actor]] = []
        var instanceRenewals: [Int] = []
        var instanceActors: [Actor] = []
        var adminActors: [Actor] = []
        let reporting: Actor
        let leakedKey: Actor
        var attacker: Actor?
        let attackSession: String
        let attackSessionKey: String
        let samlQualifier: String
        let samlProvider: String

        // State.
        var ticks: [Tick] = []
        var orders = Store(), ledger = Store(), sessions = Store()
        var expiries = ExpiryHeap()
        var nextOrder = 4_518_000
        var nextEntry = 1
        var nextCustomer = 250_001
        var throttles: [Int] = []
        var described: Set<Int> = []
        var victims: [Item] = []
        var tampered: [Item] = []

        // Output.
        var records: [Record] = []
        var streams: [[Record]] = Array(repeating: [], count: Table.allCases.count)
        var sequences: [UInt64]
        var ttlRemoves = 0
        var stepEvents: [String: [(time: Int, id: String)]] = [:]
        var stepChanges: [String: [String]] = [:]

        init(seed: UInt64, days: Int) {
            var rng = RNG(seed: seed)
            let start = UTC.seconds(2026, 11, 10)
            self.days = days
            end = start + days * 86_400
            let attackDay = start + (days - 1) * 86_400
            self.attackDay = attackDay
            tables = Table.allCases.map { table in
                let model = CorpusGenerator.TableModel(
                    name: table.name, hashKey: .init(name: table.keyNames[0], prefix: "", base: 0),
                    rangeKey: table.keyNames.count > 1 ? .init(name: table.keyNames[1], prefix: "", base: 0) : nil,
                    items: table.itemCount, weight: 1, attributes: [], index: nil, streamLabel: table.streamLabel)
                return CorpusGenerator.DeployedTable(model: model, account: AttackCase.account, region: AttackCase.region, tableId: rng.uuid())
            }
            ordersTableOnly = .one(Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::DynamoDB::Table","ARN":\#(jsonString(tables[0].arn))}"#.utf8))
            func roleId() -> String { "AROA" + rng.characters(17, from: CorpusGenerator.base32) }
            appBackend = Role(name: "app-backend", id: roleId())
            analyticsETL = Role(name: "analytics-etl", id: roleId())
            opsMaintenance = Role(name: "ops-maintenance", id: roleId())
            adminRole = Role(name: "AWSReservedSSO_AdministratorAccess_0123456789abcdef", path: "/aws-reserved/sso.amazonaws.com/", id: roleId())
            let leaked = "AKIA" + rng.characters(16, from: CorpusGenerator.base32)
            let userId = "AIDA" + rng.characters(17, from: CorpusGenerator.base32)
            reporting = Actor.iamUser(name: "svc-reporting", principalId: userId, accessKeyId: leaked, address: "198.51.100.200",
                                      userAgent: "aws-sdk-java/2.25.60 Linux/5.15.0-1066-aws OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/legacy",
                                      tls: .tls12)
            leakedKey = Actor.iamUser(name: "svc-reporting", principalId: userId, accessKeyId: leaked, address: AttackCase.attackerIP,
                                      userAgent: Self.attackerAgent, tls: .modern)
            // botocore names the session after the time it assumes the role.
            attackSession = "botocore-session-\(attackDay + 22 * 3_600 + Self.assumeRoleAt)"
            attackSessionKey = "ASIA" + rng.characters(16, from: CorpusGenerator.base32)
            samlQualifier = rng.characters(27, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "="
            samlProvider = "arn:aws:iam::\(AttackCase.account):saml-provider/AWSSSO_\(rng.characters(16, from: "0123456789abcdef"))_DO_NOT_DELETE"
            sequences = Table.allCases.map { UInt64($0.rawValue + 1) * 100_000_000_000_000 + UInt64(rng.below(1_000_000_000)) * 1_000 }
            self.rng = rng
        }

        // MARK: Schedule

        mutating func add(_ time: Int, _ kind: Kind) {
            guard time >= start && time < end else { return }
            ticks.append(Tick(time: time, order: ticks.count, kind: kind))
        }

        func isWeekend(_ time: Int) -> Bool {
            let weekday = (time / 86_400 + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
            return weekday == 0 || weekday == 6
        }

        /// How busy the applications are, 0 (night) to 1: up from 05:00 UTC, flat 09:00–17:00, down by 21:00.
        func activity(_ time: Int) -> Double {
            let hour = Double(time % 86_400) / 3_600
            var a = hour < 5 || hour > 21 ? 0 : hour < 9 ? (hour - 5) / 4 : hour <= 17 ? 1 : (21 - hour) / 4
            if isWeekend(time) { a *= 0.6 }
            return a
        }

        mutating func schedule() {
            // Lambda functions: credentials from lambda.amazonaws.com, renewed about every 12 hours.
            for (f, function) in Self.functions.enumerated() {
                var renewals: [Int] = []
                var actors: [Actor] = []
                var t = start + 20 + rng.below(900)
                while t < end {
                    let key = "ASIA" + rng.characters(16, from: CorpusGenerator.base32)
                    let addresses = (0..<2).map { _ in function.network + String(10 + rng.below(240)) }
                    actors.append(Actor.roleSession(
                        appBackend, session: function.name, accessKeyId: key, created: t, addresses: addresses,
                        userAgent: function.userAgent, tls: .tls13,
                        inScopeOf: #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:\#(AttackCase.region):\#(AttackCase.account):function:\#(function.name)"}"#))
                    add(t, .functionCredentials(function: f, period: renewals.count))
                    renewals.append(t)
                    t += 43_200 - 900 + rng.below(900)
                }
                functionActors.append(actors)
                var period = 0
                var call = renewals[0] + 1 + rng.below(4)
                while call < end {
                    while period + 1 < renewals.count && renewals[period + 1] < call { period += 1 }
                    add(call, .functionCall(function: f, period: period))
                    let gap = function.nightGap - (function.nightGap - function.peakGap) * activity(call)
                    call += max(1, Int(rng.exponential(mean: gap)))
                }
            }
            // The ETL instance: role credentials delivered through IMDSv2, renewed about every 6 hours.
            var t = start + 300 + rng.below(1_500)
            while t < end {
                let key = "ASIA" + rng.characters(16, from: CorpusGenerator.base32)
                instanceActors.append(Actor.roleSession(
                    analyticsETL, session: Self.instanceId, accessKeyId: key, created: t, addresses: ["10.20.3.47"],
                    userAgent: "Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#6.1.112-122.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.131",
                    tls: .tls13, vpcEndpointId: "vpce-0f1e2d3c4b5a69788", extraContext: #","ec2RoleDelivery":"2.0""#,
                    inScopeOf: #"{"issuerType":"AWS::EC2::Instance","credentialsIssuedTo":"arn:aws:ec2:\#(AttackCase.region):\#(AttackCase.account):instance/\#(Self.instanceId)"}"#))
                add(t, .instanceCredentials(period: instanceRenewals.count))
                instanceRenewals.append(t)
                t += 21_600 - 600 + rng.below(600)
            }
            for day in 0..<days {
                let midnight = start + day * 86_400
                // Nightly parallel Scan of Orders at 02:00, several pages per segment.
                let period = instanceRenewals.lastIndex { $0 < midnight + 7_200 } ?? 0
                for segment in 0..<4 {
                    var page = midnight + 7_200 + 1 + rng.below(3)
                    for p in 0..<(4 + rng.below(4)) {
                        add(page, .etlPage(segment: segment, page: p, period: period))
                        page += 3 + rng.below(8)
                    }
                }
                // The reporting job at 06:00: a few GSI queries, then a few reads.
                var report = midnight + 6 * 3_600 + 2 + rng.below(20)
                for call in 0..<(5 + rng.below(4)) {
                    add(report, .report(call: call))
                    report += 1 + rng.below(3)
                }
                // The administrator on working days: a morning session, some days another after lunch.
                if !isWeekend(midnight) {
                    var sessionStarts = [midnight + 7 * 3_600 + 1_800 + rng.below(7_200)]
                    if rng.chance(0.4) { sessionStarts.append(midnight + 12 * 3_600 + rng.below(10_800)) }
                    for signIn in sessionStarts { scheduleAdmin(signIn) }
                }
                // A handful of throttled calls in busy hours, far apart.
                for _ in 0..<(rng.chance(0.5) ? 1 : 0) + (rng.chance(0.3) ? 1 : 0) {
                    let time = midnight + 9 * 3_600 + rng.below(8 * 3_600)
                    if !throttles.contains(where: { abs($0 - time) < 1_800 }) { throttles.append(time) }
                }
            }
            throttles.sort()
            scheduleAttack()
        }

        var describeRotation = 0

        mutating func scheduleAdmin(_ signIn: Int) {
            let session = adminActors.count
            adminActors.append(Actor.roleSession(
                adminRole, session: Self.adminUser, accessKeyId: "ASIA" + rng.characters(16, from: CorpusGenerator.base32),
                created: signIn, addresses: [Self.officeIP],
                userAgent: "aws-cli/2.18.4 md/awscrt#0.21.5 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off",
                tls: .modern))
            add(signIn, .signIn(session: session))
            var calls: [AdminCall] = [.describeTable(Table(rawValue: describeRotation % 4)!)]
            describeRotation += 1
            let others: [AdminCall] = [.listTables, .describeContinuousBackups(.orders), .describeContinuousBackups(.ledger),
                                       .describeTimeToLive(.sessions), .listBackups(.orders), .listBackups(.customers),
                                       .describeTable(.orders)]
            for _ in 0..<(1 + rng.below(4)) { calls.append(others[rng.below(others.count)]) }
            if let list = calls.firstIndex(where: { if case .listTables = $0 { true } else { false } }) {
                calls.insert(calls.remove(at: list), at: 0)
            }
            var t = signIn + 20 + rng.below(40)
            for call in calls {
                add(t, .admin(session: session, call: call))
                t += 15 + rng.below(200)
            }
        }

        mutating func scheduleAttack() {
            let base = attackDay + 22 * 3_600
            func at(_ seconds: Int, _ event: AttackEvent) { add(base + seconds, .attack(event)) }
            func jitter(_ n: Int) -> Int { rng.below(n + 1) }
            // recon 22:03:11–22:07
            at(191, .callerIdentity)
            at(Self.assumeRoleAt, .assumeRole)
            var t = 266 + jitter(6)
            at(t, .listTables)
            for table in Table.allCases {
                t += 3 + jitter(4)
                at(t, .describeTable(table))
            }
            at(338 + jitter(4), .describeContinuousBackups(.orders))
            at(346 + jitter(4), .describeContinuousBackups(.customers))
            at(395 + jitter(5), .describeTimeToLive(.sessions))
            at(428 + jitter(6), .describeTimeToLive(.orders))
            // scan 22:09–22:12: four segments side by side, 5–7 pages each.
            for segment in 0..<4 {
                var page = 540 + jitter(3)
                for p in 0..<(5 + rng.below(3)) {
                    at(page, .scan(segment: segment, page: p))
                    page += 15 + rng.below(10)
                }
            }
            // ledger-tamper ~22:15
            at(902, .tamper(0))
            at(921 + jitter(5), .tamper(1))
            at(944 + jitter(6), .tamper(2))
            // bulk-delete 22:20–22:24: 10 BatchWriteItem of 25 deletes, then 15 DeleteItem.
            for i in 0..<10 { at(1_203 + i * 13 + jitter(3), .batchDelete(i)) }
            for i in 0..<15 { at(1_350 + i * 6 + jitter(2), .deleteItem(i)) }
            at(27 * 60 + 14 + jitter(5), .export)
            at(30 * 60 + 21 + jitter(5), .disablePITR)
            at(33 * 60 + 5 + jitter(5), .disableStream)
        }

        // MARK: Run

        mutating func run() {
            schedule()
            ticks.sort { ($0.time, $0.order) < ($1.time, $1.order) }
            // Sessions created in the hours before the evidence starts expire during its first hours.
            for _ in 0..<45 {
                let created = start - 3 * 3_600 + rng.below(3 * 3_600)
                let session = newSession(created: created)
                sessions.set(session)
                expiries.push(expiry(of: created), Store.id(session.key))
            }
            for tick in ticks {
                expireSessions(through: tick.time)
                process(tick)
            }
            expireSessions(through: end - 1)
        }

        mutating func process(_ tick: Tick) {
            let t = tick.time
            switch tick.kind {
            case .functionCredentials(let f, let period):
                assumeRoleByService(lambda, role: appBackend, session: Self.functions[f].name, key: functionActors[f][period].accessKeyId,
                                    time: t, duration: 43_200)
            case .functionCall(let f, let period):
                let actor = functionActors[f][period]
                switch f {
                case 0: ordersAPI(actor, t)
                case 1: customersAPI(actor, t)
                default: ledgerWriter(actor, t)
                }
            case .instanceCredentials(let period):
                assumeRoleByService(ec2, role: analyticsETL, session: Self.instanceId, key: instanceActors[period].accessKeyId,
                                    time: t, duration: nil)
            case .etlPage(let segment, let page, let period):
                var parameters = #"{"tableName":"Orders","totalSegments":4,"segment":\#(segment)"#
                if page > 0 { parameters += #","exclusiveStartKey":\#(plainKey(.orders, randomOrderKey()))"# }
                parameters += #","returnConsumedCapacity":"TOTAL"}"#
                emit(instanceActors[period], t, "Scan", parameters: parameters, readOnly: true, table: .orders, data: true)
            case .report(let call):
                reportingJob(call, t)
            case .signIn(let session):
                signIn(session, t)
            case .admin(let session, let call):
                admin(call, actor: adminActors[session], t)
            case .attack(let event):
                attack(event, t)
            }
        }

        // MARK: CloudTrail records

        func resources(_ table: Table) -> CorpusGenerator.Resources {
            table == .orders && !ordersStreamEnabled ? ordersTableOnly : tables[table.rawValue].resources
        }

        /// Writes one CloudTrail record (field order of eventVersion 1.08–1.11) and returns its eventID.
        @discardableResult
        mutating func emit(_ actor: Actor, _ time: Int, _ name: String, source: Source = .dynamodb, parameters: String = "null",
                           response: String = "null", error: CorpusGenerator.APIError? = nil, readOnly: Bool,
                           table: Table? = nil, resources explicit: CorpusGenerator.Resources? = nil, data: Bool = false) -> String {
            let version: StaticString = data ? "1.09" : source == .sts ? "1.08" : "1.11"
            var out = Text(capacity: 1_800)
            out.beginRecord(version: version, identity: actor, time: time,
                            source: source == .sts ? "sts.amazonaws.com" : "dynamodb.amazonaws.com", name: name,
                            region: AttackCase.region, sourceIP: actor.address(&rng), error: error)
            out.raw(parameters)
            out.beginResponseElements()
            out.raw(response)
            let requestID = source == .sts ? rng.uuid() : rng.dynamoRequestID()
            let eventID = rng.uuid()
            out.endRecord(version: version, identity: actor, requestID: requestID, eventID: eventID, readOnly: readOnly,
                          resources: explicit ?? table.map({ resources($0) }) ?? .none,
                          apiVersion: source == .dynamodb ? "2012-08-10" : nil, management: !data, recipient: AttackCase.account,
                          tlsHost: (source == .sts ? "sts." : "dynamodb.") + AttackCase.region + ".amazonaws.com",
                          vpcEndpointId: source == .dynamodb ? actor.vpcEndpointId : nil)
            records.append(Record(time: time, bytes: out.bytes))
            return eventID
        }

        func plainKey(_ table: Table, _ key: [String]) -> String {
            "{" + zip(table.keyNames, key).map { "\(jsonString($0)):\(jsonString($1))" }.joined(separator: ",") + "}"
        }

        func roleResource(_ role: Role) -> CorpusGenerator.Resources {
            .one(Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::IAM::Role","ARN":\#(jsonString(role.arn))}"#.utf8))
        }

        func credentials(_ key: String, expiration: Int, token: String) -> String {
            var text = Text(capacity: 40)
            text.javaTime(expiration)
            return #"{"accessKeyId":"\#(key)","sessionToken":"\#(token)","expiration":"\#(String(decoding: text.bytes, as: UTF8.self))"}"#
        }

        mutating func sessionToken() -> String { "IQoJb3JpZ2luX2VjE" + rng.characters(120, from: CorpusGenerator.alphanumerics) }

        mutating func assumeRoleByService(_ service: Actor, role: Role, session: String, key: String, time: Int, duration: Int?) {
            let parameters = #"{"roleArn":\#(jsonString(role.arn)),"roleSessionName":\#(jsonString(session))\#(duration.map { ",\"durationSeconds\":\($0)" } ?? "")}"#
            let response = #"{"credentials":\#(credentials(key, expiration: time + (duration ?? 21_600), token: sessionToken())),"assumedRoleUser":{"assumedRoleId":\#(jsonString(role.id + ":" + session)),"arn":"arn:aws:sts::\#(AttackCase.account):assumed-role/\#(role.name)/\#(session)"}}"#
            emit(service, time, "AssumeRole", source: .sts, parameters: parameters, response: response, readOnly: true,
                 resources: roleResource(role))
        }

        // MARK: Stream records

        /// Appends a stream record for a change to `table` (none for Customers, nor for Orders once
        /// its stream is disabled) and returns its eventID. The stream clock rounds down and the
        /// write completes before CloudTrail logs it, so the record is stamped the call's second or
        /// the one before.
        @discardableResult
        mutating func change(_ table: Table, _ type: String, key: [String], old: [String: String]?, new: [String: String]?,
                             at time: Int, ttl: Bool = false) -> String? {
            guard let label = table.streamLabel, table != .orders || ordersStreamEnabled else { return nil }
            let stamped = ttl ? time : time - (rng.below(3) == 0 ? 1 : 0)
            sequences[table.rawValue] += UInt64(1 + rng.below(40)) * 100
            let id = rng.characters(32, from: "0123456789abcdef")
            var out = Text(capacity: 900)
            out.raw(#"{"eventID":""#); out.raw(id)
            out.raw(#"","eventName":""#); out.raw(type)
            out.raw(#"","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":""#); out.raw(AttackCase.region)
            out.raw(#"","dynamodb":{"ApproximateCreationDateTime":"#); out.int(stamped)
            out.raw(#","Keys":{"#)
            for (i, (name, value)) in zip(table.keyNames, key).enumerated() {
                if i > 0 { out.raw(",") }
                out.string(name); out.raw(":"); out.raw(AttackCase.s(value))
            }
            out.raw("}")
            var size = 0
            for (member, image) in [("NewImage", new), ("OldImage", old)] {
                guard let image else { continue }
                out.raw(","); out.string(member); out.raw(":{")
                for (i, name) in image.keys.sorted().enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(name); out.raw(":"); out.raw(image[name]!)
                    size += name.utf8.count + image[name]!.utf8.count - 8
                }
                out.raw("}")
            }
            out.raw(#","SequenceNumber":"4"#); out.padded(Int(sequences[table.rawValue]), width: 20)
            out.raw(#"","SizeBytes":"#); out.int(max(1, size))
            out.raw(#","StreamViewType":"NEW_AND_OLD_IMAGES"}"#)
            if ttl { out.raw(#","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}"#) }
            out.raw(#","eventSourceARN":"#); out.string(tables[table.rawValue].arn + "/stream/" + label)
            out.raw("}")
            streams[table.rawValue].append(Record(time: time, bytes: out.bytes))
            return id
        }

        // MARK: Items

        mutating func randomCustomer() -> String { "C-\(100_001 + rng.below(150_000))" }

        mutating func randomOrderKey() -> [String] {
            if let order = orders.random(&rng), rng.chance(0.7) { return order.key }
            return [randomCustomer(), "O-\(3_000_000 + rng.below(1_518_000))"]
        }

        mutating func newSession(created: Int) -> Item {
            let id = rng.characters(32, from: "0123456789abcdef")
            return Item(key: [id], attributes: [
                "sessionId": AttackCase.s(id), "customerId": AttackCase.s(randomCustomer()),
                "createdAt": AttackCase.s(UTC.iso(created)), "expiresAt": AttackCase.n(String(created + 7_200)),
            ], created: created, lastWrite: created)
        }

        /// Sessions live 2 hours; TTL deletes them a few minutes to an hour after they expire.
        mutating func expiry(of created: Int) -> Int { created + 7_200 + 120 + rng.below(3_480) }

        mutating func expireSessions(through time: Int) {
            while let next = expiries.next, next <= time {
                let (when, id) = expiries.pop()
                guard let session = sessions.remove(id) else { continue }
                if change(.sessions, "REMOVE", key: session.key, old: session.attributes, new: nil, at: when, ttl: true) != nil {
                    ttlRemoves += 1
                }
            }
        }

        mutating func throttle(_ time: Int) -> CorpusGenerator.APIError? {
            guard let next = throttles.first, next <= time else { return nil }
            throttles.removeFirst()
            return AttackCase.throttled
        }

        // MARK: Applications

        mutating func ordersAPI(_ actor: Actor, _ t: Int) {
            let error = throttle(t)
            let roll = rng.below(1_000)
            switch roll {
            case 0..<300, 877..<900:
                readOrder(actor, t, error)
            case 300..<470:
                emit(actor, t, "Query", parameters: ##"{"tableName":"Orders","keyConditionExpression":"#c = :c","expressionAttributeNames":{"#c":"customerId"},"limit":20,"scanIndexForward":false}"##,
                     error: error, readOnly: true, table: .orders, data: true)
            case 470..<670:
                // A new order; a failed condition is a client retrying an order it already created.
                let failed = error == nil && rng.chance(0.01)
                let existing = failed ? orders.random(&rng) : nil
                var item = Item(key: [randomCustomer(), "O-\(nextOrder)"], attributes: [:], created: t, lastWrite: t)
                if let existing { item.key = existing.key } else { nextOrder += 1 }
                emit(actor, t, "PutItem",
                     parameters: #"{"tableName":"Orders","key":\#(plainKey(.orders, item.key)),"item":[\#(Self.orderItem.map(jsonString).joined(separator: ","))],"conditionExpression":"attribute_not_exists(orderId)"}"#,
                     error: error ?? (existing != nil ? AttackCase.conditionFailed : nil), readOnly: false, table: .orders, data: true)
                guard error == nil, existing == nil else { return }
                item.attributes = [
                    "customerId": AttackCase.s(item.key[0]), "orderId": AttackCase.s(item.key[1]), "status": AttackCase.s("PLACED"),
                    "total": AttackCase.n(AttackCase.decimal(cents: 499 + rng.below(40_000))), "currency": AttackCase.s("EUR"),
                    "createdAt": AttackCase.s(UTC.iso(t)), "itemCount": AttackCase.n(String(1 + rng.below(6))),
                ]
                orders.set(item)
                change(.orders, "INSERT", key: item.key, old: nil, new: item.attributes, at: t)
            case 670..<870:
                // Status updates move recent orders along PLACED → PAID → SHIPPED → DELIVERED.
                guard var order = pickOrder(t, where: { Self.nextStatus[$0] != nil }) else { return readOrder(actor, t, error) }
                let status = order.attributes["status"].flatMap(statusValue) ?? "PLACED"
                let failed = error == nil && rng.chance(0.01)
                emit(actor, t, "UpdateItem",
                     parameters: ##"{"tableName":"Orders","key":\##(plainKey(.orders, order.key)),"updateExpression":"SET #st = :st, #u = :u","conditionExpression":"#st = :expected","expressionAttributeNames":{"#st":"status","#u":"updatedAt"},"returnValues":"UPDATED_NEW"}"##,
                     error: error ?? (failed ? AttackCase.conditionFailed : nil), readOnly: false, table: .orders, data: true)
                guard error == nil, !failed else { return }
                let old = order.attributes
                order.attributes["status"] = AttackCase.s(Self.nextStatus[status]!)
                order.attributes["updatedAt"] = AttackCase.s(UTC.iso(t))
                order.lastWrite = t
                orders.set(order)
                change(.orders, "MODIFY", key: order.key, old: old, new: order.attributes, at: t)
            case 870..<877:
                // A customer cancels an order that has not been paid.
                guard let order = pickOrder(t, where: { $0 == "PLACED" }) else { return readOrder(actor, t, error) }
                let failed = error == nil && rng.chance(0.01)
                emit(actor, t, "DeleteItem",
                     parameters: ##"{"tableName":"Orders","key":\##(plainKey(.orders, order.key)),"conditionExpression":"#st = :placed","expressionAttributeNames":{"#st":"status"}}"##,
                     error: error ?? (failed ? AttackCase.conditionFailed : nil), readOnly: false, table: .orders, data: true)
                guard error == nil, !failed else { return }
                orders.remove(Store.id(order.key))
                change(.orders, "REMOVE", key: order.key, old: order.attributes, new: nil, at: t)
            default:
                emit(actor, t, "GetItem",
                     parameters: ##"{"tableName":"Customers","key":{"customerId":\##(jsonString(randomCustomer()))},"projectionExpression":"#e, #n, #t","expressionAttributeNames":{"#e":"email","#n":"name","#t":"tier"}}"##,
                     error: error, readOnly: true, table: .customers, data: true)
            }
        }

        mutating func readOrder(_ actor: Actor, _ t: Int, _ error: CorpusGenerator.APIError?) {
            let key = randomOrderKey()
            let consistent = rng.chance(0.3) ? #","consistentRead":true"# : ""
            emit(actor, t, "GetItem", parameters: #"{"tableName":"Orders","key":\#(plainKey(.orders, key))\#(consistent)}"#,
                 error: error, readOnly: true, table: .orders, data: true)
        }

        func statusValue(_ typed: String) -> String? {
            guard typed.hasPrefix(#"{"S":""#), typed.hasSuffix("\"}") else { return nil }
            return String(typed.dropFirst(6).dropLast(2))
        }

        /// A live order created at least 5 minutes ago and not written in the last minute whose
        /// status passes `accept`, or nil after a few tries.
        mutating func pickOrder(_ t: Int, where accept: (String) -> Bool) -> Item? {
            for _ in 0..<8 {
                guard let order = orders.random(&rng) else { return nil }
                if order.created <= t - 300, order.lastWrite <= t - 60,
                   let status = order.attributes["status"].flatMap(statusValue), accept(status) {
                    return order
                }
            }
            return nil
        }

        mutating func customersAPI(_ actor: Actor, _ t: Int) {
            let error = throttle(t)
            switch rng.below(1_000) {
            case 0..<400:
                emit(actor, t, "GetItem", parameters: #"{"tableName":"Customers","key":{"customerId":\#(jsonString(randomCustomer()))}}"#,
                     error: error, readOnly: true, table: .customers, data: true)
            case 400..<500:
                emit(actor, t, "UpdateItem",
                     parameters: ##"{"tableName":"Customers","key":{"customerId":\##(jsonString(randomCustomer()))},"updateExpression":"SET #l = :now","expressionAttributeNames":{"#l":"lastLoginAt"}}"##,
                     error: error, readOnly: false, table: .customers, data: true)
            case 500..<515:
                let id = "C-\(nextCustomer)"
                nextCustomer += 1
                emit(actor, t, "PutItem",
                     parameters: #"{"tableName":"Customers","key":{"customerId":\#(jsonString(id))},"item":["customerId","email","name","tier","country","createdAt"],"conditionExpression":"attribute_not_exists(customerId)"}"#,
                     error: error, readOnly: false, table: .customers, data: true)
            case 515..<860:
                let failed = error == nil && rng.chance(0.01)
                let existing = failed ? sessions.random(&rng) : nil
                var session = newSession(created: t)
                if let existing { session.key = existing.key }
                emit(actor, t, "PutItem",
                     parameters: #"{"tableName":"Sessions","key":{"sessionId":\#(jsonString(session.key[0]))},"item":[\#(Self.sessionItem.map(jsonString).joined(separator: ","))],"conditionExpression":"attribute_not_exists(sessionId)"}"#,
                     error: error ?? (existing != nil ? AttackCase.conditionFailed : nil), readOnly: false, table: .sessions, data: true)
                guard error == nil, existing == nil else { return }
                sessions.set(session)
                expiries.push(expiry(of: t), Store.id(session.key))
                change(.sessions, "INSERT", key: session.key, old: nil, new: session.attributes, at: t)
            default:
                let key = sessions.random(&rng)?.key ?? [rng.characters(32, from: "0123456789abcdef")]
                emit(actor, t, "GetItem", parameters: #"{"tableName":"Sessions","key":{"sessionId":\#(jsonString(key[0]))},"consistentRead":true}"#,
                     error: error, readOnly: true, table: .sessions, data: true)
            }
        }

        static let memos = ["settlement", "refund", "card fee", "chargeback", "payout"]

        mutating func ledgerWriter(_ actor: Actor, _ t: Int) {
            let error = throttle(t)
            switch rng.below(1_000) {
            case 0..<400:
                let failed = error == nil && rng.chance(0.01)
                let existing = failed ? ledger.random(&rng) : nil
                let account = "ACC-\(1_001 + rng.below(300))"
                let entry = "E-\(UTC.compact(t, seconds: true))-" + String(String(nextEntry + 1_000_000).dropFirst())
                let key = existing?.key ?? [account, entry]
                if existing == nil { nextEntry += 1 }
                emit(actor, t, "PutItem",
                     parameters: #"{"tableName":"Ledger","key":\#(plainKey(.ledger, key)),"item":[\#(Self.ledgerItem.map(jsonString).joined(separator: ","))],"conditionExpression":"attribute_not_exists(entryId)"}"#,
                     error: error ?? (existing != nil ? AttackCase.conditionFailed : nil), readOnly: false, table: .ledger, data: true)
                guard error == nil, existing == nil else { return }
                let kind = rng.below(Self.memos.count)
                let cents = (kind == 1 || kind == 3 || kind == 4 ? -1 : 1) * (kind == 2 ? 25 + rng.below(400) : 499 + rng.below(60_000))
                let memo = kind == 4 ? "payout \(UTC.iso(t).prefix(10))" : "\(Self.memos[kind]) O-\(nextOrder - 1 - rng.below(500))"
                let item = Item(key: key, attributes: [
                    "accountId": AttackCase.s(key[0]), "entryId": AttackCase.s(key[1]),
                    "amount": AttackCase.n(AttackCase.decimal(cents: cents)), "currency": AttackCase.s("EUR"),
                    "memo": AttackCase.s(memo), "postedAt": AttackCase.s(UTC.iso(t)),
                ], created: t, lastWrite: t)
                ledger.set(item)
                change(.ledger, "INSERT", key: key, old: nil, new: item.attributes, at: t)
            case 400..<750:
                emit(actor, t, "Query",
                     parameters: ##"{"tableName":"Ledger","keyConditionExpression":"#a = :a AND #e > :since","expressionAttributeNames":{"#a":"accountId","#e":"entryId"},"limit":100}"##,
                     error: error, readOnly: true, table: .ledger, data: true)
            default:
                let key = ledger.random(&rng)?.key ?? ["ACC-\(1_001 + rng.below(300))", "E-20261109T235959Z-000001"]
                emit(actor, t, "GetItem", parameters: #"{"tableName":"Ledger","key":\#(plainKey(.ledger, key)),"consistentRead":true}"#,
                     error: error, readOnly: true, table: .ledger, data: true)
            }
        }

        mutating func reportingJob(_ call: Int, _ t: Int) {
            if call < 3 {
                let limit = call == 2 ? #","limit":500"# : ""
                emit(reporting, t, "Query",
                     parameters: ##"{"tableName":"Orders","indexName":"status-createdAt-index","keyConditionExpression":"#s = :s AND #c BETWEEN :from AND :to","expressionAttributeNames":{"#s":"status","#c":"createdAt"}\##(limit)}"##,
                     readOnly: true, table: .orders, data: true)
            } else {
                emit(reporting, t, "GetItem", parameters: #"{"tableName":"Orders","key":\#(plainKey(.orders, randomOrderKey()))}"#,
                     readOnly: true, table: .orders, data: true)
            }
        }

        // MARK: The administrator

        mutating func signIn(_ session: Int, _ t: Int) {
            let actor = adminActors[session]
            let user = Self.adminUser
            let saml = Actor(identity: #"{"type":"SAMLUser","principalId":\#(jsonString(samlQualifier + ":" + user)),"userName":\#(jsonString(user)),"identityProvider":\#(jsonString(samlQualifier))}"#,
                             userAgent: actor.userAgent, tls: actor.tls, addresses: [Self.officeIP])
            let parameters = #"{"sAMLAssertionID":"_\#(rng.characters(36, from: "0123456789abcdef"))","roleSessionName":\#(jsonString(user)),"durationSeconds":3600,"roleArn":\#(jsonString(adminRole.arn)),"principalArn":\#(jsonString(samlProvider))}"#
            let response = #"{"subjectType":"persistent","issuer":"https://portal.sso.\#(AttackCase.region).amazonaws.com/saml/assertion/\#(samlQualifier.dropLast())","credentials":\#(credentials(actor.accessKeyId, expiration: t + 3_600, token: sessionToken())),"nameQualifier":\#(jsonString(samlQualifier)),"assumedRoleUser":{"assumedRoleId":\#(jsonString(adminRole.id + ":" + user)),"arn":\#(jsonString(actor.arn))},"subject":\#(jsonString(user)),"audience":"https://signin.aws.amazon.com/saml"}"#
            let resources = CorpusGenerator.Resources.many([
                Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::IAM::SAMLProvider","ARN":\#(jsonString(samlProvider))}"#.utf8),
                Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::IAM::Role","ARN":\#(jsonString(adminRole.arn))}"#.utf8),
            ])
            emit(saml, t, "AssumeRoleWithSAML", source: .sts, parameters: parameters, response: response, readOnly: true, resources: resources)
        }

        mutating func admin(_ call: AdminCall, actor: Actor, _ t: Int) {
            switch call {
            case .listTables:
                emit(actor, t, "ListTables", readOnly: true)
            case .describeTable(let table):
                // The first description of each table is kept with its response (key schema and all).
                let response = described.insert(table.rawValue).inserted ? #"{"table":\#(tableDescription(table, status: "ACTIVE"))}"# : "null"
                emit(actor, t, "DescribeTable", parameters: #"{"tableName":"\#(table.name)"}"#, response: response, readOnly: true, table: table)
            case .describeContinuousBackups(let table):
                emit(actor, t, "DescribeContinuousBackups", parameters: #"{"tableName":"\#(table.name)"}"#, readOnly: true, table: table)
            case .describeTimeToLive(let table):
                emit(actor, t, "DescribeTimeToLive", parameters: #"{"tableName":"\#(table.name)"}"#, readOnly: true, table: table)
            case .listBackups(let table):
                emit(actor, t, "ListBackups", parameters: #"{"tableName":"\#(table.name)","backupType":"ALL"}"#, readOnly: true, table: table)
            }
        }

        /// A table description as DescribeTable/UpdateTable return it.
        func tableDescription(_ table: Table, status: String) -> String {
            let deployed = tables[table.rawValue]
            var definitions = table.keyNames
            if table == .orders { definitions += ["status", "createdAt"] }
            var text = #"{"attributeDefinitions":["# + definitions.sorted().map { #"{"attributeName":"\#($0)","attributeType":"S"}"# }.joined(separator: ",")
            text += #"],"tableName":"\#(table.name)","keySchema":[{"attributeName":"\#(table.keyNames[0])","keyType":"HASH"}"#
            if table.keyNames.count > 1 { text += #",{"attributeName":"\#(table.keyNames[1])","keyType":"RANGE"}"# }
            var created = Text(capacity: 30)
            created.javaTime(table.creationTime)
            text += #"],"tableStatus":"\#(status)","creationDateTime":"\#(String(decoding: created.bytes, as: UTF8.self))""#
            text += #","provisionedThroughput":{"numberOfDecreasesToday":0,"readCapacityUnits":\#([400, 200, 300, 100][table.rawValue]),"writeCapacityUnits":\#([200, 50, 150, 100][table.rawValue])}"#
            text += #","tableSizeBytes":\#(table.itemCount * table.itemBytes),"itemCount":\#(table.itemCount),"tableArn":\#(jsonString(deployed.arn)),"tableId":"\#(deployed.tableId)""#
            if table == .orders {
                text += #","globalSecondaryIndexes":[{"indexName":"status-createdAt-index","keySchema":[{"attributeName":"status","keyType":"HASH"},{"attributeName":"createdAt","keyType":"RANGE"}],"projection":{"projectionType":"ALL"},"indexStatus":"ACTIVE","provisionedThroughput":{"numberOfDecreasesToday":0,"readCapacityUnits":100,"writeCapacityUnits":200},"indexSizeBytes":\#(table.itemCount * table.itemBytes),"itemCount":\#(table.itemCount),"indexArn":\#(jsonString(deployed.arn + "/index/status-createdAt-index"))}]"#
            }
            if let label = table.streamLabel {
                if table != .orders || ordersStreamEnabled {
                    text += #","streamSpecification":{"streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}"#
                }
                text += #","latestStreamLabel":"\#(label)","latestStreamArn":\#(jsonString(deployed.arn + "/stream/" + label))"#
            }
            return text + #","deletionProtectionEnabled":false}"#
        }

        // MARK: The attack

        mutating func attack(_ event: AttackEvent, _ t: Int) {
            let id: String
            var caused: [String] = []
            // Until AssumeRole the leaked key itself calls; then the role session it returned.
            let session = attacker ?? leakedKey
            switch event {
            case .callerIdentity:
                id = emit(leakedKey, t, "GetCallerIdentity", source: .sts, readOnly: true)
            case .assumeRole:
                let actor = Actor.roleSession(opsMaintenance, session: attackSession, accessKeyId: attackSessionKey, created: t,
                                              addresses: [AttackCase.attackerIP], userAgent: Self.attackerAgent, tls: .modern)
                attacker = actor
                let parameters = #"{"roleArn":\#(jsonString(opsMaintenance.arn)),"roleSessionName":"\#(attackSession)"}"#
                let response = #"{"credentials":\#(credentials(attackSessionKey, expiration: t + 3_600, token: sessionToken())),"assumedRoleUser":{"assumedRoleId":\#(jsonString(opsMaintenance.id + ":" + attackSession)),"arn":\#(jsonString(actor.arn))}}"#
                id = emit(leakedKey, t, "AssumeRole", source: .sts, parameters: parameters, response: response, readOnly: true,
                          resources: roleResource(opsMaintenance))
            case .listTables:
                id = emit(session, t, "ListTables", readOnly: true)
            case .describeTable(let table):
                id = emit(session, t, "DescribeTable", parameters: #"{"tableName":"\#(table.name)"}"#, readOnly: true, table: table)
            case .describeContinuousBackups(let table):
                id = emit(session, t, "DescribeContinuousBackups", parameters: #"{"tableName":"\#(table.name)"}"#, readOnly: true, table: table)
            case .describeTimeToLive(let table):
                id = emit(session, t, "DescribeTimeToLive", parameters: #"{"tableName":"\#(table.name)"}"#, readOnly: true, table: table)
            case .scan(let segment, let page):
                var parameters = #"{"tableName":"Customers","totalSegments":4,"segment":\#(segment)"#
                if page > 0 { parameters += #","exclusiveStartKey":{"customerId":"C-\#(100_001 + segment * 37_500 + page * 6_100 + rng.below(6_000))"}"# }
                id = emit(session, t, "Scan", parameters: parameters + "}", readOnly: true, table: .customers, data: true)
            case .tamper(let n):
                if tampered.isEmpty {
                    // Three payouts posted at least a day earlier, in different accounts.
                    var seen = Set<String>()
                    while tampered.count < 3, let entry = ledger.random(&rng) {
                        if entry.created <= t - 86_400, entry.attributes["memo"]?.contains("payout") == true, seen.insert(entry.key[0]).inserted {
                            tampered.append(entry)
                        }
                    }
                }
                var entry = ledger[Store.id(tampered[n].key)]!
                id = emit(session, t, "UpdateItem",
                          parameters: ##"{"tableName":"Ledger","key":\##(plainKey(.ledger, entry.key)),"updateExpression":"SET #amt = :amt, #memo = :memo","expressionAttributeNames":{"#amt":"amount","#memo":"memo"}}"##,
                          readOnly: false, table: .ledger, data: true)
                let old = entry.attributes
                entry.attributes["amount"] = AttackCase.n(AttackCase.decimal(cents: -(1_850_000 + rng.below(600_000))))
                entry.attributes["memo"] = AttackCase.s("payout correction ref \(rng.characters(8, from: CorpusGenerator.upperAlphanumerics))")
                entry.lastWrite = t
                ledger.set(entry)
                if let changeID = change(.ledger, "MODIFY", key: entry.key, old: old, new: entry.attributes, at: t) { caused.append(changeID) }
            case .batchDelete(let n):
                chooseVictims(t)
                let batch = victims[(n * 25)..<(n * 25 + 25)]
                let requests = batch.map { #"{"deleteRequest":{"key":\#(plainKey(.orders, $0.key))}}"# }.joined(separator: ",")
                id = emit(session, t, "BatchWriteItem", parameters: #"{"requestItems":{"Orders":[\#(requests)]}}"#,
                          readOnly: false, table: .orders, data: true)
                for victim in batch { caused += delete(victim, t) }
            case .deleteItem(let n):
                chooseVictims(t)
                let victim = victims[250 + n]
                id = emit(session, t, "DeleteItem", parameters: #"{"tableName":"Orders","key":\#(plainKey(.orders, victim.key))}"#,
                          readOnly: false, table: .orders, data: true)
                caused += delete(victim, t)
            case .export:
                let customers = tables[Table.customers.rawValue]
                let token = rng.uuid()
                let exportArn = "\(customers.arn)/export/0\(t)\(String(1_000 + rng.below(999)).dropFirst())-\(rng.characters(8, from: "0123456789abcdef"))"
                var started = Text(capacity: 30)
                started.javaTime(t)
                let time = String(decoding: started.bytes, as: UTF8.self)
                let parameters = #"{"tableArn":\#(jsonString(customers.arn)),"clientToken":"\#(token)","s3Bucket":"\#(AttackCase.exportBucket)","s3BucketOwner":"\#(AttackCase.foreignAccount)","exportFormat":"DYNAMODB_JSON"}"#
                let response = #"{"exportDescription":{"exportArn":\#(jsonString(exportArn)),"exportStatus":"IN_PROGRESS","startTime":"\#(time)","tableArn":\#(jsonString(customers.arn)),"tableId":"\#(customers.tableId)","exportTime":"\#(time)","clientToken":"\#(token)","s3Bucket":"\#(AttackCase.exportBucket)","s3BucketOwner":"\#(AttackCase.foreignAccount)","s3SseAlgorithm":"AES256","exportFormat":"DYNAMODB_JSON","exportType":"FULL_EXPORT"}}"#
                id = emit(session, t, "ExportTableToPointInTime", parameters: parameters, response: response, readOnly: false, table: .customers)
            case .disablePITR:
                id = emit(session, t, "UpdateContinuousBackups",
                          parameters: #"{"tableName":"Orders","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"#,
                          response: #"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}}"#,
                          readOnly: false, table: .orders)
            case .disableStream:
                ordersStreamEnabled = false
                id = emit(session, t, "UpdateTable", parameters: #"{"tableName":"Orders","streamSpecification":{"streamEnabled":false}}"#,
                          response: #"{"tableDescription":\#(tableDescription(.orders, status: "UPDATING"))}"#, readOnly: false, table: .orders)
            }
            stepEvents[event.step, default: []].append((t, id))
            stepChanges[event.step, default: []] += caused
        }

        /// The 265 orders the attacker deletes: live orders the baseline created, none written in the last hour.
        mutating func chooseVictims(_ t: Int) {
            guard victims.isEmpty else { return }
            var chosen = Set<String>()
            while victims.count < 265 {
                guard let order = orders.random(&rng) else { preconditionFailure("the baseline created too few orders") }
                if order.lastWrite <= t - 3_600, chosen.insert(Store.id(order.key)).inserted { victims.append(order) }
            }
        }

        mutating func delete(_ victim: Item, _ t: Int) -> [String] {
            guard let item = orders.remove(Store.id(victim.key)) else { return [] }
            return change(.orders, "REMOVE", key: item.key, old: item.attributes, new: nil, at: t).map { [$0] } ?? []
        }

        // MARK: Files

        mutating func write(to directory: String) throws -> Truth {
            var files: [(path: String, bytes: [UInt8])] = []
            // CloudTrail: one log file per 5-minute window with activity, delivered a few minutes after it.
            var index = 0
            while index < records.count {
                let window = records[index].time / 300
                var batch: [Record] = []
                while index < records.count && records[index].time / 300 == window {
                    batch.append(records[index])
                    index += 1
                }
                // Records inside a log file are not sorted: move a few a little.
                for i in batch.indices where rng.chance(0.15) {
                    batch.swapAt(i, min(batch.count - 1, i + 1 + rng.below(3)))
                }
                let delivered = window * 300 + 300 + 45 + rng.below(240)
                let name = "\(AttackCase.account)_CloudTrail_\(AttackCase.region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: CorpusGenerator.alphanumerics)).json.gz"
                var out = Text(capacity: batch.reduce(16) { $0 + $1.bytes.count + 1 })
                out.raw(#"{"Records":["#)
                for (i, record) in batch.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.raw(record.bytes)
                }
                out.raw("]}")
                files.append(("AWSLogs/\(AttackCase.account)/CloudTrail/\(AttackCase.region)/\(UTC.folder(delivered))/\(name)", out.bytes))
            }
            // Streams: the archiver function writes each hour's records of a table to one object.
            var streamRecords = 0
            for table in Table.allCases where table.streamLabel != nil {
                let records = streams[table.rawValue]
                streamRecords += records.count
                let folder = "AWSLambda/\(table.name.lowercased())-stream-archiver"
                var index = 0
                while index < records.count {
                    let hour = records[index].time / 3_600 * 3_600
                    var out = Text(capacity: 1 << 16)
                    out.raw("{\"Records\":[")
                    var first = true
                    while index < records.count && records[index].time / 3_600 * 3_600 == hour {
                        if !first { out.raw(",") }
                        first = false
                        out.raw(records[index].bytes)
                        index += 1
                    }
                    out.raw("]}")
                    let name = "\(table.name.lowercased())-stream-archiver-\(UTC.compact(hour, seconds: false))-\(rng.characters(8, from: "0123456789abcdef")).json.gz"
                    files.append(("\(folder)/\(UTC.folder(hour))/\(name)", out.bytes))
                }
            }
            var bytes = 0
            var made = Set<String>()
            for file in files {
                let path = directory + "/" + file.path
                let folder = (path as NSString).deletingLastPathComponent
                if made.insert(folder).inserted {
                    do {
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    } catch {
                        throw GzipWriterError(path: folder, message: "cannot create directory: \(error.localizedDescription)")
                    }
                }
                let writer = try GzipWriter(path: path)
                try writer.write(file.bytes)
                try writer.close()
                bytes += writer.compressedCount
            }
            let steps = AttackCase.stepNames.map { name -> Step in
                let events = stepEvents[name] ?? []
                return Step(name: name, start: UTC.iso(events.map(\.time).min()!), end: UTC.iso(events.map(\.time).max()!),
                            table: ["scan": "Customers", "ledger-tamper": "Ledger", "bulk-delete": "Orders", "export": "Customers",
                                    "pitr-disabled": "Orders", "stream-disabled": "Orders"][name],
                            eventIDs: events.map(\.id), streamEventIDs: stepChanges[name] ?? [])
            }
            return Truth(account: AttackCase.account, region: AttackCase.region, leakedAccessKeyId: leakedKey.accessKeyId,
                         userArn: leakedKey.arn, sessionAccessKeyId: attackSessionKey, sessionArn: attacker!.arn,
                         roleArn: opsMaintenance.arn, sourceIP: AttackCase.attackerIP, foreignAccount: AttackCase.foreignAccount,
                         steps: steps, cloudTrailRecords: records.count, streamRecords: streamRecords, ttlRemoves: ttlRemoves,
                         files: files.count, bytes: bytes)
        }
    }
}

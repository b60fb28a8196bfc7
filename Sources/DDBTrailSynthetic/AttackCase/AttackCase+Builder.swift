import DDBTrailCore

extension AttackCase {
    /// The simulation: it schedules the week (AttackCase+Schedule), then makes one pass over the
    /// ticks, writing CloudTrail records and stream records as it goes (AttackCase+Records,
    /// +Baseline, +Attack), and finally the files and the truth (AttackCase+Files).
    struct Builder {
        // The case's types, so that the Builder's extensions (one file per concern) name them
        // unqualified as the Builder itself does.
        typealias Actor = AttackCase.Actor
        typealias Role = AttackCase.Role
        typealias Table = AttackCase.Table
        typealias Item = AttackCase.Item
        typealias Store = AttackCase.Store
        typealias ExpiryHeap = AttackCase.ExpiryHeap

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

        var rng: SplitMix64
        let days: Int
        let start = UTC.seconds(2026, 11, 10)
        let end: Int
        let attackDay: Int
        let tables: [DeployedTable]
        /// The Orders data events name the stream only while it is enabled.
        let ordersTableOnly: Resources
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
        /// Which table the administrator describes first in her next session.
        var describeRotation = 0

        init(seed: UInt64, days: Int) {
            var rng = SplitMix64(seed: seed)
            let start = UTC.seconds(2026, 11, 10)
            self.days = days
            end = start + days * 86_400
            let attackDay = start + (days - 1) * 86_400
            self.attackDay = attackDay
            tables = Table.allCases.map { table in
                let model = TableModel(
                    name: table.name, hashKey: .init(name: table.keyNames[0], prefix: "", base: 0),
                    rangeKey: table.keyNames.count > 1 ? .init(name: table.keyNames[1], prefix: "", base: 0) : nil,
                    items: table.itemCount, weight: 1, attributes: [], index: nil, streamLabel: table.streamLabel)
                return DeployedTable(model: model, account: AttackCase.account, region: AttackCase.region, tableId: rng.uuid())
            }
            ordersTableOnly = .one(Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::DynamoDB::Table","ARN":\#(jsonString(tables[0].arn))}"#.utf8))
            func roleId() -> String { "AROA" + rng.characters(17, from: Alphabet.base32) }
            appBackend = Role(name: "app-backend", id: roleId())
            analyticsETL = Role(name: "analytics-etl", id: roleId())
            opsMaintenance = Role(name: "ops-maintenance", id: roleId())
            adminRole = Role(name: "AWSReservedSSO_AdministratorAccess_0123456789abcdef", path: "/aws-reserved/sso.amazonaws.com/", id: roleId())
            let leaked = "AKIA" + rng.characters(16, from: Alphabet.base32)
            let userId = "AIDA" + rng.characters(17, from: Alphabet.base32)
            reporting = Actor.iamUser(name: "svc-reporting", principalId: userId, accessKeyId: leaked, address: "198.51.100.200",
                                      userAgent: "aws-sdk-java/2.25.60 Linux/5.15.0-1066-aws OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/legacy",
                                      tls: .tls12)
            leakedKey = Actor.iamUser(name: "svc-reporting", principalId: userId, accessKeyId: leaked, address: AttackCase.attackerIP,
                                      userAgent: Self.attackerAgent, tls: .modern)
            // botocore names the session after the time it assumes the role.
            attackSession = "botocore-session-\(attackDay + 22 * 3_600 + Self.assumeRoleAt)"
            attackSessionKey = "ASIA" + rng.characters(16, from: Alphabet.base32)
            samlQualifier = rng.characters(27, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "="
            samlProvider = "arn:aws:iam::\(AttackCase.account):saml-provider/AWSSSO_\(rng.characters(16, from: "0123456789abcdef"))_DO_NOT_DELETE"
            sequences = Table.allCases.map { UInt64($0.rawValue + 1) * 100_000_000_000_000 + UInt64(rng.below(1_000_000_000)) * 1_000 }
            self.rng = rng
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
    }
}

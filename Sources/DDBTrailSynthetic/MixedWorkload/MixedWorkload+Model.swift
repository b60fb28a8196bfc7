import DDBTrailCore

extension MixedWorkload {
    /// The part of DynamoDB's type system the generated items use.
    indirect enum Value: Equatable, Sendable {
        case s(String), n(String), bool(Bool), null, ss([String]), l([Value]), m([String: Value])

        /// Typed JSON, as stream and Kinesis records carry it.
        var typed: String {
            switch self {
            case .s(let v): return "{\"S\":\(jsonString(v))}"
            case .n(let v): return "{\"N\":\"\(v)\"}"
            case .bool(let v): return "{\"BOOL\":\(v)}"
            case .null: return "{\"NULL\":true}"
            case .ss(let v): return "{\"SS\":[" + v.map(jsonString).joined(separator: ",") + "]}"
            case .l(let v): return "{\"L\":[" + v.map(\.typed).joined(separator: ",") + "]}"
            case .m(let v): return "{\"M\":" + Value.image(v) + "}"
            }
        }

        /// A key value as CloudTrail writes it: plain JSON. How numbers are rendered there is not
        /// documented; a JSON number is assumed.
        var plain: String {
            switch self {
            case .n(let v): return v
            case .s(let v): return jsonString(v)
            default: return typed
            }
        }

        /// A key value as a PartiQL literal in a WHERE clause (strings quoted, numbers bare).
        var partiQL: String {
            switch self {
            case .n(let v): return v
            case .s(let v): return "'" + v.replacingOccurrences(of: "'", with: "''") + "'"
            default: return "***(Redacted)"
            }
        }

        var text: String {
            switch self {
            case .s(let v), .n(let v): return v
            default: return typed
            }
        }

        /// An item or map as typed JSON, attributes in name order.
        static func image(_ attributes: Attributes) -> String {
            "{" + attributes.keys.sorted().map { jsonString($0) + ":" + attributes[$0]!.typed }.joined(separator: ",") + "}"
        }
    }

    typealias Attributes = [String: Value]

    /// How a table's changes reached the investigator.
    enum Delivery: Sendable { case lambda, getRecords, kinesis }

    struct KeyPart: Sendable {
        var name: String
        var type: String   // S or N
    }

    struct Table: Sendable {
        var name: String
        var region: String
        var key: [KeyPart]
        var delivery: Delivery
        /// Label of the DynamoDB stream; nil when the table streams to Kinesis only.
        var streamLabel: String?
        /// Whether the CreateTable call (with the key schema) is in the evidence.
        var createdInEvidence: Bool
        var arn: String { "arn:aws:dynamodb:\(region):\(MixedWorkload.account):table/\(name)" }
        var streamARN: String? { streamLabel.map { arn + "/stream/" + $0 } }
    }

    static let orders = 0, sessions = 1, ledger = 2, profiles = 3
    static let tables: [Table] = [
        Table(name: "Orders", region: "eu-west-1", key: [KeyPart(name: "customerId", type: "S"), KeyPart(name: "orderId", type: "S")],
              delivery: .lambda, streamLabel: "2026-11-16T08:30:02.417", createdInEvidence: true),
        Table(name: "Sessions", region: "eu-west-1", key: [KeyPart(name: "sessionId", type: "S")],
              delivery: .getRecords, streamLabel: "2026-10-02T14:21:09.511", createdInEvidence: false),
        Table(name: "Ledger", region: "eu-west-1", key: [KeyPart(name: "accountNo", type: "N"), KeyPart(name: "seq", type: "N")],
              delivery: .kinesis, streamLabel: nil, createdInEvidence: true),
        Table(name: "Profiles", region: "us-east-1", key: [KeyPart(name: "userId", type: "S")],
              delivery: .lambda, streamLabel: "2026-09-12T07:45:31.004", createdInEvidence: false),
    ]
    static let kinesisStreamARN = "arn:aws:kinesis:eu-west-1:\(account):stream/ledger-cdc"

    /// A caller as CloudTrail shows it.
    struct Principal: Sendable {
        var label: String
        var identity: String   // the userIdentity object
        var ip: String
        var userAgent: String
        var console = false
    }

    static func assumedRole(_ role: String, session: String, roleID: String, key: String, ip: String, agent: String,
                            console: Bool = false) -> Principal {
        let a = account
        let identity = """
            {"type":"AssumedRole","principalId":"\(roleID):\(session)","arn":"arn:aws:sts::\(a):assumed-role/\(role)/\(session)",\
            "accountId":"\(a)","accessKeyId":"\(key)","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"\(roleID)",\
            "arn":"arn:aws:iam::\(a):role/\(role)","accountId":"\(a)","userName":"\(role)"},"attributes":\
            {"creationDate":"2026-11-16T08:02:11Z","mfaAuthenticated":"\(console)"}}}
            """
        return Principal(label: role + "/" + session, identity: identity, ip: ip, userAgent: agent, console: console)
    }

    static func iamUser(_ name: String, userID: String, key: String, ip: String, agent: String) -> Principal {
        let identity = """
            {"type":"IAMUser","principalId":"\(userID)","arn":"arn:aws:iam::\(account):user/\(name)","accountId":"\(account)",\
            "accessKeyId":"\(key)","userName":"\(name)"}
            """
        return Principal(label: name, identity: identity, ip: ip, userAgent: agent)
    }

    static let java = "aws-sdk-java/2.25.11 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy"
    static let node = "aws-sdk-js/3.592.0 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 lang/js md/nodejs#20.13.1 api/dynamodb#3.592.0 exec-env/AWS_Lambda_nodejs20.x"
    static let boto = "Boto3/1.34.120 md/Botocore#1.34.120 ua/2.0 os/linux#6.1.91-99.172.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.120"
    static let cli = "aws-cli/2.15.58 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1022-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exe/x86_64.ubuntu.22 prompt/off command/dynamodb"
    static let goSDK = "aws-sdk-go-v2/1.27.0 os/linux lang/go#1.22.3 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.32.6"

    enum Who: Int, CaseIterable { case ordersAPI, fulfilment, sessionService, ledgerWriter, etl, support, alice, deployer, reporting, profileService }

    static let principals: [Principal] = [
        assumedRole("orders-api-task", session: "ecs-9f2c41d07b3e4a58", roleID: "AROAQX4MZ7ORDERSAPI01", key: "ASIAQX4MZ7H2ORDAPI01",
                    ip: "10.20.14.37", agent: java),
        assumedRole("fulfilment-fn-role", session: "fulfilment-dispatch", roleID: "AROAQX4MZ7FULFILMENT1", key: "ASIAQX4MZ7H2FULFIL01",
                    ip: "34.243.118.52", agent: node),
        assumedRole("session-svc", session: "i-0a1b2c3d4e5f67890", roleID: "AROAQX4MZ7SESSIONSVC1", key: "ASIAQX4MZ7H2SESSVC01",
                    ip: "10.20.31.9", agent: boto),
        assumedRole("ledger-writer-role", session: "ledger-writer", roleID: "AROAQX4MZ7LEDGERWRT1", key: "ASIAQX4MZ7H2LEDGER01",
                    ip: "10.20.40.12", agent: goSDK),
        assumedRole("etl-glue-role", session: "GlueJobRunnerSession", roleID: "AROAQX4MZ7ETLGLUEJOB", key: "ASIAQX4MZ7H2ETLGLU01",
                    ip: "10.20.52.200", agent: java.replacingOccurrences(of: "exec-env/AWS_ECS_FARGATE", with: "exec-env/AWS_Glue")),
        assumedRole("AWSReservedSSO_SupportAccess_5f3c2a1b9d8e7f60", session: "jane.doe@example.com", roleID: "AROAQX4MZ7SSOSUPPORT",
                    key: "ASIAQX4MZ7H2SUPPRT01", ip: "198.51.100.23", agent: "console.dynamodb.amazonaws.com", console: true),
        iamUser("alice", userID: "AIDAQX4MZ7ALICE00001", key: "AKIAQX4MZ7H2ALICE001", ip: "203.0.113.45", agent: cli),
        iamUser("ci-deployer", userID: "AIDAQX4MZ7CIDEPLOY01", key: "AKIAQX4MZ7H2CIDEP001", ip: "192.0.2.77", agent: cli),
        assumedRole("reporting-role", session: "reporting-nightly", roleID: "AROAQX4MZ7REPORTING1", key: "ASIAQX4MZ7H2REPORT01",
                    ip: "10.20.60.5", agent: boto),
        assumedRole("profile-svc", session: "i-07e6d5c4b3a291807", roleID: "AROAQX4MZ7PROFILESV1", key: "ASIAQX4MZ7H2PROFIL01",
                    ip: "10.40.3.18", agent: boto),
    ]

    /// Who writes each table, repeated by how often.
    static let writers: [[Who]] = [
        [.ordersAPI, .ordersAPI, .ordersAPI, .ordersAPI, .fulfilment, .fulfilment, .support, .alice],
        [.sessionService, .sessionService, .sessionService, .sessionService, .support, .alice],
        [.ledgerWriter, .ledgerWriter, .ledgerWriter, .fulfilment, .etl],
        [.profileService, .profileService, .profileService, .support, .alice],
    ]
    /// Who runs PartiQL against each table.
    static let partiQLUsers: [[Who]] = [[.etl, .support, .alice, .ordersAPI], [.support, .alice], [.etl, .etl, .alice], [.support, .alice]]
}

/// TLS parameters a client negotiates, rendered as `tlsDetails`.
struct TLSProfile: Sendable {
    var version: String
    var cipherSuite: String
    /// Only written on eventVersion 1.11 records, where CloudTrail added `keyExchange`.
    var keyExchange: String?

    static let modern = TLSProfile(version: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", keyExchange: "X25519MLKEM768")
    static let tls13 = TLSProfile(version: "TLSv1.3", cipherSuite: "TLS_AES_256_GCM_SHA384", keyExchange: "x25519")
    static let tls12 = TLSProfile(version: "TLSv1.2", cipherSuite: "ECDHE-RSA-AES128-GCM-SHA256", keyExchange: nil)
}

/// Who made a call: the `userIdentity` object plus the client details that go with it.
final class GeneratedPrincipal: Sendable {
    enum Kind: Sendable { case iamUser, assumedRole, awsService }

    let kind: Kind
    let account: String
    /// Empty for AWS services.
    let arn: String
    /// `AKIA…` (IAM user) or `ASIA…` (role session); empty for AWS services.
    let accessKeyId: String
    /// The user or session name, as lookup-events shows it in `Username`.
    let displayName: String
    let sourceIP: String
    let userAgent: String
    /// The AWS CLI appends the command to its user agent; such principals get it per event.
    let isCLI: Bool
    let tls: TLSProfile?
    let vpcEndpointId: String?
    /// Some SDK configurations pass the table ARN where a table name is expected.
    let usesTableARN: Bool
    // Role sessions only.
    let roleName: String
    let roleArn: String
    let roleId: String
    let sessionName: String
    /// The service that assumes the role for this session (`lambda.amazonaws.com`), if any.
    let launchedBy: String?
    /// Credentials are refreshed hourly at this many seconds past the hour (the creationDate)…
    let refreshOffset: Int
    /// …unless the session has one fixed start.
    let sessionStart: Int?
    // The userIdentity JSON around the session's creationDate (which changes with time).
    private let identityHead: [UInt8]
    private let identityTail: [UInt8]

    init(kind: Kind, account: String, arn: String = "", accessKeyId: String = "", displayName: String,
         sourceIP: String, userAgent: String, isCLI: Bool = false, tls: TLSProfile?, vpcEndpointId: String? = nil,
         usesTableARN: Bool = false, principalId: String = "", roleName: String = "", roleId: String = "",
         sessionName: String = "", launchedBy: String? = nil, refreshOffset: Int = 0, sessionStart: Int? = nil, extraContext: String = "",
         inScopeOf: String? = nil) {
        self.kind = kind
        self.account = account
        self.arn = arn
        self.accessKeyId = accessKeyId
        self.displayName = displayName
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.isCLI = isCLI
        self.tls = tls
        self.vpcEndpointId = vpcEndpointId
        self.usesTableARN = usesTableARN
        self.roleName = roleName
        self.roleArn = roleName.isEmpty ? "" : "arn:aws:iam::\(account):role/\(roleName)"
        self.roleId = roleId
        self.sessionName = sessionName
        self.launchedBy = launchedBy
        self.refreshOffset = refreshOffset
        self.sessionStart = sessionStart
        var head = RecordWriter(), tail = RecordWriter()
        switch kind {
        case .iamUser:
            head.raw(#"{"type":"IAMUser","principalId":"#); head.string(principalId)
            head.raw(#","arn":"#); head.string(arn)
            head.raw(#","accountId":"#); head.string(account)
            head.raw(#","accessKeyId":"#); head.string(accessKeyId)
            head.raw(#","userName":"#); head.string(displayName)
            head.raw("}")
        case .assumedRole:
            head.raw(#"{"type":"AssumedRole","principalId":"#); head.string(roleId + ":" + sessionName)
            head.raw(#","arn":"#); head.string(arn)
            head.raw(#","accountId":"#); head.string(account)
            head.raw(#","accessKeyId":"#); head.string(accessKeyId)
            head.raw(#","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"#); head.string(roleId)
            head.raw(#","arn":"#); head.string(roleArn)
            head.raw(#","accountId":"#); head.string(account)
            head.raw(#","userName":"#); head.string(roleName)
            head.raw(#"},"webIdFederationData":{},"attributes":{"creationDate":""#)
            tail.raw(#"","mfaAuthenticated":"false"}"#)
            tail.raw(extraContext)
            tail.raw("}")
            if let inScopeOf { tail.raw(#","inScopeOf":"#); tail.raw(inScopeOf) }
            tail.raw("}")
        case .awsService:
            head.raw(#"{"type":"AWSService","invokedBy":"#); head.string(displayName)
            head.raw("}")
        }
        identityHead = head.bytes
        identityTail = tail.bytes
    }

    /// An AWS service acting on the account's behalf (`userIdentity.invokedBy`).
    static func service(_ name: String, account: String) -> GeneratedPrincipal {
        GeneratedPrincipal(kind: .awsService, account: account, displayName: name, sourceIP: name, userAgent: name, tls: nil)
    }

    /// When the session's current credentials were issued: the latest hourly refresh at or before `time`.
    func sessionCreated(before time: Int) -> Int {
        if let sessionStart { return sessionStart }
        return time - ((time - refreshOffset) % 3_600 + 3_600) % 3_600
    }

    func appendIdentity(to out: inout RecordWriter, at time: Int) {
        out.raw(identityHead)
        if kind == .assumedRole {
            out.isoTime(sessionCreated(before: time))
            out.raw(identityTail)
        }
    }
}

extension GeneratedPrincipal: RecordCaller {}

/// The few hundred principals of an account and who tends to make which kind of call.
final class AccountPrincipals: Sendable {
    let account: String
    let all: [GeneratedPrincipal]
    let userNames: [String]
    let roleNames: [String]
    let terraform: GeneratedPrincipal
    private let services: [String: GeneratedPrincipal]
    // Indices into `all`, repeated by weight: picking uniformly from these gives a few busy
    // principals and a long tail, as in real traffic.
    private let dataPool: [Int]
    private let managementPool: [Int]
    private let adminPool: [Int]
    private let assumablePool: [Int]

    func dataCaller(_ rng: inout SplitMix64) -> GeneratedPrincipal { all[dataPool[rng.below(dataPool.count)]] }
    func managementCaller(_ rng: inout SplitMix64) -> GeneratedPrincipal { all[managementPool[rng.below(managementPool.count)]] }
    func adminCaller(_ rng: inout SplitMix64) -> GeneratedPrincipal { all[adminPool[rng.below(adminPool.count)]] }
    func assumable(_ rng: inout SplitMix64) -> GeneratedPrincipal { all[assumablePool[rng.below(assumablePool.count)]] }
    func service(_ name: String) -> GeneratedPrincipal { services[name] ?? GeneratedPrincipal.service(name, account: account) }

    private enum Agent { case cli, boto3, java, node, go, terraform }

    init(account: String, rng: inout SplitMix64) {
        self.account = account
        var all: [GeneratedPrincipal] = []
        var data: [Int] = [], management: [Int] = [], admin: [Int] = [], assumablePool: [Int] = []

        func agent(_ kind: Agent, lambda: String? = nil) -> String {
            switch kind {
            case .cli:
                return "aws-cli/2.\(13 + rng.below(5)).\(rng.below(40)) Python/3.11.\(rng.below(9)) Linux/6.\(rng.below(9)).0-10\(rng.below(60))-aws exe/x86_64.ubuntu.22 prompt/off"
            case .boto3:
                let version = "1.34.\(rng.below(160))"
                let env = lambda == "python" ? " exec-env/AWS_Lambda_python3.12" : ""
                return "Boto3/\(version) md/Botocore#\(version) ua/2.0 os/linux#5.10.\(200 + rng.below(30))-2\(rng.below(40)).amzn2.x86_64 md/arch#x86_64 lang/python#3.12.\(rng.below(5)) md/pyimpl#CPython\(env) cfg/retry-mode#legacy Botocore/\(version)"
            case .java:
                return "aws-sdk-java/2.25.\(rng.below(70)) Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy"
            case .node:
                let version = "3.5\(rng.below(10))\(rng.below(10)).0"
                return "aws-sdk-js/\(version) ua/2.0 os/linux#5.10.216-225.855.amzn2.x86_64 lang/js md/nodejs#20.13.1 api/dynamodb#\(version) exec-env/AWS_Lambda_nodejs20.x"
            case .go:
                return "aws-sdk-go-v2/1.26.\(rng.below(3)) os/linux lang/go#1.22.\(rng.below(5)) md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.31.\(rng.below(9))"
            case .terraform:
                return "APN/1.0 HashiCorp/1.0 Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.54.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.27.2 ua/2.0 os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.32.9"
            }
        }
        func add(_ principal: GeneratedPrincipal, data d: Int = 0, management m: Int = 0, admin a: Int = 0, assumable: Bool = false) {
            let index = all.count
            all.append(principal)
            data.append(contentsOf: repeatElement(index, count: d))
            management.append(contentsOf: repeatElement(index, count: m))
            admin.append(contentsOf: repeatElement(index, count: a))
            if assumable { assumablePool.append(index) }
        }
        func office() -> String { "198.51.100.\(10 + rng.below(90))" }
        func privateIP() -> String { "10.\(rng.below(4)).\(rng.below(256)).\(1 + rng.below(254))" }
        func lambdaIP() -> String { "\(["3.250", "34.243", "52.212", "54.171"][rng.below(4)]).\(rng.below(256)).\(1 + rng.below(254))" }
        let vpce = "vpce-0\(rng.characters(16, from: "0123456789abcdef"))"
    // Where the account's functions and instances run (they also call other regions).
    let homeRegion = account == "111122223333" ? "eu-west-1" : "us-west-2"

        // IAM users with long-term AKIA keys: people at desks and a few automation identities.
        let people = ["alice", "bob.ops", "carol", "dave.dba", "erin", "frank.sre", "grace", "heidi"]
        let automation = ["svc-reporting", "svc-etl", "ci-deployer", "terraform", "backup-admin", "data-export", "legacy-batch"]
        var terraformUser: GeneratedPrincipal?
        for name in people + automation {
            let isPerson = people.contains(name)
            let kind: Agent = isPerson ? (rng.chance(0.7) ? .cli : .boto3)
                : name == "terraform" ? .terraform : [.java, .boto3, .go][rng.below(3)]
            let user = GeneratedPrincipal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/\(name)",
                                 accessKeyId: "AKIA" + rng.characters(16, from: Alphabet.base32), displayName: name,
                                 sourceIP: isPerson ? (rng.chance(0.6) ? office() : "192.0.2.\(1 + rng.below(250))") : "198.51.100.\(200 + rng.below(50))",
                                 userAgent: agent(kind), isCLI: kind == .cli, tls: rng.chance(0.8) ? .modern : .tls12,
                                 usesTableARN: kind == .go && rng.chance(0.5),
                                 principalId: "AIDA" + rng.characters(17, from: Alphabet.base32))
            let adminWeight = ["alice", "dave.dba", "frank.sre", "ci-deployer", "terraform", "backup-admin"].contains(name) ? 3 : 0
            add(user, data: isPerson ? 1 : 6, management: isPerson ? 4 : 2, admin: adminWeight)
            if name == "terraform" { terraformUser = user }
        }
        terraform = terraformUser!

        // Roles and their sessions: each session is one principal with its own ASIA key.
        struct RoleSpec {
            var name: String
            var sessions: Int
            var launchedBy: String?
            var data: Int, management: Int, admin: Int
        }
        let roles = [
            RoleSpec(name: "app-backend", sessions: 10, launchedBy: "lambda.amazonaws.com", data: 40, management: 3, admin: 0),
            RoleSpec(name: "orders-worker", sessions: 30, launchedBy: "ecs-tasks.amazonaws.com", data: 12, management: 1, admin: 0),
            RoleSpec(name: "inventory-sync", sessions: 25, launchedBy: "ec2.amazonaws.com", data: 10, management: 2, admin: 0),
            RoleSpec(name: "reporting-etl", sessions: 10, launchedBy: nil, data: 8, management: 1, admin: 0),
            RoleSpec(name: "AWSReservedSSO_AdministratorAccess_3f2a9c1d7b6e5a40", sessions: 8, launchedBy: nil, data: 1, management: 4, admin: 3),
            RoleSpec(name: "AWSReservedSSO_ReadOnlyAccess_8d1e4b7c2a9f6e30", sessions: 15, launchedBy: nil, data: 1, management: 3, admin: 0),
            RoleSpec(name: "github-actions-deploy", sessions: 20, launchedBy: nil, data: 0, management: 2, admin: 2),
        ]
        let functions = ["orders-api", "cart-api", "customers-api", "checkout-api", "payments-api", "refunds-api",
                         "search-indexer", "notifications", "invoice-renderer", "session-cleaner"]
        let firstNames = ["jane", "omar", "li", "sofia", "raj", "emma", "noah", "mia", "lucas", "ana", "ken", "zoe", "ivan", "leah", "sam"]
        let lastNames = ["doe", "haddad", "wei", "rossi", "patel", "martin", "kim", "silva", "novak", "berg"]
        for role in roles {
            let roleId = "AROA" + rng.characters(17, from: Alphabet.base32)
            for n in 0..<role.sessions {
                var session: String, ip: String, userAgent: String, isCLI = false
                var extraContext = "", inScopeOf: String?, vpcEndpoint: String?
                switch role.name {
                case "app-backend":
                    session = functions[n % functions.count]
                    ip = lambdaIP()
                    userAgent = agent(n % 2 == 0 ? .node : .boto3, lambda: "python")
                    inScopeOf = #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:\#(homeRegion):\#(account):function:\#(session)"}"#
                case "orders-worker":
                    session = rng.characters(32, from: "0123456789abcdef")
                    ip = privateIP(); vpcEndpoint = vpce
                    userAgent = agent(.java)
                case "inventory-sync":
                    session = "i-0" + rng.characters(16, from: "0123456789abcdef")
                    ip = privateIP(); vpcEndpoint = vpce
                    userAgent = agent(.go)
                    extraContext = #","ec2RoleDelivery":"2.0""#
                    inScopeOf = #"{"issuerType":"AWS::EC2::Instance","credentialsIssuedTo":"arn:aws:ec2:\#(homeRegion):\#(account):instance/\#(session)"}"#
                case "reporting-etl":
                    session = "etl-run-\(20_261_001 + n)"
                    ip = "198.51.100.\(200 + rng.below(50))"
                    userAgent = agent(.boto3)
                case "github-actions-deploy":
                    session = "GitHubActions-\(9_000_000_000 + rng.below(900_000_000))"
                    ip = "192.0.2.\(1 + rng.below(250))"
                    userAgent = agent(.terraform)
                default:
                    session = "\(firstNames[rng.below(firstNames.count)]).\(lastNames[rng.below(lastNames.count)])@example.com"
                    ip = rng.chance(0.5) ? office() : "192.0.2.\(1 + rng.below(250))"
                    isCLI = rng.chance(0.7)
                    userAgent = agent(isCLI ? .cli : .boto3)
                }
                let principal = GeneratedPrincipal(
                    kind: .assumedRole, account: account,
                    arn: "arn:aws:sts::\(account):assumed-role/\(role.name)/\(session)",
                    accessKeyId: "ASIA" + rng.characters(16, from: Alphabet.base32), displayName: session,
                    sourceIP: ip, userAgent: userAgent, isCLI: isCLI,
                    tls: [TLSProfile.modern, .tls13, .tls12][rng.below(3)], vpcEndpointId: vpcEndpoint,
                    usesTableARN: rng.chance(0.04), roleName: role.name, roleId: roleId, sessionName: session,
                    launchedBy: role.launchedBy, refreshOffset: rng.below(3_600), extraContext: extraContext,
                    inScopeOf: inScopeOf)
                // Within a role, earlier sessions are busier.
                let busier = n < role.sessions / 3 ? 2 : 1
                add(principal, data: role.data * busier, management: role.management, admin: role.admin,
                    assumable: role.launchedBy != nil || role.name == "reporting-etl")
            }
        }
        self.all = all
        self.dataPool = data
        self.managementPool = management
        self.adminPool = admin
        self.assumablePool = assumablePool
        userNames = people + automation
        roleNames = roles.map(\.name)
        var services: [String: GeneratedPrincipal] = [:]
        for name in ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] {
            services[name] = GeneratedPrincipal.service(name, account: account)
        }
        self.services = services
    }
}

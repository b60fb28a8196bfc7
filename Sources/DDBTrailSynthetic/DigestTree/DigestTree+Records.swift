import DDBTrailCore

extension DigestTree {
    /// A caller of the tree's records: its userIdentity JSON (a role session's is split around
    /// the session's creationDate, which moves with the hourly credential refresh).
    struct Caller: RecordCaller {
        let sourceIP: String
        let userAgent: String
        let isCLI: Bool
        let tls: TLSProfile?
        let head: String
        let tail: String?
        let refresh: Int

        var account: String { DigestTree.account }

        func appendIdentity(to out: inout RecordWriter, at time: Int) {
            out.raw(head)
            guard let tail else { return }
            var created = time - time % 3_600 + refresh
            if created > time { created -= 3_600 }
            out.isoTime(created)
            out.raw(tail)
        }
    }

    /// An application role on an instance in each region (data events) and a deployment user
    /// with the AWS CLI (management events).
    struct Callers {
        let apps: [Caller]
        let deployer: Caller

        init(_ rng: inout SplitMix64) {
            let roleId = "AROA" + rng.characters(17, from: Alphabet.upperAlphanumerics)
            let roleArn = "arn:aws:iam::\(DigestTree.account):role/orders-api"
            let prefixes = ["34.228", "52.49"]
            var apps: [Caller] = []
            for (region, prefix) in zip(DigestTree.regions, prefixes) {
                let session = "i-0" + rng.characters(16, from: "0123456789abcdef")
                let key = "ASIA" + rng.characters(16, from: Alphabet.base32)
                let ip = "\(prefix).\(rng.below(256)).\(1 + rng.below(254))"
                var head = #"{"type":"AssumedRole","principalId":"\#(roleId):\#(session)","#
                head += #""arn":"arn:aws:sts::\#(DigestTree.account):assumed-role/orders-api/\#(session)","#
                head += #""accountId":"\#(DigestTree.account)","accessKeyId":"\#(key)","sessionContext":{"sessionIssuer":"#
                head += #"{"type":"Role","principalId":"\#(roleId)","arn":"\#(roleArn)","accountId":"\#(DigestTree.account)","#
                head += #""userName":"orders-api"},"webIdFederationData":{},"attributes":{"creationDate":""#
                let tail = #"","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}}"#
                apps.append(Caller(
                    sourceIP: ip,
                    userAgent: "aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy ft/ddb-enh md/\(region)",
                    isCLI: false, tls: .tls13, head: head, tail: tail, refresh: 60 + rng.below(3_000)))
            }
            self.apps = apps
            let userId = "AIDA" + rng.characters(17, from: Alphabet.upperAlphanumerics)
            let userKey = "AKIA" + rng.characters(16, from: Alphabet.base32)
            deployer = Caller(
                sourceIP: "203.0.113.\(10 + rng.below(200))",
                userAgent: "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1017-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off",
                isCLI: true, tls: .modern,
                head: #"{"type":"IAMUser","principalId":"\#(userId)","arn":"arn:aws:iam::\#(DigestTree.account):user/ci-deployer","accountId":"\#(DigestTree.account)","accessKeyId":"\#(userKey)","userName":"ci-deployer"}"#,
                tail: nil, refresh: 0)
        }
    }
}

extension DigestTree.Build {
    /// One CloudTrail record: a DynamoDB data event by the application (about 70%) or a
    /// read-only management call by the deployer.
    mutating func makeRecord(region: String, time: Int) -> DigestTree.LogRecord {
        let tables = [("Orders", "orderId"), ("Customers", "customerId")]
        let (table, keyName) = rng.pick(tables)
        let arn = "arn:aws:dynamodb:\(region):\(DigestTree.account):table/\(table)"
        let host = "dynamodb.\(region).amazonaws.com"
        var out = RecordWriter(capacity: 2_048)
        if rng.chance(0.3) {
            let caller = callers.deployer
            let name = rng.pick(["DescribeTable", "DescribeTimeToLive", "DescribeContinuousBackups", "ListTables"])
            out.beginRecord(version: "1.11", identity: caller, time: time, source: "dynamodb.amazonaws.com", name: name, region: region)
            out.raw(name == "ListTables" ? "null" : #"{"tableName":"\#(table)"}"#)
            out.beginResponseElements()
            out.raw("null")
            out.endRecord(version: "1.11", identity: caller, requestID: rng.dynamoRequestID(), eventID: rng.uuid(), readOnly: true,
                          resources: .none, apiVersion: "2012-08-10", management: true, recipient: DigestTree.account, tlsHost: host)
            return DigestTree.LogRecord(bytes: out.bytes, time: time, sourceIP: caller.sourceIP)
        }
        let caller = callers.apps[DigestTree.regions.firstIndex(of: region) ?? 0]
        let key = table == "Orders" ? "ORD-\(100_000 + rng.below(900_000))" : "cus_" + rng.characters(14, from: Alphabet.alphanumerics)
        let itemKey = #""key":{"\#(keyName)":"\#(key)"}"#
        let (name, parameters, readOnly): (String, String, Bool)
        switch rng.below(5) {
        case 0: (name, parameters, readOnly) = ("GetItem", #"{"tableName":"\#(table)",\#(itemKey),"consistentRead":false}"#, true)
        case 1: (name, parameters, readOnly) = ("PutItem", #"{"tableName":"\#(table)",\#(itemKey),"item":["\#(keyName)","status","total","updatedAt"]}"#, false)
        case 2:
            (name, parameters, readOnly) = ("UpdateItem", ##"{"tableName":"\##(table)",\##(itemKey),"updateExpression":"SET #s = :s, updatedAt = :u","expressionAttributeNames":{"#s":"status"}}"##, false)
        case 3: (name, parameters, readOnly) = ("DeleteItem", #"{"tableName":"\#(table)",\#(itemKey)}"#, false)
        default:
            (name, parameters, readOnly) = ("Query", #"{"tableName":"\#(table)","keyConditionExpression":"\#(keyName) = :k","limit":25}"#, true)
        }
        out.beginRecord(version: "1.09", identity: caller, time: time, source: "dynamodb.amazonaws.com", name: name, region: region)
        out.raw(parameters)
        out.beginResponseElements()
        out.raw("null")
        let resource = #"{"accountId":"\#(DigestTree.account)","type":"AWS::DynamoDB::Table","ARN":"\#(arn)"}"#
        out.endRecord(version: "1.09", identity: caller, requestID: rng.dynamoRequestID(), eventID: rng.uuid(), readOnly: readOnly,
                      resources: .one(Array(resource.utf8)), apiVersion: "2012-08-10", management: false,
                      recipient: DigestTree.account, tlsHost: host)
        return DigestTree.LogRecord(bytes: out.bytes, time: time, sourceIP: caller.sourceIP)
    }
}

import DDBTrailCore

/// A small scripted incident in account 111122223333, eu-west-1, on 2026-11-03 between 01:00
/// and 04:00 UTC. Tables: `Orders` (customerId S + orderId S) and `Customers` (customerId S).
///
/// Normal traffic comes from Lambda sessions of role `app-backend` and from the admin `alice`.
/// From 02:41 someone uses the leaked long-term key of IAM user `svc-reporting` from
/// 203.0.113.66 with boto3: reconnaissance, a Scan and reads of Orders, a refund planted on
/// C-1001/O-77 (then a failed conditional retry), two deleted orders, a BatchWriteItem, and
/// finally point-in-time recovery on Orders switched off (after an AccessDenied on Customers).
/// The same key's legitimate use (a Java reporting job on 198.51.100.200) precedes it.
enum DemoIncidentScript {
    struct File {
        var path: String
        var bytes: [UInt8]
    }

    static let account = "111122223333"
    static let region = "eu-west-1"
    static let day = UTC.seconds(2026, 11, 3)
    static let bucket = "aws-cloudtrail-logs-111122223333-7c1e2f0a"

    enum Actor { case lambdaService, ordersAPI, refundsAPI, customersAPI, alice, reportingJob, attacker }

    struct Event {
        var at: String
        var actor: Actor
        var name: String
        var table: String? = nil
        /// requestParameters as JSON text; nil is written as null.
        var parameters: String? = nil
        var response: String? = nil
        var error: APIError? = nil
        /// CloudTrail delivers this record a second time in a later file.
        var redelivered = false
        /// The item writes the call asks for (its parameters are written from them).
        var writes: [Write] = []

        /// A PutItem, UpdateItem or DeleteItem call, after the write's kind.
        static func write(_ at: String, _ actor: Actor, _ write: Write, table: String = "Orders",
                          error: APIError? = nil, redelivered: Bool = false) -> Event {
            let name = switch write.kind { case .put: "PutItem"; case .update: "UpdateItem"; case .delete: "DeleteItem" }
            return Event(at: at, actor: actor, name: name, table: table, parameters: write.parameters(table: table),
                         error: error, redelivered: redelivered, writes: [write])
        }

        /// A BatchWriteItem of puts and deletes.
        static func batchWrite(_ at: String, _ actor: Actor, _ writes: [Write], table: String = "Orders") -> Event {
            Event(at: at, actor: actor, name: "BatchWriteItem", table: table,
                  parameters: Write.batchParameters(writes, table: table), writes: writes)
        }
    }

    /// One item write as the script states it. Both sides of the evidence come from it: the
    /// call's requestParameters in CloudTrail and, when the call succeeds, the change it causes
    /// in the stream (`DemoStream`), which is therefore never read back out of the CloudTrail.
    struct Write {
        enum Kind {
            /// The item's attribute names, keys included (CloudTrail logs the names only).
            case put(item: [String])
            /// `SET #p = :p, …`: (placeholder, attribute name) pairs in expression order.
            case update(set: [(placeholder: String, name: String)])
            case delete
        }

        var kind: Kind
        /// Key attributes in request order; every value a string (S).
        var key: [(name: String, value: String)]
        var condition: String? = nil

        static func put(_ key: [(name: String, value: String)], item: [String], condition: String? = nil) -> Write {
            Write(kind: .put(item: item), key: key, condition: condition)
        }

        static func update(_ key: [(name: String, value: String)], set: [(placeholder: String, name: String)],
                           condition: String? = nil) -> Write {
            Write(kind: .update(set: set), key: key, condition: condition)
        }

        static func delete(_ key: [(name: String, value: String)]) -> Write { Write(kind: .delete, key: key) }

        /// The key as CloudTrail logs it: `{"customerId":"C-1001","orderId":"O-77"}`.
        var keyJSON: String { "{" + key.map { jsonString($0.name) + ":" + jsonString($0.value) }.joined(separator: ",") + "}" }

        /// requestParameters of the single-item call.
        func parameters(table: String) -> String {
            var text = #"{"tableName":"# + jsonString(table) + #","key":"# + keyJSON
            switch kind {
            case .put(let item):
                text += #","item":["# + item.map(jsonString).joined(separator: ",") + "]"
            case .update(let set):
                let expression = "SET " + set.map { "\($0.placeholder) = :\($0.placeholder.dropFirst())" }.joined(separator: ", ")
                text += #","updateExpression":"# + jsonString(expression)
            case .delete:
                break
            }
            if let condition { text += #","conditionExpression":"# + jsonString(condition) }
            if case .update(let set) = kind {
                text += #","expressionAttributeNames":{"# + set.map { jsonString($0.placeholder) + ":" + jsonString($0.name) }.joined(separator: ",") + "}"
            }
            return text + "}"
        }

        /// requestParameters of a BatchWriteItem (puts and deletes only).
        static func batchParameters(_ writes: [Write], table: String) -> String {
            let requests = writes.map { write in
                switch write.kind {
                case .put(let item):
                    #"{"putRequest":{"key":"# + write.keyJSON + #","item":["# + item.map(jsonString).joined(separator: ",") + "]}}"
                case .delete:
                    #"{"deleteRequest":{"key":"# + write.keyJSON + "}}"
                case .update:
                    preconditionFailure("BatchWriteItem has no updates")
                }
            }
            return #"{"requestItems":{"# + jsonString(table) + ":[" + requests.joined(separator: ",") + "]}}"
        }
    }

    static func order(_ customerId: String, _ orderId: String) -> [(name: String, value: String)] {
        [("customerId", customerId), ("orderId", orderId)]
    }

    /// The attributes of a new order.
    static let newOrder = ["customerId", "orderId", "status", "total", "currency", "createdAt"]

    static let script: [Event] = [
        Event(at: "01:02:11", actor: .lambdaService, name: "AssumeRole",
              parameters: ##"{"roleArn":"arn:aws:iam::111122223333:role/app-backend","roleSessionName":"orders-api","durationSeconds":43200}"##,
              response: ##"{"credentials":{"accessKeyId":"ASIA3XKQ7PZ2OA4LRM5Q","sessionToken":"IQoJb3JpZ2luX2VjEPb//////////wEaCWV1LXdlc3QtMSJHMEUCIQDdemoOnlyNotARealToken","expiration":"Nov 3, 2026, 1:02:11 PM"},"assumedRoleUser":{"assumedRoleId":"AROA3XKQ7PZ2MBV4HJT6N:orders-api","arn":"arn:aws:sts::111122223333:assumed-role/app-backend/orders-api"}}"##),
        Event(at: "01:02:14", actor: .ordersAPI, name: "GetItem", table: "Customers",
              parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1001"},"projectionExpression":"#e, #t","expressionAttributeNames":{"#e":"email","#t":"tier"}}"##),
        .write("01:02:15", .ordersAPI, .put(order("C-1001", "O-77"), item: newOrder, condition: "attribute_not_exists(orderId)")),
        Event(at: "01:04:40", actor: .ordersAPI, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"},"consistentRead":true}"##),
        Event(at: "01:07:02", actor: .ordersAPI, name: "Query", table: "Orders",
              parameters: ##"{"tableName":"Orders","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"customerId"},"limit":25}"##),
        .write("01:09:30", .ordersAPI, .put(order("C-1002", "O-78"), item: newOrder, condition: "attribute_not_exists(orderId)")),
        .write("01:12:48", .ordersAPI, .update(order("C-1002", "O-78"), set: [("#st", "status"), ("#u", "updatedAt")])),
        Event(at: "01:15:05", actor: .lambdaService, name: "AssumeRole",
              parameters: ##"{"roleArn":"arn:aws:iam::111122223333:role/app-backend","roleSessionName":"refunds-api","durationSeconds":43200}"##,
              response: ##"{"credentials":{"accessKeyId":"ASIA3XKQ7PZ2RFD2WKEJ","sessionToken":"IQoJb3JpZ2luX2VjEPb//////////wEaCWV1LXdlc3QtMSJGMEQCIBdemoOnlyNotARealToken","expiration":"Nov 3, 2026, 1:15:05 PM"},"assumedRoleUser":{"assumedRoleId":"AROA3XKQ7PZ2MBV4HJT6N:refunds-api","arn":"arn:aws:sts::111122223333:assumed-role/app-backend/refunds-api"}}"##),
        Event(at: "01:15:09", actor: .refundsAPI, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1003","orderId":"O-91"}}"##),
        .write("01:21:33", .ordersAPI, .put(order("C-1004", "O-102"), item: newOrder, condition: "attribute_not_exists(orderId)")),
        Event(at: "01:24:10", actor: .alice, name: "DescribeTable", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "01:24:25", actor: .alice, name: "DescribeContinuousBackups", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "01:24:51", actor: .alice, name: "ListTables"),
        Event(at: "01:31:00", actor: .reportingJob, name: "Query", table: "Orders",
              parameters: ##"{"tableName":"Orders","indexName":"status-createdAt-index","keyConditionExpression":"#s = :s AND #c BETWEEN :from AND :to","expressionAttributeNames":{"#s":"status","#c":"createdAt"}}"##),
        Event(at: "01:31:02", actor: .reportingJob, name: "Query", table: "Orders",
              parameters: ##"{"tableName":"Orders","indexName":"status-createdAt-index","keyConditionExpression":"#s = :s AND #c BETWEEN :from AND :to","expressionAttributeNames":{"#s":"status","#c":"createdAt"},"limit":500}"##),
        Event(at: "01:38:44", actor: .customersAPI, name: "GetItem", table: "Customers",
              parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1003"}}"##),
        .write("01:47:19", .ordersAPI, .update(order("C-1003", "O-91"), set: [("#st", "status"), ("#u", "updatedAt")])),
        Event(at: "02:05:13", actor: .ordersAPI, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
        .write("02:12:40", .ordersAPI, .put(order("C-1005", "O-118"), item: newOrder, condition: "attribute_not_exists(orderId)")),
        Event(at: "02:26:05", actor: .ordersAPI, name: "BatchGetItem", table: "Orders",
              parameters: ##"{"requestItems":{"Orders":{"keys":[{"customerId":"C-1001","orderId":"O-77"},{"customerId":"C-1002","orderId":"O-78"}]}}}"##),
        Event(at: "02:33:57", actor: .customersAPI, name: "GetItem", table: "Customers",
              parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1005"}}"##),
        // The leaked svc-reporting key, used from 203.0.113.66 with boto3.
        Event(at: "02:41:07", actor: .attacker, name: "GetCallerIdentity"),
        Event(at: "02:41:29", actor: .attacker, name: "ListTables"),
        Event(at: "02:41:45", actor: .attacker, name: "DescribeTable", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "02:41:52", actor: .attacker, name: "DescribeTable", table: "Customers",
              parameters: ##"{"tableName":"Customers"}"##),
        Event(at: "02:42:30", actor: .attacker, name: "Scan", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "02:43:02", actor: .attacker, name: "Scan", table: "Customers",
              parameters: ##"{"tableName":"Customers"}"##),
        Event(at: "02:44:10", actor: .attacker, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
        Event(at: "02:44:18", actor: .attacker, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1002","orderId":"O-78"}}"##),
        Event(at: "02:44:25", actor: .attacker, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1003","orderId":"O-91"}}"##),
        Event(at: "02:44:40", actor: .attacker, name: "GetItem", table: "Customers",
              parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1001"}}"##),
        .write("02:47:12", .attacker, .update(order("C-1001", "O-77"), set: [("#rs", "refundStatus"), ("#ra", "refundAmount")]),
               redelivered: true),
        .write("02:47:58", .attacker, .update(order("C-1001", "O-77"), set: [("#rs", "refundStatus"), ("#ra", "refundAmount")], condition: "attribute_not_exists(#rs)"),
               error: APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")),
        .write("02:49:31", .attacker, .delete(order("C-1002", "O-78"))),
        .write("02:49:36", .attacker, .delete(order("C-1003", "O-91"))),
        .batchWrite("02:51:02", .attacker, [
            .put(order("C-1001", "O-80"), item: ["customerId", "orderId", "status", "total", "refundStatus", "refundAmount"]),
            .delete(order("C-1004", "O-102")),
        ]),
        Event(at: "02:55:14", actor: .attacker, name: "UpdateContinuousBackups", table: "Customers",
              parameters: ##"{"tableName":"Customers","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"##,
              error: APIError(code: "AccessDeniedException",
                              message: "User: arn:aws:iam::111122223333:user/svc-reporting is not authorized to perform: dynamodb:UpdateContinuousBackups on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/Customers because no identity-based policy allows the dynamodb:UpdateContinuousBackups action")),
        Event(at: "02:56:40", actor: .attacker, name: "UpdateContinuousBackups", table: "Orders",
              parameters: ##"{"tableName":"Orders","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"##,
              response: ##"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}}"##),
        // Business as usual afterwards; alice notices point-in-time recovery is off.
        Event(at: "03:02:19", actor: .ordersAPI, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
        Event(at: "03:10:45", actor: .ordersAPI, name: "Query", table: "Orders",
              parameters: ##"{"tableName":"Orders","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"customerId"},"limit":25}"##),
        .write("03:18:05", .ordersAPI, .update(order("C-1005", "O-118"), set: [("#st", "status"), ("#u", "updatedAt")])),
        Event(at: "03:29:30", actor: .customersAPI, name: "GetItem", table: "Customers",
              parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1005"}}"##),
        .write("03:41:12", .ordersAPI, .put(order("C-1006", "O-131"), item: newOrder, condition: "attribute_not_exists(orderId)")),
        Event(at: "03:52:37", actor: .alice, name: "DescribeContinuousBackups", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "03:53:02", actor: .alice, name: "DescribeTable", table: "Orders",
              parameters: ##"{"tableName":"Orders"}"##),
        Event(at: "03:58:41", actor: .ordersAPI, name: "GetItem", table: "Orders",
              parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
    ]

    static let dataEvents: Set<String> = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                                          "BatchGetItem", "BatchWriteItem"]

    static func principal(_ actor: Actor) -> GeneratedPrincipal {
        switch actor {
        case .lambdaService:
            return GeneratedPrincipal.service("lambda.amazonaws.com", account: account)
        case .ordersAPI, .refundsAPI, .customersAPI:
            let (session, key, ip, agent, started): (String, String, String, String, Int) = switch actor {
            case .ordersAPI:
                ("orders-api", "ASIA3XKQ7PZ2OA4LRM5Q", "3.250.41.17",
                 "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 lang/js md/nodejs#20.15.1 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                 day + 3_600 + 2 * 60 + 11)
            case .refundsAPI:
                ("refunds-api", "ASIA3XKQ7PZ2RFD2WKEJ", "54.171.20.93",
                 "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145",
                 day + 3_600 + 15 * 60 + 5)
            default:
                ("customers-api", "ASIA3XKQ7PZ2CU5TQ7MA", "34.243.7.201",
                 "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 lang/js md/nodejs#20.15.1 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                 day + 41 * 60 + 37)
            }
            return GeneratedPrincipal(kind: .assumedRole, account: account,
                             arn: "arn:aws:sts::\(account):assumed-role/app-backend/\(session)", accessKeyId: key,
                             displayName: session, sourceIP: ip, userAgent: agent, tls: .tls13, roleName: "app-backend",
                             roleId: "AROA3XKQ7PZ2MBV4HJT6N", sessionName: session, launchedBy: "lambda.amazonaws.com",
                             // Lambda credentials last 12 hours: the creationDate stays at the AssumeRole time.
                             sessionStart: started,
                             inScopeOf: #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:eu-west-1:111122223333:function:\#(session)"}"#)
        case .alice:
            return GeneratedPrincipal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/alice",
                             accessKeyId: "AKIA3XKQ7PZ2ALICE4WQ", displayName: "alice", sourceIP: "198.51.100.23",
                             userAgent: "aws-cli/2.17.42 Python/3.12.6 Darwin/23.6.0 exe/x86_64 prompt/off", isCLI: true,
                             tls: .modern, principalId: "AIDA3XKQ7PZ2ALC5E8N1Q")
        case .reportingJob, .attacker:
            return GeneratedPrincipal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/svc-reporting",
                             accessKeyId: "AKIA3XKQ7PZ2SVCREPTQ", displayName: "svc-reporting",
                             sourceIP: actor == .attacker ? "203.0.113.66" : "198.51.100.200",
                             userAgent: actor == .attacker
                                ? "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
                                : "aws-sdk-java/2.25.60 Linux/5.15.0-1066-aws OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/legacy",
                             tls: actor == .attacker ? .modern : .tls12, principalId: "AIDA3XKQ7PZ2SVC9RPT4K")
        }
    }

    struct Rendered {
        var event: Event
        var time: Int
        var bytes: [UInt8]
        var eventID: String
        var principal: GeneratedPrincipal
        var management: Bool
        var readOnly: Bool
    }

    static func render() -> [Rendered] {
        var rng = SplitMix64(seed: 0x2026_1103_0203_0066)
        let tables = [
            "Orders": DeployedTable(model: CorpusEngine.tableModels[0], account: account, region: region, tableId: ""),
            "Customers": DeployedTable(model: CorpusEngine.tableModels[1], account: account, region: region, tableId: ""),
        ]
        return script.map { event in
            let parts = event.at.split(separator: ":").compactMap { Int($0) }
            let time = day + parts[0] * 3_600 + parts[1] * 60 + parts[2]
            let principal = principal(event.actor)
            let isData = dataEvents.contains(event.name)
            let sts = event.name == "AssumeRole" || event.name == "GetCallerIdentity"
            let readOnly = ["Get", "Query", "Scan", "BatchGet", "Describe", "List", "AssumeRole"].contains { event.name.hasPrefix($0) }
            let version: StaticString = isData ? "1.09" : sts ? "1.08" : "1.11"
            var resources = Resources.none
            if let name = event.table, let table = tables[name] { resources = table.resources }
            if event.name == "AssumeRole" {
                resources = .one(Array(#"{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/app-backend"}"#.utf8))
            }
            let eventID = rng.uuid()
            var out = RecordWriter(capacity: 2_048)
            out.beginRecord(version: version, identity: principal, time: time,
                            source: sts ? "sts.amazonaws.com" : "dynamodb.amazonaws.com", name: event.name,
                            region: region, error: event.error)
            out.raw(event.parameters ?? "null")
            out.beginResponseElements()
            out.raw(event.response ?? "null")
            out.endRecord(version: version, identity: principal, requestID: sts ? rng.uuid() : rng.dynamoRequestID(),
                          eventID: eventID, readOnly: readOnly, resources: resources,
                          apiVersion: sts ? nil : "2012-08-10", management: !isData, recipient: account,
                          tlsHost: sts ? "sts.eu-west-1.amazonaws.com" : "dynamodb.eu-west-1.amazonaws.com")
            return Rendered(event: event, time: time, bytes: out.bytes, eventID: eventID, principal: principal,
                            management: !isData, readOnly: readOnly)
        }
    }

    static func files() -> [File] {
        var rng = SplitMix64(seed: 0x0D15_C0DE)
        let records = render()
        // Log files: one per 15-minute window with activity, delivered a few minutes after it.
        var windows: [(start: Int, records: [Rendered])] = []
        for record in records {
            let start = record.time - record.time % 900
            if windows.last?.start == start { windows[windows.count - 1].records.append(record) } else { windows.append((start, [record])) }
        }
        // Records inside a log file are not sorted: swap a few neighbours.
        for w in windows.indices where windows[w].records.count >= 3 {
            if rng.chance(0.5) { windows[w].records.swapAt(0, 1) }
            if rng.chance(0.5) { windows[w].records.swapAt(windows[w].records.count - 2, windows[w].records.count - 1) }
        }
        // At-least-once delivery: a redelivered record reappears, byte for byte, two files later.
        let redeliveries = windows.indices.flatMap { w in
            windows[w].records.filter { $0.event.redelivered && w + 2 < windows.count }.map { (w + 2, $0) }
        }
        for (w, record) in redeliveries { windows[w].records.insert(record, at: 1) }
        var files: [File] = []
        var digestEntries: [(path: String, hash: String, newest: Int, oldest: Int)] = []
        for window in windows {
            let delivered = window.start + 900 + 120 + rng.below(180)
            let path = "AWSLogs/\(account)/CloudTrail/\(region)/\(UTC.folder(delivered))/\(account)_CloudTrail_\(region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: Alphabet.alphanumerics)).json"
            // One record per line so the committed copies review well; still one JSON object.
            var out = RecordWriter()
            out.raw("{\"Records\":[\n")
            for (i, record) in window.records.enumerated() {
                if i > 0 { out.raw(",\n") }
                out.raw(record.bytes)
            }
            out.raw("\n]}\n")
            files.append(File(path: path, bytes: out.bytes))
            let times = window.records.map(\.time)
            digestEntries.append((path, hexString(SHA256Hasher.digest(of: out.bytes)), times.max()!, times.min()!))
        }
        files.append(digest(digestEntries))
        files.append(lookupEvents(records.filter(\.management)))
        return files
    }

    /// A starting digest (all `previous*` fields null). Real trails write one digest per hour;
    /// the demo folds the incident's hours into one so that a single digest covers every log file.
    /// Log files are named by their keys as written (`.json`), and each hash is the SHA-256 of
    /// the file's (uncompressed) bytes, which is what CloudTrail hashes too.
    static func digest(_ entries: [(path: String, hash: String, newest: Int, oldest: Int)]) -> File {
        let end = day + 4 * 3_600 + 35 * 60 + 12
        let start = end - 4 * 3_600
        let path = "AWSLogs/\(account)/CloudTrail-Digest/\(region)/\(UTC.folder(end))/\(account)_CloudTrail-Digest_\(region)_ddb-audit_\(region)_\(UTC.compact(end, seconds: true)).json"
        var out = RecordWriter()
        func field(_ name: String, _ value: String?, last: Bool = false) {
            out.raw("  "); out.string(name); out.raw(": ")
            if let value { out.string(value) } else { out.raw("null") }
            out.raw(last ? "\n" : ",\n")
        }
        out.raw("{\n")
        field("awsAccountId", account)
        field("digestStartTime", UTC.iso(start))
        field("digestEndTime", UTC.iso(end))
        field("digestS3Bucket", bucket)
        field("digestS3Object", path)
        field("digestPublicKeyFingerprint", "5d9a3c0e7b41f28a6c1d9e0b3f7a2c64")
        field("digestSignatureAlgorithm", "SHA256withRSA")
        field("newestEventTime", UTC.iso(entries.map(\.newest).max()!))
        field("oldestEventTime", UTC.iso(entries.map(\.oldest).min()!))
        field("previousDigestS3Bucket", nil)
        field("previousDigestS3Object", nil)
        field("previousDigestHashValue", nil)
        field("previousDigestHashAlgorithm", nil)
        field("previousDigestSignature", nil)
        out.raw("  \"logFiles\": [\n")
        // Newest first, as in AWS's examples.
        for (i, entry) in entries.reversed().enumerated() {
            if i > 0 { out.raw(",\n") }
            out.raw(#"    {"s3Bucket":"#); out.string(bucket)
            out.raw(#","s3Object":"#); out.string(entry.path)
            out.raw(#","hashValue":"#); out.string(entry.hash)
            out.raw(#","hashAlgorithm":"SHA-256","newestEventTime":"#); out.string(UTC.iso(entry.newest))
            out.raw(#","oldestEventTime":"#); out.string(UTC.iso(entry.oldest)); out.byte(UInt8(ascii: "}"))
        }
        out.raw("\n  ]\n}\n")
        return File(path: path, bytes: out.bytes)
    }

    /// `aws cloudtrail lookup-events` output (AWS CLI v1 style: EventTime in epoch seconds),
    /// newest first. Event history holds management events only, each with the full record as
    /// a JSON string in CloudTrailEvent.
    static func lookupEvents(_ records: [Rendered]) -> File {
        var out = RecordWriter()
        out.raw("{\"Events\":[\n")
        for (i, record) in records.sorted(by: { $0.time > $1.time }).enumerated() {
            if i > 0 { out.raw(",\n") }
            out.raw(#"{"EventId":"#); out.string(record.eventID)
            out.raw(#","EventName":"#); out.string(record.event.name)
            out.raw(#","ReadOnly":"#); out.string(record.readOnly ? "true" : "false")
            if !record.principal.accessKeyId.isEmpty {
                out.raw(#","AccessKeyId":"#); out.string(record.principal.accessKeyId)
            }
            out.raw(#","EventTime":"#); out.int(record.time); out.raw(".0")
            out.raw(#","EventSource":"#)
            out.string(record.event.name == "AssumeRole" || record.event.name == "GetCallerIdentity" ? "sts.amazonaws.com" : "dynamodb.amazonaws.com")
            if record.principal.kind != .awsService {
                out.raw(#","Username":"#); out.string(record.principal.displayName)
            }
            out.raw(#","Resources":["#)
            if record.event.name == "AssumeRole" {
                out.raw(#"{"ResourceType":"AWS::IAM::Role","ResourceName":"arn:aws:iam::111122223333:role/app-backend"}"#)
            } else if let table = record.event.table {
                out.raw(#"{"ResourceType":"AWS::DynamoDB::Table","ResourceName":"#); out.string(table); out.byte(UInt8(ascii: "}"))
            }
            out.raw(#"],"CloudTrailEvent":"#); out.string(String(decoding: record.bytes, as: UTF8.self)); out.byte(UInt8(ascii: "}"))
        }
        out.raw("\n]}\n")
        return File(path: "lookup-events.json", bytes: out.bytes)
    }
}

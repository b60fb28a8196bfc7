import DDBTrailCore

/// The week of ordinary traffic: the applications, the reporting job, the administrator, TTL.
extension AttackCase.Builder {
    // MARK: - Items

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

    mutating func throttle(_ time: Int) -> APIError? {
        guard let next = throttles.first, next <= time else { return nil }
        throttles.removeFirst()
        return AttackCase.throttled
    }

    // MARK: - Applications

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

    mutating func readOrder(_ actor: Actor, _ t: Int, _ error: APIError?) {
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

    // MARK: - The administrator

    mutating func signIn(_ session: Int, _ t: Int) {
        let actor = adminActors[session]
        let user = Self.adminUser
        let saml = Actor(identity: #"{"type":"SAMLUser","principalId":\#(jsonString(samlQualifier + ":" + user)),"userName":\#(jsonString(user)),"identityProvider":\#(jsonString(samlQualifier))}"#,
                         userAgent: actor.userAgent, tls: actor.tls, addresses: [Self.officeIP])
        let parameters = #"{"sAMLAssertionID":"_\#(rng.characters(36, from: "0123456789abcdef"))","roleSessionName":\#(jsonString(user)),"durationSeconds":3600,"roleArn":\#(jsonString(adminRole.arn)),"principalArn":\#(jsonString(samlProvider))}"#
        let response = #"{"subjectType":"persistent","issuer":"https://portal.sso.\#(AttackCase.region).amazonaws.com/saml/assertion/\#(samlQualifier.dropLast())","credentials":\#(credentials(actor.accessKeyId, expiration: t + 3_600, token: sessionToken())),"nameQualifier":\#(jsonString(samlQualifier)),"assumedRoleUser":{"assumedRoleId":\#(jsonString(adminRole.id + ":" + user)),"arn":\#(jsonString(actor.arn))},"subject":\#(jsonString(user)),"audience":"https://signin.aws.amazon.com/saml"}"#
        let resources = Resources.many([
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
        var created = RecordWriter(capacity: 30)
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
}

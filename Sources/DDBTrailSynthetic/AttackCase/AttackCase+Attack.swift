import DDBTrailCore

/// The attack's events, step by step.
extension AttackCase.Builder {
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
            entry.attributes["memo"] = AttackCase.s("payout correction ref \(rng.characters(8, from: Alphabet.upperAlphanumerics))")
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
            var started = RecordWriter(capacity: 30)
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
}

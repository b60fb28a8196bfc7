/// DynamoDB data events (item reads and writes) of the corpus.
extension CorpusEngine {
    enum DataOperation: String, Sendable {
        case getItem = "GetItem", putItem = "PutItem", updateItem = "UpdateItem", deleteItem = "DeleteItem"
        case query = "Query", scan = "Scan", batchGetItem = "BatchGetItem", batchWriteItem = "BatchWriteItem"
        case transactWriteItems = "TransactWriteItems", transactGetItems = "TransactGetItems"
        case executeStatement = "ExecuteStatement"

        var readOnly: Bool {
            switch self {
            case .getItem, .query, .scan, .batchGetItem, .transactGetItems: true
            // AWS's ExecuteStatement example shows readOnly false even for a SELECT.
            default: false
            }
        }
    }

    static let dataOperations = Weighted<DataOperation>([
        (.getItem, 30), (.query, 18), (.putItem, 12), (.updateItem, 12), (.deleteItem, 3), (.scan, 2),
        (.batchGetItem, 6), (.batchWriteItem, 4), (.transactWriteItems, 4), (.transactGetItems, 2),
        (.executeStatement, 7),
    ])

    mutating func dataEvent(stream: Stream, time: Int, forced: (DataOperation, Int, Int)? = nil, into out: inout RecordWriter) {
        var principal = stream.principals.dataCaller(&rng)
    // The guaranteed hot-key read names the table plainly (some callers use its ARN).
    while forced != nil && principal.usesTableARN { principal = stream.principals.dataCaller(&rng) }
        let operation = forced?.0 ?? Self.dataOperations.pick(&rng)
        let table = stream.tables[forced?.1 ?? stream.tableWeights.pick(&rng)]
        let keyIndex = forced?.2 ?? rng.skewed(table.model.items)

        var error: APIError?
        var conditional = rng.chance(0.15)
        if forced == nil && rng.chance(Self.errorRate) {
            switch (operation, rng.below(2)) {
            case (.putItem, 0), (.updateItem, 0), (.deleteItem, 0):
                conditional = true
                error = APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")
            case (.transactWriteItems, 0):
                error = APIError(code: "TransactionCanceledException",
                                 message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
            default:
                error = capacityOrAccessError(operation.rawValue, principal: principal, resource: table.arn)
            }
        }

        out.beginRecord(version: "1.09", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                        name: operation.rawValue, region: stream.region, error: error)
        var resources = table.resources
        switch operation {
        case .getItem:
            tableAndKey(table, keyIndex, principal, &out)
            if rng.chance(0.3) { out.raw(#","consistentRead":true"#) }
            if rng.chance(0.25) { projection(table, &out) }
            out.byte(UInt8(ascii: "}"))
        case .putItem:
            tableAndKey(table, keyIndex, principal, &out)
            out.raw(#","item":["#)
            attributeNames(table, all: true, &out)
            out.byte(UInt8(ascii: "]"))
            if conditional {
                out.raw(##","conditionExpression":"attribute_not_exists(#k)","expressionAttributeNames":{"#k":"##)
                out.string((table.model.rangeKey ?? table.model.hashKey).name)
                out.byte(UInt8(ascii: "}"))
            }
            if rng.chance(0.3) { out.raw(#","returnConsumedCapacity":"TOTAL""#) }
            out.byte(UInt8(ascii: "}"))
        case .updateItem:
            tableAndKey(table, keyIndex, principal, &out)
            updateExpression(table, conditional: conditional, &out)
            if rng.chance(0.4) { out.raw(#","returnValues":"ALL_NEW""#) }
            out.byte(UInt8(ascii: "}"))
        case .deleteItem:
            tableAndKey(table, keyIndex, principal, &out)
            if conditional { out.raw(#","conditionExpression":"attribute_exists(status)""#) }
            if rng.chance(0.2) { out.raw(#","returnValues":"ALL_OLD""#) }
            out.byte(UInt8(ascii: "}"))
        case .query:
            out.raw(#"{"tableName":"#); tableName(table, principal, &out)
            let byIndex = table.model.index != nil && rng.chance(0.3)
            if byIndex, let index = table.model.index { out.raw(#","indexName":"#); out.string(index) }
            out.raw(##","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"##)
            out.string(byIndex ? table.model.attributes[0] : table.model.hashKey.name)
            out.byte(UInt8(ascii: "}"))
            if rng.chance(0.5) { out.raw(#","limit":"#); out.int([10, 25, 50, 100][rng.below(4)]) }
            if rng.chance(0.3) { out.raw(#","scanIndexForward":false"#) }
            out.byte(UInt8(ascii: "}"))
        case .scan:
            out.raw(#"{"tableName":"#); tableName(table, principal, &out)
            if rng.chance(0.4) {
                let segments = [4, 8, 16][rng.below(3)]
                out.raw(#","segment":"#); out.int(rng.below(segments))
                out.raw(#","totalSegments":"#); out.int(segments)
            }
            if rng.chance(0.5) { out.raw(#","limit":1000"#) }
            out.byte(UInt8(ascii: "}"))
        case .batchGetItem, .batchWriteItem:
            // requestItems is a map keyed by table name (or ARN) whose values hold per-item keys.
            let tables = batchTables(stream, first: table)
            resources = combined(tables)
            out.raw(#"{"requestItems":{"#)
            for (t, other) in tables.enumerated() {
                if t > 0 { out.byte(UInt8(ascii: ",")) }
                tableName(other, principal, &out)
                let count = 1 + rng.below(operation == .batchGetItem ? 10 : 8)
                if operation == .batchGetItem {
                    out.raw(#":{"keys":["#)
                    for i in 0..<count {
                        if i > 0 { out.byte(UInt8(ascii: ",")) }
                        other.appendKey(t == 0 && i == 0 ? keyIndex : rng.skewed(other.model.items), to: &out)
                    }
                    out.byte(UInt8(ascii: "]"))
                    if rng.chance(0.2) { out.raw(#","consistentRead":true"#) }
                    out.byte(UInt8(ascii: "}"))
                } else {
                    out.raw(":[")
                    for i in 0..<count {
                        if i > 0 { out.byte(UInt8(ascii: ",")) }
                        let key = t == 0 && i == 0 ? keyIndex : rng.skewed(other.model.items)
                        if rng.chance(0.75) {
                            out.raw(#"{"putRequest":{"key":"#); other.appendKey(key, to: &out)
                            out.raw(#","item":["#); attributeNames(other, all: true, &out); out.raw("]}}")
                        } else {
                            out.raw(#"{"deleteRequest":{"key":"#); other.appendKey(key, to: &out); out.raw("}}")
                        }
                    }
                    out.byte(UInt8(ascii: "]"))
                }
            }
            out.byte(UInt8(ascii: "}"))
            if rng.chance(0.3) { out.raw(#","returnConsumedCapacity":"TOTAL""#) }
            out.byte(UInt8(ascii: "}"))
        case .transactWriteItems, .transactGetItems:
            // requestItems is a flat array, one object per action naming its table and key.
            let tables = batchTables(stream, first: table)
            resources = combined(tables)
            let count = 2 + rng.below(4)
            out.raw(#"{"requestItems":["#)
            for i in 0..<count {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                let target = i == 0 ? table : tables[rng.below(tables.count)]
                let key = i == 0 ? keyIndex : rng.skewed(target.model.items)
                if operation == .transactGetItems {
                    out.raw(#"{"operation":"Get","tableName":"#); tableName(target, principal, &out)
                    out.raw(#","key":"#); target.appendKey(key, to: &out)
                    out.byte(UInt8(ascii: "}"))
                    continue
                }
                let action = ["Put", "Update", "Update", "Delete", "ConditionCheck"][rng.below(5)]
                out.raw(#"{"operation":"#); out.string(action)
                out.raw(#","tableName":"#); tableName(target, principal, &out)
                out.raw(#","key":"#); target.appendKey(key, to: &out)
                switch action {
                case "Put":
                    out.raw(#","items":["#); attributeNames(target, all: true, &out); out.byte(UInt8(ascii: "]"))
                case "Update":
                    updateExpression(target, conditional: false, &out)
                case "Delete":
                    out.raw(#","conditionExpression":"attribute_exists(status)""#)
                default:
                    out.raw(##","conditionExpression":"#v = :v","expressionAttributeNames":{"#v":"##)
                    out.string(target.model.attributes[0]); out.byte(UInt8(ascii: "}"))
                }
                out.raw(#","returnValuesOnConditionCheckFailure":"ALL_OLD"}"#)
            }
            out.byte(UInt8(ascii: "]"))
            if operation == .transactWriteItems && rng.chance(0.5) {
                out.raw(#","returnConsumedCapacity":"TOTAL","returnItemCollectionMetrics":"SIZE""#)
            }
            out.byte(UInt8(ascii: "}"))
        case .executeStatement:
            // PartiQL: key literals stay in clear in WHERE; every other literal is redacted.
            out.raw(#"{"statement":""#)
            let quoted = rng.chance(0.5)
            func from() {
                if quoted { out.raw(#"\""#); out.raw(table.model.name); out.raw(#"\""#) } else { out.raw(table.model.name) }
            }
            switch rng.below(20) {
            case 0..<10:
                out.raw("SELECT * FROM "); from(); table.appendWhere(keyIndex, to: &out)
                if rng.chance(0.2) { out.raw(" AND "); out.raw(table.model.attributes[0]); out.raw(" = ***(Redacted)") }
            case 10..<15:
                out.raw("UPDATE "); from(); out.raw(" SET "); out.raw(table.model.attributes[0])
                out.raw(" = ***(Redacted)"); table.appendWhere(keyIndex, to: &out)
            case 15..<18:
                out.raw("DELETE FROM "); from(); table.appendWhere(keyIndex, to: &out)
            default:
                // INSERT redacts even the key values, so such events name no item.
                out.raw("INSERT INTO "); from(); out.raw(" VALUE {'"); out.raw(table.model.hashKey.name)
                out.raw("' : ***(Redacted)")
                if let range = table.model.rangeKey { out.raw(", '"); out.raw(range.name); out.raw("' : ***(Redacted)") }
                out.raw(", '"); out.raw(table.model.attributes[0]); out.raw("' : ***(Redacted)}")
            }
            out.raw(#""}"#)
        }
        out.beginResponseElements()
        out.raw("null")
        out.endRecord(version: "1.09", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                      readOnly: operation.readOnly, resources: resources, apiVersion: "2012-08-10", management: false,
                      recipient: stream.account, tlsHost: stream.dynamoHost, vpcEndpointId: principal.vpcEndpointId)
    }

    private mutating func capacityOrAccessError(_ action: String, principal: GeneratedPrincipal, resource: String) -> APIError {
        switch rng.below(10) {
        case 0..<3:
            return APIError(code: "AccessDeniedException",
                            message: "User: \(principal.arn) is not authorized to perform: dynamodb:\(action) on resource: \(resource) because no identity-based policy allows the dynamodb:\(action) action")
        case 3..<7:
            return APIError(code: "ProvisionedThroughputExceededException",
                            message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
        default:
            return APIError(code: "ThrottlingException",
                            message: "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.")
        }
    }

    private func tableName(_ table: DeployedTable, _ principal: GeneratedPrincipal, _ out: inout RecordWriter) {
        out.raw(principal.usesTableARN ? table.arnJSON : table.nameJSON)
    }

    private func tableAndKey(_ table: DeployedTable, _ key: Int, _ principal: GeneratedPrincipal, _ out: inout RecordWriter) {
        out.raw(#"{"tableName":"#); tableName(table, principal, &out)
        out.raw(#","key":"#); table.appendKey(key, to: &out)
    }

    /// Key attribute names, then (when `all`) a leading run of the other attributes.
    private mutating func attributeNames(_ table: DeployedTable, all: Bool, _ out: inout RecordWriter) {
        out.string(table.model.hashKey.name)
        if let range = table.model.rangeKey { out.byte(UInt8(ascii: ",")); out.string(range.name) }
        let count = all ? 1 + rng.below(table.model.attributes.count) : 0
        for name in table.model.attributes.prefix(count) { out.byte(UInt8(ascii: ",")); out.string(name) }
    }

    private mutating func projection(_ table: DeployedTable, _ out: inout RecordWriter) {
        let attributes = table.model.attributes
        let first = rng.below(attributes.count), second = (first + 1) % attributes.count
        out.raw(##","projectionExpression":"#p0, #p1","expressionAttributeNames":{"#p0":"##)
        out.string(attributes[first]); out.raw(##","#p1":"##); out.string(attributes[second]); out.byte(UInt8(ascii: "}"))
    }

    private mutating func updateExpression(_ table: DeployedTable, conditional: Bool, _ out: inout RecordWriter) {
        let attributes = table.model.attributes
        let count = 1 + rng.below(min(3, attributes.count))
        let first = rng.below(attributes.count)
        out.raw(#","updateExpression":"SET "#)
        for i in 0..<count {
            if i > 0 { out.raw(", ") }
            out.raw("#a"); out.int(i); out.raw(" = :v"); out.int(i)
        }
        out.byte(UInt8(ascii: "\""))
        if conditional { out.raw(#","conditionExpression":"attribute_exists("#); out.raw(table.model.hashKey.name); out.raw(#")""#) }
        out.raw(#","expressionAttributeNames":{"#)
        for i in 0..<count {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw(##""#a"##); out.int(i); out.raw(#"":"#); out.string(attributes[(first + i) % attributes.count])
        }
        out.byte(UInt8(ascii: "}"))
    }

    private mutating func batchTables(_ stream: Stream, first: DeployedTable) -> [DeployedTable] {
        guard stream.tables.count > 1, rng.chance(0.25) else { return [first] }
        let other = stream.tables[stream.tableWeights.pick(&rng)]
        return other === first ? [first] : [first, other]
    }

    private func combined(_ tables: [DeployedTable]) -> Resources {
        if tables.count == 1 { return tables[0].resources }
        return .many(tables.flatMap { table -> [[UInt8]] in
            switch table.resources {
            case .none: []
            case .one(let entry): [entry]
            case .many(let entries): entries
            }
        })
    }
}

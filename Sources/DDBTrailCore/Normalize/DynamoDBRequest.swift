/// Reads DynamoDB's request parameters: which tables a call named, which item keys it touched,
/// and which key schemas it revealed. Member names are matched ignoring case, because AWS's own
/// examples mix `tableName`/`TableName` and `key`/`Key`.
enum DynamoDBRequest {
    static func extract(_ record: JSONObject, into e: NormalisedEvent) {
        let source = e.eventSource ?? ""
        // Only DynamoDB's own calls and its auto scaling name tables.
        guard source == "dynamodb.amazonaws.com" || source == "application-autoscaling.amazonaws.com" else { return }
        let request = record["requestParameters"]?.object
        let response = record["responseElements"]?.object
        let defaultAccount = e.recipientAccountId ?? e.principal?.accountId ?? ""
        let defaultRegion = e.awsRegion ?? ""
        // Table ARNs in `resources` (which may also list the stream) fix account and region.
        var resourceTables: [TableIdentity] = []
        for resource in record["resources"]?.array ?? [] {
            if let arn = resource["ARN"]?.string ?? resource["arn"]?.string, let t = TableIdentity(dynamoDBARN: arn) {
                resourceTables.append(t)
            }
        }
        func resolve(_ nameOrARN: String) -> TableIdentity? {
            if nameOrARN.hasPrefix("arn:") { return TableIdentity(dynamoDBARN: nameOrARN) }
            guard !nameOrARN.isEmpty else { return nil }
            if let known = resourceTables.first(where: { $0.name == nameOrARN }) { return known }
            return TableIdentity(account: defaultAccount, region: defaultRegion, name: nameOrARN)
        }
        var references: [TableReference] = []
        func refer(_ t: TableIdentity?, _ role: String) {
            guard let t else { return }
            let ref = TableReference(table: t, role: role)
            if !references.contains(ref) { references.append(ref) }
        }

        if source == "application-autoscaling.amazonaws.com" {
            if request?["serviceNamespace"]?.string == "dynamodb", let id = request?["resourceId"]?.string,
               id.hasPrefix("table/") {
                refer(resolve(String(id.split(separator: "/")[1])), "resourceId")
            }
            e.tableReferences = references
            return
        }
        for member in namingMembers {
            if let value = request?[member]?.string { refer(resolve(value), member) }
        }
        if let value = request?["tableCreationParameters"]?["tableName"]?.string { refer(resolve(value), "tableCreationParameters.tableName") }
        if let iterator = request?["shardIterator"]?.string, let arn = iterator.split(separator: "|").first {
            refer(TableIdentity(dynamoDBARN: String(arn)), "shardIterator")
        }
        let description = response?["tableDescription"]?.object ?? response?["table"]?.object
        if let d = description {
            refer(d["tableArn"]?.string.flatMap(TableIdentity.init(dynamoDBARN:)) ?? d["tableName"]?.string.flatMap(resolve), "responseElements.tableDescription")
        }
        for t in resourceTables { refer(t, "resources") }

        // Key schemas: from the request (CreateTable) and from any table description returned.
        func learnKeySchema(_ holder: JSONObject?) {
            guard let holder, let schema = holder["keySchema"]?.array, let name = holder["tableName"]?.string,
                  let t = (holder["tableArn"]?.string).flatMap(TableIdentity.init(dynamoDBARN:)) ?? resolve(name) else { return }
            var types: [String: String] = [:]
            for definition in holder["attributeDefinitions"]?.array ?? [] {
                if let n = definition["attributeName"]?.string, let ty = definition["attributeType"]?.string { types[n] = ty }
            }
            let attributes = schema.compactMap { element -> (name: String, keyType: String, type: String?)? in
                guard let n = element["attributeName"]?.string else { return nil }
                return (n, element["keyType"]?.string ?? "", types[n])
            }
            if !attributes.isEmpty, !e.keySchemas.contains(where: { $0.table == t }) {
                e.keySchemas.append(KeySchema(table: t, attributes: attributes))
            }
        }
        learnKeySchema(request)
        learnKeySchema(description)
        e.tableReferences = references

        // Item accesses of data-plane calls.
        guard let request, let name = e.eventName else { return }
        let singleTable = request["tableName"]?.string.flatMap(resolve)
        func access(_ t: TableIdentity, _ operation: String, key: JSON?, names: JSON? = nil, position: Int? = nil) -> ItemAccess {
            var a = ItemAccess(table: t, operation: operation)
            if case .object(let k)? = key {
                a.keyRaw = JSON.object(k).compactText
                a.key = ItemKey.attributes(from: k, types: [:])
            }
            a.attributeNames = names.map(\.compactText)
            a.indexName = request["indexName"]?.string
            a.position = position
            return a
        }
        switch name {
        case "GetItem", "PutItem", "UpdateItem", "DeleteItem":
            guard let t = singleTable else { return }
            e.itemAccesses.append(access(t, name, key: request["key"], names: attributeNames(request)))
        case "Query", "Scan":
            guard let t = singleTable else { return }
            e.itemAccesses.append(access(t, name, key: nil))
        case "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems":
            let defaultOperation = name == "BatchGetItem" || name == "TransactGetItems" ? "Get" : "Write"
            let items = request["requestItems"] ?? request["transactItems"]
            var position = 0
            for (tableName, entry) in batchEntries(items) {
                guard let t = (entry.object?["tableName"]?.string ?? tableName).flatMap(resolve) else { continue }
                for (operation, key, names) in itemsOf(entry, defaultOperation: defaultOperation) {
                    e.itemAccesses.append(access(t, operation, key: key, names: names, position: position))
                    position += 1
                }
            }
        case "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction":
            var statements: [String] = []
            if let s = request["statement"]?.string { statements.append(s) }
            for list in [request["requestItems"], request["statements"], request["transactStatements"]] {
                for item in list?.array ?? [] { if let s = item["statement"]?.string { statements.append(s) } }
            }
            for (position, text) in statements.enumerated() {
                guard let parsed = PartiQL.parse(text) else {
                    e.warnings.append("PartiQL statement \(position) could not be read: \(String(text.prefix(120)))")
                    continue
                }
                guard let t = resolve(parsed.table) ?? resourceTables.first else { continue }
                var a = ItemAccess(table: t, operation: parsed.operation)
                if !parsed.keyLiterals.isEmpty {
                    a.key = parsed.keyLiterals.map {
                        ItemKey.Attribute(name: $0.name, type: $0.isNumber ? "N" : nil, value: $0.value)
                    }
                    a.keyRaw = "{" + parsed.keyLiterals.map { jsonString($0.name) + ":" + ($0.isNumber ? $0.value : jsonString($0.value)) }.joined(separator: ",") + "}"
                }
                if let names = parsed.attributeNames {
                    // INSERT's VALUE names are the whole item, like PutItem's `item` list.
                    let list = JSON.array(names.map(JSON.string))
                    a.attributeNames = parsed.operation == "INSERT" ? list.compactText
                        : JSON.object(JSONObject(members: [("touches", list)], range: 0..<0)).compactText
                }
                a.indexName = parsed.index
                a.position = statements.count > 1 ? position : nil
                e.itemAccesses.append(a)
            }
        default:
            break
        }
    }

    /// Every request member that names a table, for control-plane and data-plane calls alike.
    static let namingMembers = ["tableName", "tableArn", "sourceTableName", "sourceTableArn", "targetTableName",
                                "globalTableName", "resourceArn", "backupArn", "streamArn"]

    /// Attribute names a write declared: PutItem's `item` list, or the names an update
    /// expression uses (through `expressionAttributeNames`).
    static func attributeNames(_ request: JSONObject) -> JSON? {
        if let items = request["item"] ?? request["items"] { return items }
        var names: [JSON] = []
        if let map = request["expressionAttributeNames"]?.object {
            names = map.members.map(\.value)
        }
        if let expression = request["updateExpression"]?.string {
            return .object(JSONObject(members: [("updateExpression", .string(expression)), ("names", .array(names))], range: 0..<0))
        }
        return nil
    }

    /// Batch and transaction request items as (table name if keyed by table, entry) pairs. Tolerates
    /// a map keyed by table name (the API's shape) and a flat array (CloudTrail's TransactWriteItems).
    static func batchEntries(_ items: JSON?) -> [(String?, JSON)] {
        switch items {
        case .object(let map)?:
            return map.members.map { ($0.key, $0.value) }
        case .array(let list)?:
            return list.map { entry in
                // {"put": {"tableName": …, "key": …}} as in the API's TransactItems.
                if let o = entry.object, o.members.count == 1, case .object(let inner) = o.members[0].value,
                   ["put", "update", "delete", "conditioncheck", "get"].contains(o.members[0].key.lowercased()) {
                    var merged = inner
                    merged.members.append(("operation", .string(operationName(o.members[0].key))))
                    return (inner["tableName"]?.string, .object(merged))
                }
                return (nil, entry)
            }
        default:
            return []
        }
    }

    /// The items one batch entry names: (operation, key, declared attribute names).
    static func itemsOf(_ entry: JSON, defaultOperation: String) -> [(String, JSON?, JSON?)] {
        switch entry {
        case .array(let requests):
            // BatchWriteItem: [{"putRequest": {...}} | {"deleteRequest": {"key": …}}]
            return requests.flatMap { request -> [(String, JSON?, JSON?)] in
                // A put may log its key and its attribute names, or the names alone (no key).
                if let put = request["putRequest"] {
                    if case .array = put { return [("Put", nil, put)] }
                    return [("Put", put["key"], put["item"] ?? put["items"])]
                }
                if let delete = request["deleteRequest"] { return [("Delete", delete["key"], nil)] }
                if request["key"] != nil || request["operation"] != nil { return itemsOf(request, defaultOperation: defaultOperation) }
                return [(defaultOperation, request, nil)]
            }
        case .object(let o):
            // A flat list of BatchWriteItem requests, each naming its table beside it.
            if o["putRequest"] != nil || o["deleteRequest"] != nil { return itemsOf(.array([entry]), defaultOperation: defaultOperation) }
            let operation = o["operation"]?.string.map(operationName) ?? defaultOperation
            if let key = o["key"] { return [(operation, key, attributeNames(o))] }
            if let keys = o["keys"]?.array { return keys.map { (operation, $0, nil) } }
            return [(operation, nil, attributeNames(o))]
        default:
            return []
        }
    }


    static func operationName(_ s: String) -> String {
        switch s.lowercased() {
        case "put": return "Put"
        case "update": return "Update"
        case "delete": return "Delete"
        case "conditioncheck": return "ConditionCheck"
        case "get": return "Get"
        default: return s
        }
    }
}

import Foundation
import Testing
@testable import DDBTrailCore


/// The first CloudTrail record of a fixture file, normalised.
func normalisedFirst(_ relative: String) throws -> NormalisedEvent {
    let value = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: fixture(relative)))))
    let record = try #require(value["Records"]?.array?.first?.object ?? value.object)
    return CloudTrailNormaliser.normalise(record)
}

@Suite struct NormaliserTests {
    /// The memo gives what deriving gives, keyed by the identity's exact bytes.
    @Test func principalMemoMatchesDerivation() throws {
        let memo = PrincipalMemo()
        var seen: [String] = []
        for file in ["samples/cloudtrail_ddb_data_putitem_awsdoc.json", "samples/cloudtrail_ddb_mgmt_createtable_ibm.json",
                     "samples/cloudtrail_ddb_data_putitem_awsdoc.json"] {
            let raw = Array(try Data(contentsOf: URL(fileURLWithPath: fixture(file))))
            let value = try JSONParser.parse(raw)
            let record = try #require(value["Records"]?.array?.first?.object ?? value.object)
            let plain = CloudTrailNormaliser.normalise(record)
            let memoised = CloudTrailNormaliser.normalise(record, raw: raw, principals: memo)
            let principal = try #require(plain.principal)
            #expect(memoised.principal == principal)
            #expect(memoised.principalKey == principal.identityKey)
            seen.append(principal.identityKey)
        }
        #expect(seen[0] == seen[2] && seen[0] != seen[1])
        // A range outside the bytes given is not looked up.
        let record = try #require(try JSONParser.parse(#"{"userIdentity":{"type":"Root"}}"#).object)
        #expect(memo.principal(try #require(record["userIdentity"]), in: []) == nil)
    }

    @Test func tablesFromARNs() {
        func t(_ account: String, _ region: String, _ name: String) -> TableIdentity { TableIdentity(account: account, region: region, name: name) }
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders") == t("111122223333", "eu-west-1", "Orders"))
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders/stream/2026-11-24T19:26:52.974")
                == t("111122223333", "eu-west-1", "Orders"))
        #expect(TableIdentity(dynamoDBARN: "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/T.1/index/byDate") == t("123456789012", "cn-north-1", "T.1"))
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb::111122223333:global-table/Orders") == t("111122223333", "", "Orders"))
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/Bestellungen-ä") == t("111122223333", "eu-west-1", "Bestellungen-ä"))
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/") == nil)
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1:111122223333:backup/x") == nil)
        #expect(TableIdentity(dynamoDBARN: "arn:aws:s3:::bucket/table/x") == nil)
        #expect(TableIdentity(dynamoDBARN: "arn:aws:dynamodb:eu-west-1") == nil)
        #expect(TableIdentity(dynamoDBARN: "Orders") == nil)
        let f = ARN.fields("arn:aws:iam::111122223333:role/a:b")
        #expect(f?.service == "iam" && f?.region == "" && f?.account == "111122223333" && f?.resource == "role/a:b")
    }

    @Test func putItemFieldsPrincipalAndKey() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddb_data_putitem_awsdoc.json")
        #expect(e.eventName == "PutItem")
        #expect(e.eventCategory == "Data")
        #expect(e.readOnly == false)
        #expect(e.recipientAccountId == "111122223333")
        #expect(e.eventTime?.hasSuffix("Z") == true)
        #expect(e.warnings.isEmpty)
        let access = try #require(e.itemAccesses.first)
        #expect(e.itemAccesses.count == 1)
        // resources[] names the table ARN, which fixes its account and region.
        #expect(access.table == TableIdentity(account: "123456789012", region: "us-west-2", name: "Music"))
        #expect(access.operation == "PutItem")
        #expect(access.key.map(ItemKey.canonical) == #"{"Artist":"No One You Know","SongTitle":"Scared of My Shadow"}"#)
        #expect(access.attributeNames == #"["Artist","SongTitle","AlbumTitle"]"#)
    }

    @Test func transactWriteItemsGivesOneAccessPerItemWithMixedCasing() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddb_data_transactwriteitems_awsdoc.json")
        #expect(e.itemAccesses.map(\.operation) == ["Put", "Update", "Delete", "ConditionCheck"])
        #expect(e.itemAccesses.map(\.position) == [0, 1, 2, 3])
        #expect(e.itemAccesses.allSatisfy { $0.table.name == "Music" && $0.key != nil })
        #expect(e.itemAccesses[3].key.map(ItemKey.canonical) == #"{"Artist":"No One You Know","SongTitle":"Call Me Now"}"#)
    }

    @Test func failedConditionalUpdateKeepsErrorAndKey() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddb_data_updateitem_conditionalcheckfailed_awsdoc.json")
        #expect(e.errorCode == "ConditionalCheckFailedException")
        #expect(e.itemAccesses.count == 1)
        #expect(e.itemAccesses[0].operation == "UpdateItem")
        #expect(e.itemAccesses[0].attributeNames?.contains("updateExpression") == true)
    }

    @Test func partiQLStatementsYieldKeysFromWhereLiterals() throws {
        let single = try normalisedFirst("samples/cloudtrail_ddb_data_executestatement_awsdoc.json")
        #expect(single.itemAccesses.count == 1)
        #expect(single.itemAccesses[0].operation == "SELECT")
        #expect(single.itemAccesses[0].key.map(ItemKey.canonical) == #"{"Artist":"No One You Know","SongTitle":"Call Me Today"}"#)

        let batch = try normalisedFirst("samples/cloudtrail_ddb_data_batchexecutestatement_awsdoc.json")
        #expect(batch.itemAccesses.map(\.operation) == ["UPDATE", "INSERT"])
        #expect(batch.itemAccesses[0].key != nil)
        #expect(batch.itemAccesses[1].key == nil) // INSERT redacts even the key values
        // What each statement writes: the INSERT's VALUE names (the whole item), the UPDATE's SET target.
        #expect(batch.itemAccesses[1].attributeNames == #"["Artist","SongTitle","Album"]"#)
        #expect(batch.itemAccesses[0].attributeNames == #"{"touches":["Album"]}"#)
    }

    @Test func partiQLWrittenNamesSkipValuesAndConditions() throws {
        let insert = try #require(PartiQL.parse(#"INSERT INTO "Orders" VALUE {'pk' : ***(Redacted), "sk" : 'x', 'address' : {'city' : ***(Redacted), 'zip' : 1}, 'tags' : [1, {'n' : 2}]}"#))
        #expect(insert.attributeNames == ["pk", "sk", "address", "tags"])
        let update = try #require(PartiQL.parse(#"UPDATE Orders SET total = ***(Redacted), "address".city = ***(Redacted) SET notes = list_append(notes, ***(Redacted)) REMOVE tags[1], old WHERE pk = 'a' AND total = ***(Redacted)"#))
        #expect(update.attributeNames == ["total", "address", "notes", "tags", "old"])
        #expect(update.keyLiterals == [PartiQL.Literal(name: "pk", value: "a", isNumber: false)])
        #expect(try #require(PartiQL.parse("DELETE FROM Orders WHERE pk = 'a'")).attributeNames == nil)
    }

    /// A batch put may log its key and names, only its names (then no key is known), or only a name list.
    @Test func keylessBatchPutsKeepTheirNames() throws {
        let value = try JSONParser.parse(#"""
            {"eventName":"BatchWriteItem","eventSource":"dynamodb.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
             "requestParameters":{"requestItems":{"Orders":[
               {"putRequest":{"key":{"id":"1"},"item":["id","a"]}},{"PutRequest":{"Item":["id","b"]}},{"putRequest":["id","c"]}]}}}
            """#)
        let e = CloudTrailNormaliser.normalise(try #require(value.object))
        #expect(e.itemAccesses.map(\.operation) == ["Put", "Put", "Put"])
        #expect(e.itemAccesses.map { $0.key == nil } == [false, true, true])
        #expect(e.itemAccesses.map(\.attributeNames) == [#"["id","a"]"#, #"["id","b"]"#, #"["id","c"]"#])
        // requestItems as a flat list, each request naming its table.
        let flat = try JSONParser.parse(#"""
            {"eventName":"BatchWriteItem","eventSource":"dynamodb.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
             "requestParameters":{"requestItems":[{"tableName":"Orders","putRequest":{"item":["id","d"]}},{"tableName":"Orders","deleteRequest":{"key":{"id":"9"}}}]}}
            """#)
        let f = CloudTrailNormaliser.normalise(try #require(flat.object))
        #expect(f.itemAccesses.map(\.operation) == ["Put", "Delete"])
        #expect(f.itemAccesses.map { $0.table.name } == ["Orders", "Orders"])
        #expect(f.itemAccesses[0].attributeNames == #"["id","d"]"# && f.itemAccesses[0].key == nil && f.itemAccesses[1].key != nil)
    }

    @Test func getRecordsNamesTheTableThroughTheShardIterator() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddbstreams_data_getrecords_awsdoc.json")
        #expect(e.itemAccesses.isEmpty)
        #expect(e.tableReferences.contains { $0.role == "shardIterator" && $0.table.name == "Music" })
    }

    @Test func createTableTeachesTheKeySchema() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddb_mgmt_createtable_ibm.json")
        let schema = try #require(e.keySchemas.first)
        #expect(schema.table == TableIdentity(account: "083406524166", region: "ap-south-1", name: "Employee"))
        #expect(schema.attributes.count == 1)
        #expect(schema.attributes[0].name == "Employee Number")
        #expect(schema.attributes[0].keyType == "HASH")
        #expect(schema.attributes[0].type == "N")
        #expect(e.principal?.type == "Root")
    }

    @Test func updateTableWithoutTableNameUsesResources() throws {
        let e = try normalisedFirst("samples/cloudtrail_ddb_mgmt_updatetable_awsdoc.json")
        #expect(!e.tableReferences.isEmpty)
        #expect(e.tableReferences.allSatisfy { $0.table.name == "Music" })
    }

    @Test func assumedRolePrincipalIsTakenApart() throws {
        let value = try JSONParser.parse(#"""
            {"eventName":"GetItem","eventSource":"dynamodb.amazonaws.com","userIdentity":{"type":"AssumedRole",
             "principalId":"AROAEXAMPLE:orders-api","arn":"arn:aws:sts::111122223333:assumed-role/app-backend/orders-api",
             "accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sourceIdentity":"alice",
             "sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/app-backend","userName":"app-backend"}}}}
            """#)
        let object = try #require(value.object)
        let p = try #require(CloudTrailNormaliser.normalise(object).principal)
        #expect(p.roleName == "app-backend")
        #expect(p.sessionName == "orders-api")
        #expect(p.sourceIdentity == "alice")
        #expect(p.accessKeyId == "ASIAEXAMPLE")
        #expect(p.sessionIssuerArn == "arn:aws:iam::111122223333:role/app-backend")
    }

    @Test func tableARNInRequestAndBatchMapShape() throws {
        let value = try JSONParser.parse(#"""
            {"eventName":"BatchWriteItem","eventSource":"dynamodb.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333",
             "requestParameters":{"requestItems":{"arn:aws:dynamodb:eu-west-1:444455556666:table/Orders":[
               {"putRequest":{"key":{"id":7}}},{"deleteRequest":{"key":{"id":"8"}}}],
               "Customers":[{"deleteRequest":{"Key":{"customerId":"C-1"}}}]}}}
            """#)
        let e = CloudTrailNormaliser.normalise(try #require(value.object))
        #expect(e.itemAccesses.map(\.operation) == ["Put", "Delete", "Delete"])
        #expect(e.itemAccesses[0].table == TableIdentity(account: "444455556666", region: "eu-west-1", name: "Orders"))
        #expect(e.itemAccesses[2].table == TableIdentity(account: "111122223333", region: "eu-west-1", name: "Customers"))
        #expect(e.itemAccesses[0].key.map(ItemKey.canonical) == #"{"id":"7"}"#)
    }

    @Test func unreadableEventTimeIsAWarningNotARejection() throws {
        let value = try JSONParser.parse(#"{"eventName":"X","eventSource":"s3.amazonaws.com","eventTime":"redacted"}"#)
        let e = CloudTrailNormaliser.normalise(try #require(value.object))
        #expect(e.eventTime == nil)
        #expect(e.warnings.count == 1)
        #expect(e.warnings[0].contains("'redacted'") || e.warnings[0].contains("\"redacted\""))
    }
}

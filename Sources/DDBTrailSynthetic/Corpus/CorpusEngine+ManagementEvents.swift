/// Management events of the corpus: DynamoDB control plane, STS, IAM, EC2 and S3.
extension CorpusEngine {
    enum ManagementKind: Sendable {
        case describeTable, listTables, describeContinuousBackups, describeTimeToLive, listTagsOfResource
        case updateTable, updateContinuousBackups, assumeRole, getCallerIdentity, iam, ec2, s3
    }

    static let managementKinds = Weighted<ManagementKind>([
        (.describeTable, 22), (.listTables, 6), (.describeContinuousBackups, 3), (.describeTimeToLive, 3),
        (.listTagsOfResource, 3), (.updateTable, 1), (.updateContinuousBackups, 0.5), (.assumeRole, 25),
        (.getCallerIdentity, 5), (.iam, 8), (.ec2, 14), (.s3, 8),
    ])

    mutating func managementEvent(stream: Stream, time: Int, into out: inout RecordWriter) {
        var kind = Self.managementKinds.pick(&rng)
        // IAM is a global service: its events are delivered with the us-east-1 logs.
        if kind == .iam && stream.region != "us-east-1" { kind = .ec2 }
        switch kind {
        case .describeTable, .describeContinuousBackups, .describeTimeToLive, .listTagsOfResource, .listTables,
             .updateTable, .updateContinuousBackups:
            dynamoManagement(kind, stream: stream, time: time, into: &out)
        case .assumeRole:
            assumeRole(stream: stream, time: time, into: &out)
        case .getCallerIdentity:
            let principal = stream.principals.managementCaller(&rng)
            out.beginRecord(version: "1.08", identity: principal, time: time, source: "sts.amazonaws.com",
                            name: "GetCallerIdentity", region: stream.region)
            out.raw("null")
            out.beginResponseElements(); out.raw("null")
            out.endRecord(version: "1.08", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                          resources: .none, apiVersion: nil, management: true, recipient: stream.account, tlsHost: stream.stsHost)
        case .iam:
            iamEvent(stream: stream, time: time, into: &out)
        case .ec2:
            ec2Event(stream: stream, time: time, into: &out)
        case .s3:
            s3Event(stream: stream, time: time, into: &out)
        }
    }

    private mutating func dynamoManagement(_ kind: ManagementKind, stream: Stream, time: Int, into out: inout RecordWriter) {
        let writes = kind == .updateTable || kind == .updateContinuousBackups
        let principal = writes ? stream.principals.adminCaller(&rng) : stream.principals.managementCaller(&rng)
        let table = stream.tables[stream.tableWeights.pick(&rng)]
        let name: String
        switch kind {
        case .describeTable: name = "DescribeTable"
        case .listTables: name = "ListTables"
        case .describeContinuousBackups: name = "DescribeContinuousBackups"
        case .describeTimeToLive: name = "DescribeTimeToLive"
        case .listTagsOfResource: name = "ListTagsOfResource"
        case .updateTable: name = "UpdateTable"
        default: name = "UpdateContinuousBackups"
        }
        let error = rng.chance(Self.errorRate)
            ? APIError(code: "AccessDeniedException",
                       message: "User: \(principal.arn) is not authorized to perform: dynamodb:\(name) on resource: \(table.arn) because no identity-based policy allows the dynamodb:\(name) action")
            : nil
        out.beginRecord(version: "1.11", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                        name: name, region: stream.region, error: error)
        var enablePITR = true
        switch kind {
        case .listTables:
            if rng.chance(0.2) { out.raw(#"{"limit":100}"#) } else { out.raw("null") }
        case .listTagsOfResource:
            out.raw(#"{"resourceArn":"#); out.raw(table.arnJSON); out.byte(UInt8(ascii: "}"))
        case .updateTable:
            out.raw(#"{"tableName":"#); out.raw(table.nameJSON)
            out.raw(#","provisionedThroughput":{"readCapacityUnits":"#); out.int(50 * (1 + rng.below(20)))
            out.raw(#","writeCapacityUnits":"#); out.int(25 * (1 + rng.below(20))); out.raw("}}")
        case .updateContinuousBackups:
            // Mostly enabling point-in-time recovery; rarely switching it off, as an attacker would.
            enablePITR = !rng.chance(0.1)
            out.raw(#"{"tableName":"#); out.raw(table.nameJSON)
            out.raw(enablePITR ? #","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":true}}"#
                               : #","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"#)
        default:
            out.raw(#"{"tableName":"#); out.raw(table.nameJSON); out.byte(UInt8(ascii: "}"))
        }
        out.beginResponseElements()
        if error == nil && kind == .updateTable {
            out.raw(#"{"tableDescription":{"#); table.appendSchema(to: &out)
            out.raw(#","tableName":"#); out.raw(table.nameJSON)
            out.raw(#","tableStatus":"UPDATING","creationDateTime":""#); out.javaTime(Self.start)
            out.raw(#"","tableSizeBytes":"#); out.int(table.model.items * 310)
            out.raw(#","itemCount":"#); out.int(table.model.items)
            out.raw(#","tableArn":"#); out.raw(table.arnJSON)
            out.raw(#","tableId":"#); out.string(table.tableId); out.raw("}}")
        } else if error == nil && kind == .updateContinuousBackups {
            out.raw(enablePITR
                ? #"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"ENABLED"}}}"#
                : #"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}}"#)
        } else {
            out.raw("null")
        }
        out.endRecord(version: "1.11", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                      readOnly: !writes, resources: kind == .listTables ? .none : table.resources,
                      apiVersion: "2012-08-10", management: true, recipient: stream.account, tlsHost: stream.dynamoHost,
                      vpcEndpointId: principal.vpcEndpointId)
    }

    mutating func createTable(stream: Stream, table: DeployedTable, time: Int, into out: inout RecordWriter) {
        let principal = stream.principals.terraform
        out.beginRecord(version: "1.11", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                        name: "CreateTable", region: stream.region)
        out.byte(UInt8(ascii: "{")); table.appendSchema(to: &out)
        out.raw(#","tableName":"#); out.raw(table.nameJSON)
        out.raw(#","billingMode":"PAY_PER_REQUEST","sSESpecification":{"enabled":true}"#)
        if let label = table.model.streamLabel, !label.isEmpty {
            out.raw(#","streamSpecification":{"streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}"#)
        }
        out.byte(UInt8(ascii: "}"))
        out.beginResponseElements()
        out.raw(#"{"tableDescription":{"#); table.appendSchema(to: &out)
        out.raw(#","tableName":"#); out.raw(table.nameJSON)
        out.raw(#","tableStatus":"CREATING","creationDateTime":""#); out.javaTime(time)
        out.raw(#"","tableSizeBytes":0,"itemCount":0,"tableArn":"#); out.raw(table.arnJSON)
        out.raw(#","tableId":"#); out.string(table.tableId)
        out.raw(#","billingModeSummary":{"billingMode":"PAY_PER_REQUEST"}}}"#)
        out.endRecord(version: "1.11", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                      readOnly: false, resources: table.resources, apiVersion: "2012-08-10", management: true,
                      recipient: stream.account, tlsHost: stream.dynamoHost)
    }

    /// A service (or an automation user) assuming a role for one of the account's sessions; the
    /// response names the session's ASIA key, which links the session's later calls to this event.
    private mutating func assumeRole(stream: Stream, time: Int, into out: inout RecordWriter) {
        let session = stream.principals.assumable(&rng)
        let caller = session.launchedBy.map { stream.principals.service($0) } ?? stream.principals.terraform
        out.beginRecord(version: "1.08", identity: caller, time: time, source: "sts.amazonaws.com",
                        name: "AssumeRole", region: stream.region)
        out.raw(#"{"roleArn":"#); out.string(session.roleArn)
        out.raw(#","roleSessionName":"#); out.string(session.sessionName)
        out.raw(#","durationSeconds":3600}"#)
        out.beginResponseElements()
        out.raw(#"{"credentials":{"accessKeyId":"#); out.string(session.accessKeyId)
        out.raw(#","sessionToken":"IQoJb3JpZ2luX2VjE"#); out.raw(rng.characters(96, from: Alphabet.alphanumerics))
        out.raw(#"","expiration":""#); out.javaTime(time + 3_600)
        out.raw(#""},"assumedRoleUser":{"assumedRoleId":"#); out.string(session.roleId + ":" + session.sessionName)
        out.raw(#","arn":"#); out.string(session.arn); out.raw("}}")
        var resource = RecordWriter()
        resource.raw(#"{"accountId":"#); resource.string(stream.account)
        resource.raw(#","type":"AWS::IAM::Role","ARN":"#); resource.string(session.roleArn); resource.raw("}")
        out.endRecord(version: "1.08", identity: caller, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                      resources: .one(resource.bytes), apiVersion: nil, management: true, recipient: stream.account,
                      tlsHost: stream.stsHost)
    }

    private mutating func iamEvent(stream: Stream, time: Int, into out: inout RecordWriter) {
        let principal = stream.principals.adminCaller(&rng)
        let (name, parameter, value): (StaticString, StaticString, String) = switch rng.below(5) {
        case 0: ("GetUser", "userName", stream.principals.userNames[rng.below(stream.principals.userNames.count)])
        case 1: ("ListAccessKeys", "userName", stream.principals.userNames[rng.below(stream.principals.userNames.count)])
        case 2: ("GetRole", "roleName", stream.principals.roleNames[rng.below(stream.principals.roleNames.count)])
        case 3: ("ListAttachedRolePolicies", "roleName", stream.principals.roleNames[rng.below(stream.principals.roleNames.count)])
        default: ("ListRoles", "", "")
        }
        let error = rng.chance(Self.errorRate)
            ? APIError(code: "AccessDenied",
                       message: "User: \(principal.arn) is not authorized to perform: iam:\(name) because no identity-based policy allows the iam:\(name) action")
            : nil
        out.beginRecord(version: "1.09", identity: principal, time: time, source: "iam.amazonaws.com",
                        name: "\(name)", region: "us-east-1", error: error)
        if value.isEmpty {
            out.raw(#"{"maxItems":100}"#)
        } else {
            out.raw(#"{""#); out.raw(parameter); out.raw(#"":"#); out.string(value); out.byte(UInt8(ascii: "}"))
        }
        out.beginResponseElements(); out.raw("null")
        out.endRecord(version: "1.09", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                      resources: .none, apiVersion: nil, management: true, recipient: stream.account,
                      tlsHost: "iam.amazonaws.com")
    }

    private mutating func ec2Event(stream: Stream, time: Int, into out: inout RecordWriter) {
        let principal = stream.principals.managementCaller(&rng)
        let (name, parameters): (StaticString, StaticString) = switch rng.below(4) {
        case 0: ("DescribeInstances", #"{"instancesSet":{},"filterSet":{}}"#)
        case 1: ("DescribeSecurityGroups", #"{"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{}}"#)
        case 2: ("DescribeVpcs", #"{"vpcSet":{},"filterSet":{}}"#)
        default: ("DescribeRegions", #"{"regionSet":{}}"#)
        }
        let error = rng.chance(Self.errorRate)
            ? APIError(code: "Client.UnauthorizedOperation", message: "You are not authorized to perform this operation.")
            : nil
        out.beginRecord(version: "1.10", identity: principal, time: time, source: "ec2.amazonaws.com",
                        name: "\(name)", region: stream.region, error: error)
        out.raw(parameters)
        out.beginResponseElements(); out.raw("null")
        out.endRecord(version: "1.10", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                      resources: .none, apiVersion: nil, management: true, recipient: stream.account, tlsHost: stream.ec2Host)
    }

    private mutating func s3Event(stream: Stream, time: Int, into out: inout RecordWriter) {
        let principal = stream.principals.managementCaller(&rng)
        let bucket = stream.buckets[rng.below(stream.buckets.count)]
        let host = "\(bucket).s3.\(stream.region).amazonaws.com"
        let (name, subresource): (StaticString, StaticString) = switch rng.below(4) {
        case 0: ("GetBucketAcl", "acl")
        case 1: ("GetBucketPolicy", "policy")
        case 2: ("GetBucketLocation", "location")
        default: ("GetBucketEncryption", "encryption")
        }
        let error = rng.chance(Self.errorRate) ? APIError(code: "AccessDenied", message: "Access Denied") : nil
        out.beginRecord(version: "1.10", identity: principal, time: time, source: "s3.amazonaws.com",
                        name: "\(name)", region: stream.region, error: error)
        out.raw(#"{"bucketName":"#); out.string(bucket)
        out.raw(#","Host":"#); out.string(host)
        out.raw(#",""#); out.raw(subresource); out.raw(#"":""}"#)
        out.beginResponseElements(); out.raw("null")
        var extra = RecordWriter()
        extra.raw(#"{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":""#)
        extra.raw(rng.characters(76, from: Alphabet.alphanumerics))
        extra.raw(#"","bytesTransferredOut":"#); extra.int(200 + rng.below(1_200)); extra.byte(UInt8(ascii: "}"))
        var resource = RecordWriter()
        resource.raw(#"{"accountId":"#); resource.string(stream.account)
        resource.raw(#","type":"AWS::S3::Bucket","ARN":"#); resource.string("arn:aws:s3:::" + bucket); resource.raw("}")
        out.endRecord(version: "1.10", identity: principal, additionalEventData: String(decoding: extra.bytes, as: UTF8.self),
                      requestID: rng.characters(16, from: "0123456789ABCDEF"), eventID: rng.uuid(), readOnly: true,
                      resources: .one(resource.bytes), apiVersion: nil, management: true, recipient: stream.account,
                      tlsHost: host)
    }
}

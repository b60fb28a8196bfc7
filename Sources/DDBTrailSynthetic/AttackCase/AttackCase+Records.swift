import DDBTrailCore

extension AttackCase.Builder {
    // MARK: - CloudTrail records

    func resources(_ table: Table) -> Resources {
        table == .orders && !ordersStreamEnabled ? ordersTableOnly : tables[table.rawValue].resources
    }

    /// Writes one CloudTrail record (field order of eventVersion 1.08–1.11) and returns its eventID.
    @discardableResult
    mutating func emit(_ actor: Actor, _ time: Int, _ name: String, source: Source = .dynamodb, parameters: String = "null",
                       response: String = "null", error: APIError? = nil, readOnly: Bool,
                       table: Table? = nil, resources explicit: Resources? = nil, data: Bool = false) -> String {
        let version: StaticString = data ? "1.09" : source == .sts ? "1.08" : "1.11"
        var out = RecordWriter(capacity: 1_800)
        out.beginRecord(version: version, identity: actor, time: time,
                        source: source == .sts ? "sts.amazonaws.com" : "dynamodb.amazonaws.com", name: name,
                        region: AttackCase.region, sourceIP: actor.address(&rng), error: error)
        out.raw(parameters)
        out.beginResponseElements()
        out.raw(response)
        let requestID = source == .sts ? rng.uuid() : rng.dynamoRequestID()
        let eventID = rng.uuid()
        out.endRecord(version: version, identity: actor, requestID: requestID, eventID: eventID, readOnly: readOnly,
                      resources: explicit ?? table.map({ resources($0) }) ?? .none,
                      apiVersion: source == .dynamodb ? "2012-08-10" : nil, management: !data, recipient: AttackCase.account,
                      tlsHost: (source == .sts ? "sts." : "dynamodb.") + AttackCase.region + ".amazonaws.com",
                      vpcEndpointId: source == .dynamodb ? actor.vpcEndpointId : nil)
        records.append(Record(time: time, bytes: out.bytes))
        return eventID
    }

    func plainKey(_ table: Table, _ key: [String]) -> String {
        "{" + zip(table.keyNames, key).map { "\(jsonString($0)):\(jsonString($1))" }.joined(separator: ",") + "}"
    }

    func roleResource(_ role: Role) -> Resources {
        .one(Array(#"{"accountId":"\#(AttackCase.account)","type":"AWS::IAM::Role","ARN":\#(jsonString(role.arn))}"#.utf8))
    }

    func credentials(_ key: String, expiration: Int, token: String) -> String {
        var text = RecordWriter(capacity: 40)
        text.javaTime(expiration)
        return #"{"accessKeyId":"\#(key)","sessionToken":"\#(token)","expiration":"\#(String(decoding: text.bytes, as: UTF8.self))"}"#
    }

    mutating func sessionToken() -> String { "IQoJb3JpZ2luX2VjE" + rng.characters(120, from: Alphabet.alphanumerics) }

    mutating func assumeRoleByService(_ service: Actor, role: Role, session: String, key: String, time: Int, duration: Int?) {
        let parameters = #"{"roleArn":\#(jsonString(role.arn)),"roleSessionName":\#(jsonString(session))\#(duration.map { ",\"durationSeconds\":\($0)" } ?? "")}"#
        let response = #"{"credentials":\#(credentials(key, expiration: time + (duration ?? 21_600), token: sessionToken())),"assumedRoleUser":{"assumedRoleId":\#(jsonString(role.id + ":" + session)),"arn":"arn:aws:sts::\#(AttackCase.account):assumed-role/\#(role.name)/\#(session)"}}"#
        emit(service, time, "AssumeRole", source: .sts, parameters: parameters, response: response, readOnly: true,
             resources: roleResource(role))
    }

    // MARK: - Stream records

    /// Appends a stream record for a change to `table` (none for Customers, nor for Orders once
    /// its stream is disabled) and returns its eventID. The stream clock rounds down and the
    /// write completes before CloudTrail logs it, so the record is stamped the call's second or
    /// the one before.
    @discardableResult
    mutating func change(_ table: Table, _ type: String, key: [String], old: [String: String]?, new: [String: String]?,
                         at time: Int, ttl: Bool = false) -> String? {
        guard let label = table.streamLabel, table != .orders || ordersStreamEnabled else { return nil }
        let stamped = ttl ? time : time - (rng.below(3) == 0 ? 1 : 0)
        sequences[table.rawValue] += UInt64(1 + rng.below(40)) * 100
        let id = rng.characters(32, from: "0123456789abcdef")
        var out = RecordWriter(capacity: 900)
        out.raw(#"{"eventID":""#); out.raw(id)
        out.raw(#"","eventName":""#); out.raw(type)
        out.raw(#"","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":""#); out.raw(AttackCase.region)
        out.raw(#"","dynamodb":{"ApproximateCreationDateTime":"#); out.int(stamped)
        out.raw(#","Keys":{"#)
        for (i, (name, value)) in zip(table.keyNames, key).enumerated() {
            if i > 0 { out.raw(",") }
            out.string(name); out.raw(":"); out.raw(AttackCase.s(value))
        }
        out.raw("}")
        var size = 0
        for (member, image) in [("NewImage", new), ("OldImage", old)] {
            guard let image else { continue }
            out.raw(","); out.string(member); out.raw(":{")
            for (i, name) in image.keys.sorted().enumerated() {
                if i > 0 { out.raw(",") }
                out.string(name); out.raw(":"); out.raw(image[name]!)
                size += name.utf8.count + image[name]!.utf8.count - 8
            }
            out.raw("}")
        }
        out.raw(#","SequenceNumber":"4"#); out.padded(Int(sequences[table.rawValue]), width: 20)
        out.raw(#"","SizeBytes":"#); out.int(max(1, size))
        out.raw(#","StreamViewType":"NEW_AND_OLD_IMAGES"}"#)
        if ttl { out.raw(#","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}"#) }
        out.raw(#","eventSourceARN":"#); out.string(tables[table.rawValue].arn + "/stream/" + label)
        out.raw("}")
        streams[table.rawValue].append(Record(time: time, bytes: out.bytes))
        return id
    }
}

/// An API failure as CloudTrail records it.
struct APIError: Sendable {
    var code: String
    var message: String
}

/// The `resources` array of a record.
enum Resources: Sendable {
    case none
    case one([UInt8])
    case many([[UInt8]])
}

/// What the record writer needs of a caller: its rendered `userIdentity` and how its requests
/// look (address, user agent, TLS). `GeneratedPrincipal` and `AttackCase.Actor` are callers.
protocol RecordCaller {
    var sourceIP: String { get }
    var userAgent: String { get }
    /// aws-cli callers get the command appended to their user agent.
    var isCLI: Bool { get }
    /// nil for AWS services calling on the account's behalf: their records carry no tlsDetails.
    var tls: TLSProfile? { get }
    var account: String { get }
    func appendIdentity(to out: inout RecordWriter, at time: Int)
}

/// Writes one CloudTrail record in the field order of eventVersion 1.08–1.11 records:
/// `begin` writes everything up to `"requestParameters":`, the caller writes the parameters
/// (or `null`), `responseElements` its key, the caller the response, and `end` the rest.
extension RecordWriter {
    mutating func beginRecord(version: StaticString, identity: some RecordCaller, time: Int, source: String, name: String,
                              region: String, sourceIP: String? = nil, userAgent: String? = nil, error: APIError? = nil) {
        raw(#"{"eventVersion":""#); raw(version)
        raw(#"","userIdentity":"#); identity.appendIdentity(to: &self, at: time)
        raw(#","eventTime":""#); isoTime(time)
        raw(#"","eventSource":""#); raw(source)
        raw(#"","eventName":""#); raw(name)
        raw(#"","awsRegion":""#); raw(region)
        raw(#"","sourceIPAddress":"#); string(sourceIP ?? identity.sourceIP)
        raw(#","userAgent":"#)
        if identity.isCLI && userAgent == nil {
            // aws-cli v2 ends its user agent with the command, e.g. `command/dynamodb.get-item`.
            var command = identity.userAgent + " command/" + source.prefix { $0 != "." } + "."
            for (i, ch) in name.enumerated() {
                if ch.isASCII && ch.isUppercase {
                    if i > 0 { command += "-" }
                    command += ch.lowercased()
                } else {
                    command.append(ch)
                }
            }
            string(command)
        } else {
            string(userAgent ?? identity.userAgent)
        }
        if let error {
            raw(#","errorCode":"#); string(error.code)
            raw(#","errorMessage":"#); string(error.message)
        }
        raw(#","requestParameters":"#)
    }

    mutating func beginResponseElements() { raw(#","responseElements":"#) }

    mutating func endRecord(version: StaticString, identity: some RecordCaller, additionalEventData: String? = nil,
                            requestID: String, eventID: String, readOnly: Bool?, resources: Resources,
                            apiVersion: String?, management: Bool, recipient: String, tlsHost: String?,
                            vpcEndpointId: String? = nil) {
        if let additionalEventData { raw(#","additionalEventData":"#); raw(additionalEventData) }
        raw(#","requestID":"#); string(requestID)
        raw(#","eventID":"#); string(eventID)
        if let readOnly { raw(readOnly ? #","readOnly":true"# : #","readOnly":false"#) }
        switch resources {
        case .none: break
        case .one(let entry): raw(#","resources":["#); raw(entry); byte(UInt8(ascii: "]"))
        case .many(let entries):
            raw(#","resources":["#)
            for (i, entry) in entries.enumerated() {
                if i > 0 { byte(UInt8(ascii: ",")) }
                raw(entry)
            }
            byte(UInt8(ascii: "]"))
        }
        raw(#","eventType":"AwsApiCall""#)
        if let apiVersion { raw(#","apiVersion":"#); string(apiVersion) }
        raw(management ? #","managementEvent":true"# : #","managementEvent":false"#)
        raw(#","recipientAccountId":"#); string(recipient)
        if let vpce = vpcEndpointId {
            raw(#","vpcEndpointId":"#); string(vpce)
            raw(#","vpcEndpointAccountId":"#); string(identity.account)
        }
        raw(management ? #","eventCategory":"Management""# : #","eventCategory":"Data""#)
        // Calls an AWS service makes on your behalf carry no tlsDetails.
        if let tls = identity.tls, let tlsHost {
            raw(#","tlsDetails":{"tlsVersion":"#); string(tls.version)
            raw(#","cipherSuite":"#); string(tls.cipherSuite)
            raw(#","clientProvidedHostHeader":"#); string(tlsHost)
            // keyExchange is new: only eventVersion 1.11 records carry it.
            if let exchange = tls.keyExchange, version.description == "1.11" {
                raw(#","keyExchange":"#); string(exchange)
            }
            byte(UInt8(ascii: "}"))
        }
        byte(UInt8(ascii: "}"))
    }
}

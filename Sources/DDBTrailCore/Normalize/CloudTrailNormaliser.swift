import Foundation

public enum CloudTrailNormaliser {
    /// Normalises one record. Pure: key values are typed only as far as the record itself tells
    /// (JSON numbers are N); the writer applies key schemas learned from the whole case.
    public static func normalise(_ record: JSONObject, raw: [UInt8]? = nil, principals: PrincipalMemo? = nil) -> NormalisedEvent {
        let e = NormalisedEvent()
        e.eventID = record["eventID"]?.scalarText
        e.eventVersion = record["eventVersion"]?.scalarText
        e.eventSource = record["eventSource"]?.string
        e.eventName = record["eventName"]?.string
        e.eventType = record["eventType"]?.string
        e.eventCategory = record["eventCategory"]?.string
        e.readOnly = record["readOnly"]?.flexibleBool
        e.managementEvent = record["managementEvent"]?.flexibleBool
        if e.eventCategory == nil, let management = e.managementEvent {
            // Records before eventVersion 1.07 have no category; managementEvent tells the same.
            e.eventCategory = management ? "Management" : "Data"
        }
        e.awsRegion = record["awsRegion"]?.string
        e.recipientAccountId = record["recipientAccountId"]?.scalarText
        e.requestID = record["requestID"]?.scalarText
        e.sharedEventID = record["sharedEventID"]?.string
        e.sourceIPAddress = record["sourceIPAddress"]?.string
        e.userAgent = record["userAgent"]?.string
        e.errorCode = record["errorCode"]?.scalarText
        e.errorMessage = record["errorMessage"]?.scalarText
        e.vpcEndpointId = record["vpcEndpointId"]?.string

        if let raw = record["eventTime"] {
            if let t = Timestamp.normalise(raw) { e.eventTime = t }
            else { e.warnings.append("eventTime \(raw.compactText) is not a valid time; stored without a time") }
        } else {
            e.warnings.append("record has no eventTime")
        }
        if let identity = record["userIdentity"] {
            if let known = principals.flatMap({ memo in raw.flatMap { memo.principal(identity, in: $0) } }) {
                (e.principal, e.principalKey) = (known.principal, known.key)
            } else if let object = identity.object {
                e.principal = principal(from: object)
            }
        }
        DynamoDBRequest.extract(record, into: e)
        return e
    }

    static func principal(from u: JSONObject) -> Principal {
        var p = Principal()
        p.type = u["type"]?.string
        p.arn = nonEmpty(u["arn"]?.string)
        p.accountId = u["accountId"]?.scalarText
        p.principalId = nonEmpty(u["principalId"]?.string)
        p.accessKeyId = nonEmpty(u["accessKeyId"]?.string)
        p.userName = nonEmpty(u["userName"]?.string)
        p.invokedBy = nonEmpty(u["invokedBy"]?.string)
        p.identityProvider = nonEmpty(u["identityProvider"]?.string)
        let context = u["sessionContext"]?.object
        let issuer = context?["sessionIssuer"]?.object
        p.sessionIssuerArn = nonEmpty(issuer?["arn"]?.string)
        p.sourceIdentity = nonEmpty(context?["sourceIdentity"]?.string) ?? nonEmpty(u["sourceIdentity"]?.string)
        if let onBehalf = u["onBehalfOf"]?.object {
            p.identityCenterUser = nonEmpty(onBehalf["userId"]?.string)
        }
        // Names from the ARN: user/<path>/<name>, assumed-role/<role>/<session>, federated-user/<name>.
        if let arn = p.arn, let resource = ARN.resource(arn) {
            if resource.hasPrefix("assumed-role/") {
                let rest = resource.dropFirst("assumed-role/".count)
                if let slash = rest.firstIndex(of: "/") {
                    p.roleName = String(rest[..<slash])
                    p.sessionName = String(rest[rest.index(after: slash)...])
                }
            } else if p.userName == nil, resource.hasPrefix("user/") || resource.hasPrefix("federated-user/"),
                      let slash = resource.lastIndex(of: "/") {
                p.userName = String(resource[resource.index(after: slash)...])
            }
        }
        if p.roleName == nil, issuer?["type"]?.string == "Role" { p.roleName = nonEmpty(issuer?["userName"]?.string) }
        if p.sessionName == nil, p.type == "AssumedRole", let id = p.principalId, let colon = id.firstIndex(of: ":") {
            p.sessionName = String(id[id.index(after: colon)...])
        }
        return p
    }

    static func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
}

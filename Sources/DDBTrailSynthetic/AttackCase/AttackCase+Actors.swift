import DDBTrailCore

extension AttackCase {
    /// A caller as CloudTrail shows it: the rendered `userIdentity` of one set of credentials and
    /// the client details that go with it. (CorpusGenerator's Principal cannot express a SAML user
    /// or a role with a path, which Identity Center roles have.)
    final class Actor: Sendable, RecordCaller {
        let identity: [UInt8]
        let accessKeyId: String
        let arn: String
        let userAgent: String
        let tls: TLSProfile?
        let vpcEndpointId: String?
        /// Addresses the caller's requests come from; one is picked per call.
        let addresses: [String]

        init(identity: String, accessKeyId: String = "", arn: String = "", userAgent: String, tls: TLSProfile?,
             vpcEndpointId: String? = nil, addresses: [String]) {
            self.identity = Array(identity.utf8)
            self.accessKeyId = accessKeyId
            self.arn = arn
            self.userAgent = userAgent
            self.tls = tls
            self.vpcEndpointId = vpcEndpointId
            self.addresses = addresses
        }

        func address(_ rng: inout SplitMix64) -> String {
            addresses.count == 1 ? addresses[0] : addresses[rng.below(addresses.count)]
        }

        // RecordCaller: `emit` passes the address it picks per call.
        var sourceIP: String { addresses[0] }
        var isCLI: Bool { false }
        var account: String { AttackCase.account }
        func appendIdentity(to out: inout RecordWriter, at time: Int) { out.raw(identity) }

        /// An AWS service calling on the account's behalf (no tlsDetails, its name as address and agent).
        static func service(_ name: String) -> Actor {
            Actor(identity: #"{"type":"AWSService","invokedBy":\#(jsonString(name))}"#, userAgent: name, tls: nil, addresses: [name])
        }

        static func iamUser(name: String, principalId: String, accessKeyId: String, address: String, userAgent: String, tls: TLSProfile) -> Actor {
            let arn = "arn:aws:iam::\(AttackCase.account):user/\(name)"
            return Actor(identity: #"{"type":"IAMUser","principalId":\#(jsonString(principalId)),"arn":\#(jsonString(arn)),"accountId":"\#(AttackCase.account)","accessKeyId":\#(jsonString(accessKeyId)),"userName":\#(jsonString(name))}"#,
                         accessKeyId: accessKeyId, arn: arn, userAgent: userAgent, tls: tls, addresses: [address])
        }

        /// A role session; `created` is the time of the AssumeRole* call that issued its key.
        static func roleSession(_ role: Role, session: String, accessKeyId: String, created: Int, addresses: [String],
                                userAgent: String, tls: TLSProfile, vpcEndpointId: String? = nil, extraContext: String = "",
                                inScopeOf: String? = nil) -> Actor {
            let arn = "arn:aws:sts::\(AttackCase.account):assumed-role/\(role.name)/\(session)"
            var identity = #"{"type":"AssumedRole","principalId":\#(jsonString(role.id + ":" + session)),"arn":\#(jsonString(arn)),"accountId":"\#(AttackCase.account)","accessKeyId":\#(jsonString(accessKeyId)),"#
            identity += #""sessionContext":{"sessionIssuer":{"type":"Role","principalId":\#(jsonString(role.id)),"arn":\#(jsonString(role.arn)),"accountId":"\#(AttackCase.account)","userName":\#(jsonString(role.name))},"#
            identity += #""webIdFederationData":{},"attributes":{"creationDate":"\#(UTC.iso(created))","mfaAuthenticated":"false"}\#(extraContext)}"#
            if let inScopeOf { identity += #","inScopeOf":\#(inScopeOf)"# }
            identity += "}"
            return Actor(identity: identity, accessKeyId: accessKeyId, arn: arn, userAgent: userAgent, tls: tls,
                         vpcEndpointId: vpcEndpointId, addresses: addresses)
        }
    }

    struct Role {
        var name: String
        var id: String
        var arn: String

        init(name: String, path: String = "/", id: String) {
            self.name = name
            self.id = id
            arn = "arn:aws:iam::\(AttackCase.account):role\(path)\(name)"
        }
    }
}

import Foundation

/// A DynamoDB table, normalised to (account, region, name) whether the evidence named it or
/// gave its ARN.
public struct TableIdentity: Hashable, Sendable {
    public var account: String
    public var region: String
    public var name: String
}

extension TableIdentity {
    /// Reads `arn:aws:dynamodb:<region>:<account>:table/<name>[/stream|/backup|/index/…]`
    public init?(dynamoDBARN arn: String) {
        var arn = arn
        // On bytes: this runs for every data event and change record (String indexes cost more).
        guard let table = arn.withUTF8({ b -> TableIdentity? in
            guard let f = ARN.fieldRanges(b), b[f.service].elementsEqual("dynamodb".utf8) else { return nil }
            let resource = b[f.resource]
            let prefixLength: Int
            if resource.starts(with: "table/".utf8) { prefixLength = 6 } else if resource.starts(with: "global-table/".utf8) { prefixLength = 13 } else { return nil }
            let rest = resource.dropFirst(prefixLength)
            let name = rest[..<(rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex)]
            guard !name.isEmpty else { return nil }
            func text(_ slice: Slice<UnsafeBufferPointer<UInt8>>) -> String { String(decoding: UnsafeBufferPointer(rebasing: slice), as: UTF8.self) }
            return TableIdentity(account: text(b[f.account]), region: text(b[f.region]), name: text(name))
        }) else { return nil }
        self = table
    }
}

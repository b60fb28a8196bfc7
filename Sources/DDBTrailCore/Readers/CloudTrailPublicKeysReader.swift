/// `aws cloudtrail list-public-keys` output: the public keys CloudTrail signs digest files with
/// (`PublicKeyList` of `Value` base64 DER, `Fingerprint`, validity times), kept for `verify`.
struct CloudTrailPublicKeysReader: RecordReader {
    let name = "cloudtrail-public-keys"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, let object = head.firstValue?.object ?? head.firstObject,
              let list = object["PublicKeyList"]?.array else { return nil }
        guard list.allSatisfy({ $0.object?["Fingerprint"] != nil }) else { return nil }
        return "a PublicKeyList (list-public-keys output)"
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        guard let object = (try? JSONParser.parse(element.bytes))?.object, object["PublicKeyList"]?.array != nil else {
            return .rejected("not list-public-keys output (no PublicKeyList)")
        }
        return .integrity(.publicKeys, object)
    }
}

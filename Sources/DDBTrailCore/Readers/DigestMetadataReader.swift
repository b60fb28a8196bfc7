/// A CloudTrail digest's S3 user metadata, saved beside the digest as `DIGEST.metadata.json`:
/// the metadata object itself (`signature`, `signature-algorithm`) or a whole
/// `aws s3api head-object` output holding it under `Metadata`. The signature is not in the
/// digest's body, so the newest digest of a chain can only be verified with this file.
struct DigestMetadataReader: RecordReader {
    let name = "cloudtrail-digest-metadata"

    /// The object holding `signature`: the input itself or its `Metadata` member.
    static func metadata(_ o: JSONObject) -> JSONObject? {
        if o["signature"]?.string != nil, o["signature-algorithm"] != nil || o.members.count <= 3 { return o }
        if let inner = o["Metadata"]?.object, inner["signature"]?.string != nil { return inner }
        return nil
    }

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, let object = head.firstValue?.object ?? head.firstObject,
              let found = Self.metadata(object) else { return nil }
        return found.members.count == object.members.count ? "a digest's S3 metadata (signature)"
            : "head-object output with a digest's signature in Metadata"
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        guard let object = (try? JSONParser.parse(element.bytes))?.object, let found = Self.metadata(object) else {
            return .rejected("no digest signature (signature, or Metadata.signature)")
        }
        return .integrity(.digestMetadata, found)
    }
}

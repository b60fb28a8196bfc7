/// CloudTrail digest files: catalogued (time range, listed log files and hashes) for offline
/// integrity validation; they hold no events.
struct DigestFileReader: RecordReader {
    let name = "cloudtrail-digest"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, let first = head.firstValue?.object ?? head.firstObject,
              first["digestStartTime"] != nil || first["digestEndTime"] != nil,
              first["logFiles"] != nil else { return nil }
        return "an object with digestStartTime and logFiles"
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        guard let value = try? JSONParser.parse(element.bytes), let object = value.object else {
            return .rejected("digest file is not a valid JSON object")
        }
        return .digest(object, raw: element.bytes)
    }
}

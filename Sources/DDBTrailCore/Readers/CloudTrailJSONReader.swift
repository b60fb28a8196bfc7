/// CloudTrail records without the S3 wrapper: JSON lines, a JSON array, or a single bare record
/// (what SIEM exports, detection-rule fixtures and hand-made extracts look like).
struct CloudTrailJSONReader: RecordReader {
    let name = "cloudtrail-json"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.timestampPrefixedLines else { return nil }
        if head.topLevelArray, head.firstValue?.array?.isEmpty == true { return "an empty JSON array" }
        guard let first = head.firstElement ?? head.firstValue else {
            // A first record too large for the head: the input must at least start like JSON.
            guard head.startsLikeJSON else { return nil }
            return head.mentions("\"eventVersion\"") && head.mentions("\"eventSource\"") && !head.mentions("\"aws:dynamodb\"")
                ? "JSON mentioning eventVersion and eventSource" : nil
        }
        guard first.looksLikeCloudTrailRecord,
              first.object?["CloudTrailEvent"] == nil, first.object?["detail-type"] == nil else { return nil }
        if head.jsonLines { return "JSON lines of CloudTrail records" }
        if head.topLevelArray { return "a JSON array of CloudTrail records" }
        return "a single CloudTrail record"
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: [])
    }

    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

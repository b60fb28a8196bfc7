/// CloudTrail log files as delivered to S3: `{"Records":[…]}`, usually gzip'd.
struct CloudTrailLogFileReader: RecordReader {
    let name = "cloudtrail-log-file"

    func sniff(_ head: Head) -> String? {
        guard head.container == "Records" else { return nil }
        if let first = head.firstElement {
            return first.looksLikeCloudTrailRecord ? "a Records array of CloudTrail records" : nil
        }
        // An empty Records array is a valid (empty) log file; a huge first record is still ours.
        if head.firstValue?["Records"]?.array?.isEmpty == true { return "an empty Records array" }
        return head.mentions("\"eventVersion\"") && !head.mentions("\"aws:dynamodb\"") && !head.mentions("\"aws:kinesis\"")
            ? "a Records array mentioning eventVersion" : nil
    }

    func layout(for head: Head) -> Layout { .document(containers: ["Records"]) }
    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

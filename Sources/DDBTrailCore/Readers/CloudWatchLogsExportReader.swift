/// CloudWatch Logs export to S3 (`CreateExportTask`): text lines, each a timestamp and a space
/// before the JSON message. Everything before a line's first `{` is treated as the prefix.
struct CloudWatchLogsExportReader: RecordReader {
    let name = "cloudwatch-logs-export"

    func sniff(_ head: Head) -> String? {
        head.timestampPrefixedLines ? "lines of a prefix followed by JSON" : nil
    }

    func layout(for head: Head) -> Layout { .lines(stripPrefix: true) }
    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

/// CloudWatch Logs API output: `filter-log-events` / `get-log-events` (`events[].message`) and
/// decoded subscription payloads (`logEvents[].message`). Each message is one CloudTrail record.
struct CloudWatchLogsReader: RecordReader {
    let name = "cloudwatch-logs"

    func sniff(_ head: Head) -> String? {
        guard head.container == "events" || head.container == "logEvents" else { return nil }
        if let first = head.firstObject {
            return first["message"] != nil ? "a \(head.container!) array of log events" : nil
        }
        return head.mentions("\"message\"") ? "a \(head.container!) array mentioning message" : nil
    }

    func layout(for head: Head) -> Layout { .document(containers: ["events", "logEvents"]) }
    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

/// CloudWatch metric streams output in JSON format: one datapoint object per line (gzip or plain).
struct MetricStreamReader: RecordReader {
    let name = "cloudwatch-metric-stream"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.topLevelArray, !head.timestampPrefixedLines,
              let first = head.firstObject, MetricShapes.isStreamLine(first) else { return nil }
        return "lines with metric_stream_name, namespace and metric_name"
    }

    func layout(for head: Head) -> Layout { .lines(stripPrefix: false) }

    func unwrap(_ element: RawElement) -> Unwrapped {
        MetricShapes.unwrap(element, shape: .stream, expected: "a metric stream datapoint", test: MetricShapes.isStreamLine)
    }
}

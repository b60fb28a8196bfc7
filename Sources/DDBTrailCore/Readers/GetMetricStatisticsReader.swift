/// `aws cloudwatch get-metric-statistics` output (`Label`, `Datapoints`), read with the request
/// beside it (`X.request.json`).
struct GetMetricStatisticsReader: RecordReader {
    let name = "cloudwatch-get-metric-statistics"

    func sniff(_ head: Head) -> String? {
        if let first = head.firstObject {
            return MetricShapes.isStatisticsOutput(first) && first["Label"] != nil ? "an object with Label and Datapoints" : nil
        }
        return head.startsLikeJSON && head.mentions("\"Datapoints\"") && head.mentions("\"Label\"")
            ? "JSON mentioning Label and Datapoints" : nil
    }

    func layout(for head: Head) -> Layout { .document(containers: []) }

    func unwrap(_ element: RawElement) -> Unwrapped {
        MetricShapes.unwrap(element, shape: .statistics, expected: "get-metric-statistics output", test: MetricShapes.isStatisticsOutput)
    }
}

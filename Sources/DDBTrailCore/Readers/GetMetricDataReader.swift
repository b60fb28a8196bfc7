/// `aws cloudwatch get-metric-data` output: one or more pages (concatenated, or in an array),
/// read with the request beside it (`X.request.json`).
struct GetMetricDataReader: RecordReader {
    let name = "cloudwatch-get-metric-data"

    func sniff(_ head: Head) -> String? {
        if let first = head.firstObject, MetricShapes.isMetricDataPage(first) { return "an object with MetricDataResults" }
        // Larger than the head, or several pages one after another.
        return head.startsLikeJSON && head.mentions("\"MetricDataResults\"") && !head.mentions("\"MetricDataQueries\"")
            ? "JSON mentioning MetricDataResults" : nil
    }

    func layout(for head: Head) -> Layout { .document(containers: []) }

    func unwrap(_ element: RawElement) -> Unwrapped {
        MetricShapes.unwrap(element, shape: .metricData, expected: "a get-metric-data page", test: MetricShapes.isMetricDataPage)
    }
}

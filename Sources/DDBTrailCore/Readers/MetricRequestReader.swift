/// The `--cli-input-json` request of get-metric-data or get-metric-statistics: read with its
/// output, recognised on its own so that it is not reported as unrecognised. Stores nothing.
struct MetricRequestReader: RecordReader {
    let name = "cloudwatch-metric-request"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.jsonLines, let first = head.firstValue?.object ?? head.firstObject,
              MetricShapes.isRequest(first) else { return nil }
        return first["MetricDataQueries"] != nil ? "a get-metric-data request (MetricDataQueries)" : "a get-metric-statistics request"
    }

    func layout(for head: Head) -> Layout { .document(containers: []) }

    func unwrap(_ element: RawElement) -> Unwrapped {
        MetricShapes.unwrap(element, shape: .request, expected: "a metric request", test: MetricShapes.isRequest)
    }
}

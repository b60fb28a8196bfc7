/// EventBridge events carrying CloudTrail records in `detail` ("AWS API Call via CloudTrail"),
/// one per line, in an array, or alone.
struct EventBridgeReader: RecordReader {
    let name = "eventbridge"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, let first = head.firstObject,
              first["detail-type"] != nil, first["detail"]?.object != nil else { return nil }
        return "EventBridge envelopes with a detail object"
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: [])
    }

    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

/// `aws cloudtrail lookup-events` output (`{"Events":[…]}`), or its `Events[]` items one per line
/// or in an array. Each item holds the full record as a JSON string in `CloudTrailEvent`.
struct LookupEventsReader: RecordReader {
    let name = "cloudtrail-lookup-events"

    func sniff(_ head: Head) -> String? {
        if head.container == "Events" {
            if let first = head.firstObject, first["CloudTrailEvent"] != nil { return "an Events array with CloudTrailEvent strings" }
            if head.firstElement == nil, head.mentions("\"CloudTrailEvent\"") { return "an Events array mentioning CloudTrailEvent" }
            if head.firstValue?["Events"]?.array?.isEmpty == true { return "an empty Events array" }
            return nil
        }
        guard head.container == nil, let first = head.firstObject, first["CloudTrailEvent"]?.string != nil else { return nil }
        return head.jsonLines ? "JSON lines of lookup-events items" : "lookup-events items"
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: ["Events"])
    }

    func unwrap(_ element: RawElement) -> Unwrapped { CloudTrailUnwrap.unwrap(element) }
}

/// Every input format, in one list. A new format is one file plus one line here.
public enum ReaderRegistry {
    public static let all: [any RecordReader] = [
        CloudTrailLogFileReader(),
        CloudTrailJSONReader(),
        LookupEventsReader(),
        EventBridgeReader(),
        CloudWatchLogsReader(),
        CloudWatchLogsExportReader(),
        DigestFileReader(),
        CloudTrailPublicKeysReader(),
        DigestMetadataReader(),
        DynamoDBStreamRecordsReader(),
        KinesisDynamoDBReader(),
        DescribeStreamReader(),
        DynamoDBExportReader(),
        MetricStreamReader(),
        GetMetricDataReader(),
        GetMetricStatisticsReader(),
        MetricRequestReader(),
        RecognisedUnsupportedReader(),
    ]

    /// What the readers made of an input's head.
    public enum FormatMatch {
        /// Exactly one reader claims it, for this reason.
        case reader(any RecordReader, reason: String)
        case blank
        case unrecognised(String)
        case ambiguous([String])
    }

    public static func detect(_ head: Head) -> FormatMatch {
        if head.isBlank { return .blank }
        let matches = sniffAll(head)
        // A first record of no known shape, or one that does not parse, says nothing about the
        // rest: the first later record some reader claims decides instead.
        if matches.isEmpty || head.firstElement == nil, let later = detectBeyondFirst(head) { return later }
        if matches.count == 1 { return .reader(matches[0].reader, reason: matches[0].reason) }
        if matches.count > 1 { return .ambiguous(matches.map { "\($0.reader.name) (\($0.reason))" }) }
        return .unrecognised(describeUnrecognised(head))
    }

    /// Every reader that claims the head, with its reason.
    static func sniffAll(_ head: Head) -> [(reader: any RecordReader, reason: String)] {
        all.compactMap { reader in reader.sniff(head).map { (reader, $0) } }
    }

    /// Sniffs the head again with each later sample element standing in for the first; the first
    /// one any reader claims decides (one reader, or an ambiguity as for a first element).
    static func detectBeyondFirst(_ head: Head) -> FormatMatch? {
        for (index, sample) in head.samples().enumerated().dropFirst() {
            guard let sample else { continue }
            var stand = head
            stand.firstElement = sample
            let matches = sniffAll(stand)
            if matches.isEmpty { continue }
            let earlier = index == 1 ? "record 1 is" : "records 1–\(index) are"
            let note = "\(earlier) not of this shape; record \(index + 1) is"
            if matches.count == 1 { return .reader(matches[0].reader, reason: "\(matches[0].reason) (\(note))") }
            return .ambiguous(matches.map { "\($0.reader.name) (\($0.reason); \(note))" })
        }
        return nil
    }

    /// Says what the input looked like, so a responder knows why nothing matched.
    static func describeUnrecognised(_ head: Head) -> String {
        let b = head.bytes
        if b.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive; unzip it and import the files inside" }
        if b.starts(with: [0x42, 0x5A, 0x68]) { return "a bzip2 file; only gzip and plain files are read" }
        if b.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "an xz file; only gzip and plain files are read" }
        if b.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "a zstd file; only gzip and plain files are read" }
        if let element = head.firstElement?.object ?? head.firstValue?.object {
            let keys = element.keys.prefix(8).joined(separator: ", ")
            return "JSON object with members [\(keys)] matches no known evidence format"
        }
        if head.firstValue != nil || head.firstElement != nil { return "JSON that is not an object or a list of objects" }
        let first = b.first(where: { $0 > 0x20 }) ?? 0
        // Only the head was read: a large document is not damaged for not parsing in part.
        if first == UInt8(ascii: "{"), b.count >= Head.limit {
            let names = head.topLevelMemberNames()
            if !names.isEmpty {
                return "a JSON object larger than the \(Head.limit / 1024) KB read to detect it, with members [\(names.prefix(8).joined(separator: ", "))], matches no known evidence format"
            }
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "starts like JSON but does not parse as JSON" }
        return "not JSON (starts with \(quotedPrefix(b)))"
    }

    static func quotedPrefix(_ bytes: [UInt8]) -> String {
        let prefix = bytes.prefix(24).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
        return "'\(prefix)'"
    }
}

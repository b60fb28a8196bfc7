/// DynamoDB export to S3 in DYNAMODB_JSON: `manifest-summary.json` (names the table), full
/// export data lines (`{"Item":{…}}`, snapshots) and incremental export data lines
/// (`{"Metadata":{"WriteTimestampMicros":…},"Keys":…,"NewImage"?,"OldImage"?}`).
struct DynamoDBExportReader: RecordReader {
    let name = "dynamodb-export"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.timestampPrefixedLines, let first = head.firstObject else { return nil }
        if ChangeRecordParser.isExportManifestSummary(first) { return "an export manifest-summary.json (exportArn, tableArn)" }
        if ChangeRecordParser.isIncrementalExportLine(first) { return "incremental export data lines (Metadata.WriteTimestampMicros)" }
        if ChangeRecordParser.isFullExportLine(first) { return "full export data lines ({\"Item\":…})" }
        return nil
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: [])
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        ChangeUnwrap.unwrap(element, expected: "a DynamoDB export line") { object, raw in
            do {
                if ChangeRecordParser.isExportManifestSummary(object) { return .context(try ChangeRecordParser.exportManifest(object)) }
                if ChangeRecordParser.isIncrementalExportLine(object) { return .change(try ChangeRecordParser.incrementalExportLine(object), raw: raw) }
                if ChangeRecordParser.isFullExportLine(object) { return .change(try ChangeRecordParser.fullExportLine(object), raw: raw) }
            } catch {
                return .rejected(ChangeRecordParser.message(error))
            }
            return nil
        }
    }
}

/// DynamoDB export to S3 in DYNAMODB_JSON: `manifest-summary.json` (names the table), full
/// export data lines (`{"Item":{…}}`, snapshots) and incremental export data lines
/// (`{"Metadata":{"WriteTimestampMicros":…},"Keys":…,"NewImage"?,"OldImage"?}`).
struct DynamoDBExportReader: RecordReader {
    let name = "dynamodb-export"

    func sniff(_ head: Head) -> String? {
        guard head.container == nil, !head.timestampPrefixedLines, let first = head.firstObject else { return nil }
        if ChangeShapes.isExportManifestSummary(first) { return "an export manifest-summary.json (exportArn, tableArn)" }
        if ChangeShapes.isIncrementalExportLine(first) { return "incremental export data lines (Metadata.WriteTimestampMicros)" }
        if ChangeShapes.isFullExportLine(first) { return "full export data lines ({\"Item\":…})" }
        return nil
    }

    func layout(for head: Head) -> Layout {
        head.jsonLines ? .lines(stripPrefix: false) : .document(containers: [])
    }

    func unwrap(_ element: RawElement) -> Unwrapped {
        ChangeUnwrap.unwrap(element, expected: "a DynamoDB export line") { object, raw in
            if ChangeShapes.isExportManifestSummary(object) { return .context(.exportManifest, object) }
            if ChangeShapes.isIncrementalExportLine(object) { return .change(.incrementalExportLine, object, raw: raw) }
            if ChangeShapes.isFullExportLine(object) { return .change(.fullExportLine, object, raw: raw) }
            return nil
        }
    }
}

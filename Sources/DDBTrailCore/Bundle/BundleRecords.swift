import DDBTrailSQLite

/// The CloudTrail events and change records a bundle's results cite, written as JSON lines with
/// their provenance and the stored record byte-exact.
struct BundleRecords {
    /// CloudTrail eventIDs and stream eventIDs named in the results.
    var eventIDs = Set<String>()
    var streamEventIDs = Set<String>()

    /// An evidence file a written record came from.
    struct SourceFile {
        var id: Int64
        var path: String
        var sha256: String?
    }

    /// Collects the ids from a JSON lines result: `event_id`, `evidence_event_ids` (a JSON array,
    /// or its text), `candidate_event_ids` (space-separated) and `stream_event_id`.
    mutating func collect(jsonLines bytes: [UInt8]) {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            if end > start, let row = try? JSONParser.parse(Array(bytes[start..<end])), let object = row.object {
                for (key, value) in object.members {
                    switch key {
                    case "event_id", "evidence_event_ids", "candidate_event_ids": eventIDs.formUnion(Self.ids(value))
                    case "stream_event_id": streamEventIDs.formUnion(Self.ids(value))
                    default: break
                    }
                }
            }
            start = end + 1
        }
    }

    /// Ids in a cell: a string (space-separated, or a JSON array as text) or an array of strings.
    static func ids(_ value: JSON) -> [String] {
        switch value.built {
        case .string(let s):
            if s.hasPrefix("["), let array = try? JSONParser.parse(s) { return ids(array) }
            return s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }).map(String.init)
        case .array(let items):
            return items.compactMap(\.string)
        default:
            return []
        }
    }

    /// Writes `cloudtrail.jsonl` and `changes.jsonl` into `folder`, in the case's row order;
    /// returns the number of records of each and the files they came from (by file id).
    func write(_ db: Database, to folder: String, pseudonymiser: Pseudonymiser?) throws -> (events: Int, changes: Int, files: [SourceFile]) {
        var files: [Int64: SourceFile] = [:]
        let events = try write(db, table: "events", idColumn: "event_id", ids: eventIDs,
                               to: folder + "/cloudtrail.jsonl", pseudonymiser: pseudonymiser, files: &files)
        let changes = try write(db, table: "changes", idColumn: "stream_event_id", ids: streamEventIDs,
                                to: folder + "/changes.jsonl", pseudonymiser: pseudonymiser, files: &files)
        return (events, changes, files.values.sorted { $0.id < $1.id })
    }

    private func write(_ db: Database, table: String, idColumn: String, ids: Set<String>, to path: String,
                       pseudonymiser: Pseudonymiser?, files: inout [Int64: SourceFile]) throws -> Int {
        let sink = try FileOutputSink(path: path)
        var count = 0
        if !ids.isEmpty {
            // One pass over the table: neither id column has an index.
            let statement = try db.prepare("""
                SELECT r.\(idColumn), f.path, f.sha256, f.content_sha256, r.record_index, r.record_offset, r.record_length,
                       r.record_line, f.integrity, \(table == "events" ? "event_record" : "change_record")(r.id), f.id
                  FROM \(table) r JOIN source_files f ON f.id = r.source_file_id
                 WHERE r.\(idColumn) IN (SELECT value FROM json_each(?1))
                 ORDER BY r.id
                """)
            try statement.bind([.string("[" + ids.sorted().map(jsonString).joined(separator: ",") + "]")])
            var line: [UInt8] = []
            while try statement.step() {
                let sourcePath = statement.string(at: 1) ?? ""
                let fileID = statement.int64(at: 10)
                if files[fileID] == nil { files[fileID] = SourceFile(id: fileID, path: sourcePath, sha256: statement.string(at: 2)) }
                line.removeAll(keepingCapacity: true)
                line += "{\"\(idColumn)\":".utf8
                appendText(statement.string(at: 0), to: &line)
                line += ",\"source_file\":".utf8
                appendText(pseudonymiser.map { $0.text(sourcePath) } ?? sourcePath, to: &line)
                line += ",\"source_sha256\":".utf8
                appendText(statement.string(at: 2), to: &line)
                line += ",\"content_sha256\":".utf8
                appendText(statement.string(at: 3), to: &line)
                for (name, column) in [("record_index", 4), ("record_offset", 5), ("record_length", 6), ("record_line", 7)] {
                    line += ",\"\(name)\":".utf8
                    line += (statement.isNull(at: column) ? "null" : String(statement.int64(at: column))).utf8
                }
                line += ",\"file_integrity\":".utf8
                appendText(statement.string(at: 8), to: &line)
                line += ",\"raw\":".utf8
                if let pseudonymiser {
                    let raw = pseudonymiser.record(statement.withBytes(at: 9) { Array($0) })
                    raw.withUnsafeBufferPointer { JSONWriter.appendString($0, to: &line) }
                } else {
                    statement.withBytes(at: 9) { JSONWriter.appendString($0, to: &line) }
                }
                line += "}\n".utf8
                line.withUnsafeBufferPointer { sink.write(utf8: $0) }
                count += 1
            }
        }
        try sink.close()
        return count
    }

    private func appendText(_ text: String?, to out: inout [UInt8]) {
        if let text { appendJSONString(text, to: &out) } else { out += "null".utf8 }
    }
}

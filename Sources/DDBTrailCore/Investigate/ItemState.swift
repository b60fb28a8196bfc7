import DDBTrailSQLite

/// `ddbtrail state`: an item as it was at one instant, rebuilt from the change images.
public enum ItemState {
    public static let columns = ["table_name", "item_key", "at", "state", "item", "from_change_type", "from_change_time",
                                 "stream_event_id", "principal_arn", "attribution", "note"]

    /// One row (see `columns`). `state` is `present`, `absent` or `unknown`; `note` says why.
    public static func at(_ db: Database, selector: ItemSelector, at instant: String) throws -> [SQLValue] {
        guard let atSeconds = Timestamp.epochSeconds(instant) else { throw QueryError("--at '\(instant)' is not a time") }
        let atMicros = atSeconds * 1_000_000
        let rows = try QueryRunner.rows(db, sql: """
            SELECT c.change_type, c.change_time, c.change_time_us, c.new_image, c.old_image, c.stream_event_id, p.arn,
                   a.method, c.view_type, c.item_key
            FROM changes c JOIN ddb_tables t ON t.id = c.table_id
            LEFT JOIN change_attributions a ON a.change_id = c.id
            LEFT JOIN events e ON e.id = a.event_id
            LEFT JOIN principals p ON p.id = e.principal_id
            WHERE t.name = :table AND c.item_key IN (SELECT value FROM json_each(:keys)) AND c.change_time_us IS NOT NULL
            ORDER BY c.change_time_us, c.sequence_number, c.id
            """, parameters: ["table": selector.table, "keys": selector.keysParameter]).rows
        let key = rows.first?[9] ?? .string(selector.canonicalKeys.first ?? "")
        func row(_ state: String, item: SQLValue, from: [SQLValue]?, note: String) -> [SQLValue] {
            [.string(selector.table), key, .string(Timestamp.format(epochSeconds: atSeconds)), .string(state), item,
             from?[0] ?? .null, from?[1] ?? .null, from?[5] ?? .null, from?[6] ?? .null, from?[7] ?? .null, .string(note)]
        }
        guard !rows.isEmpty else {
            return row("unknown", item: .null, from: nil, note: "no change records for this item in the case")
        }
        guard let last = rows.last(where: { ($0[2].int64Value ?? .max) <= atMicros }) else {
            let first = rows[0]
            var note = "the change evidence for this item starts at \(first[1].stringValue ?? "?"), after this instant"
            switch first[0].stringValue {
            case "INSERT": note += "; it was created then, so just before that it did not exist"
            case "MODIFY", "REMOVE":
                if first[4] != .null { note += "; just before that change it was the old image shown, since an unknown time" }
            default: break
            }
            let item: SQLValue = first[0].stringValue == "INSERT" ? .null : first[4]
            return row("unknown", item: item, from: first, note: note)
        }
        let precisionNote = " (stream times are rounded down to the second: a change in the same second as --at may have come just after it)"
        switch last[0].stringValue {
        case "REMOVE":
            return row("absent", item: .null, from: last, note: "deleted by the change shown" + precisionNote)
        case "SNAPSHOT":
            return row("present", item: last[3], from: last, note: "as exported at the time shown")
        default:
            guard last[3] != .null else {
                return row("unknown", item: .null, from: last,
                           note: "the stream's view type (\(last[8].stringValue ?? "?")) carries no new images, so the state after the change is not in the evidence")
            }
            return row("present", item: last[3], from: last, note: "as left by the change shown" + precisionNote)
        }
    }
}

import DDBTrailSQLite

/// Per-lane event counts in equal time bins, counted by SQLite (GROUP BY bin), so a case of
/// millions of events never comes into memory.
public enum ActivityBins {
    public struct Result {
        public var lanes: [TimelinePlot.Lane]
        /// Lanes left out, and the events in them.
        public var hiddenLanes: Int
        public var hiddenEvents: Int
    }

    /// Events per table (data calls and control-plane calls naming it) and per principal
    /// (ARN, else the invoking service or type). Table filter: only those tables, and only
    /// principals' events touching them.
    static func laneSQL(_ kind: String) -> String {
        let scope = """
            SELECT e.id, e.event_time, e.principal_id, x.table_id FROM events e
            JOIN (SELECT event_id, table_id FROM item_accesses UNION SELECT event_id, table_id FROM table_references) x ON x.event_id = e.id
            JOIN ddb_tables t ON t.id = x.table_id
            WHERE t.name IN (SELECT value FROM json_each(:tables))
            """
        let events = """
            SELECT e.id, e.event_time, e.principal_id FROM events e
            WHERE :tables = '[]' OR e.id IN (SELECT id FROM (\(scope)))
            """
        let base: String
        if kind == "table" {
            base = """
                SELECT t.name AS label, e.event_time FROM events e
                JOIN (SELECT event_id, table_id FROM item_accesses UNION SELECT event_id, table_id FROM table_references) x ON x.event_id = e.id
                JOIN ddb_tables t ON t.id = x.table_id
                WHERE (:tables = '[]' OR t.name IN (SELECT value FROM json_each(:tables)))
                """
        } else {
            base = """
                SELECT coalesce(p.arn, p.invoked_by, p.type, '(no identity)') AS label, e.event_time FROM (\(events)) e
                LEFT JOIN principals p ON p.id = e.principal_id
                """
        }
        return "SELECT label, event_time FROM (\(base)) WHERE event_time IS NOT NULL AND event_time >= :from AND event_time < :to"
    }

    /// The busiest `maxLanes` lanes (tables first, up to half, then principals), binned over
    /// `start` ..< `end`.
    public static func compute(_ db: Database, start: Int64, end: Int64, bins: Int, maxLanes: Int, tablesJSON: String,
                               label: (String, String) -> String) throws -> Result {
        let params: [String: String] = ["from": Timestamp.format(epochSeconds: start), "to": Timestamp.format(epochSeconds: end),
                                        "tables": tablesJSON]
        var totals: [(kind: String, label: String, count: Int)] = []
        for kind in ["table", "principal"] {
            let rows = try QueryRunner.rows(db, sql: "SELECT label, count(*) FROM (\(laneSQL(kind))) GROUP BY label ORDER BY 2 DESC, 1",
                                            parameters: params).rows
            totals += rows.map { (kind, $0[0].stringValue ?? "", Int($0[1].int64Value ?? 0)) }
        }
        let tables = totals.filter { $0.kind == "table" }, principals = totals.filter { $0.kind == "principal" }
        let tableLanes = min(tables.count, max(maxLanes / 2, maxLanes - principals.count))
        let chosen = Array(tables.prefix(tableLanes)) + Array(principals.prefix(maxLanes - tableLanes))
        let hidden = totals.count - chosen.count
        let hiddenEvents = principals.dropFirst(maxLanes - tableLanes).reduce(0) { $0 + $1.count }
        var lanes: [TimelinePlot.Lane] = []
        for kind in ["table", "principal"] {
            let wanted = chosen.filter { $0.kind == kind }.map(\.label)
            guard !wanted.isEmpty else { continue }
            var counts = Dictionary(uniqueKeysWithValues: wanted.map { ($0, [Int](repeating: 0, count: bins)) })
            var p = params
            p["start"] = String(start)
            p["span"] = String(max(1, end - start))
            p["bins"] = String(bins)
            p["wanted"] = "[" + wanted.map(jsonString).joined(separator: ",") + "]"
            let sql = """
                SELECT label, min(:bins - 1, (CAST(strftime('%s', event_time) AS INTEGER) - :start) * :bins / :span) AS bin, count(*)
                FROM (\(laneSQL(kind))) WHERE label IN (SELECT value FROM json_each(:wanted)) GROUP BY label, bin
                """
            for row in try QueryRunner.rows(db, sql: sql, parameters: p).rows {
                let name = row[0].stringValue ?? "", bin = Int(row[1].int64Value ?? 0)
                if bin >= 0, bin < bins { counts[name]?[bin] += Int(row[2].int64Value ?? 0) }
            }
            lanes += wanted.map { TimelinePlot.Lane(label: label(kind, $0), kind: kind, counts: counts[$0] ?? []) }
        }
        return Result(lanes: lanes, hiddenLanes: hidden, hiddenEvents: hiddenEvents)
    }
}

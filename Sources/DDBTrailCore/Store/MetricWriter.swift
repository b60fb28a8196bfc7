import DDBTrailSQLite

/// Stores metric datapoints, each once (a datapoint repeated across overlapping downloads is
/// kept from the first file), and fills in the account and region of outputs that carry none.
final class MetricWriter {
    let db: Database
    let account: String?
    let region: String?
    private var inferred: [String: (String, String)?] = [:]

    /// `account`/`region`: `import --account/--region`, for outputs that do not say.
    init(db: Database, account: String?, region: String?) {
        self.db = db
        self.account = account
        self.region = region
    }

    /// The one account and region in the case holding a table of this name, if exactly one.
    func inferredPlace(table: String?) throws -> (String, String)? {
        guard let table else { return nil }
        if let known = inferred[table] { return known }
        let rows = try db.rows("SELECT DISTINCT account_id, region FROM ddb_tables WHERE name = ? LIMIT 2", [.string(table)])
        let place = rows.count == 1 ? (rows[0][0].stringValue ?? "", rows[0][1].stringValue ?? "") : nil
        inferred[table] = place
        return place
    }

    /// Stores one element's datapoints; returns how many were new, and a warning when the
    /// account could not be told.
    func write(_ points: [MetricDatapoint], fileID: Int64, element: RawElement) throws -> (stored: Int, warning: String?) {
        var stored = 0
        var unknown: Set<String> = []
        for var p in points {
            if p.account.isEmpty, let account { p.account = account }
            if p.region.isEmpty, let region { p.region = region }
            if p.account.isEmpty || p.region.isEmpty {
                let table = p.dimensions["TableName"]
                if let (a, r) = try inferredPlace(table: table) {
                    if p.account.isEmpty { p.account = a }
                    if p.region.isEmpty { p.region = r }
                } else {
                    unknown.insert(table ?? p.metricName)
                }
            }
            let d = p.dimensions
            try db.run("""
                INSERT OR IGNORE INTO metric_datapoints(source_file_id, record_index, account_id, region, namespace, metric_name,
                  table_name, operation, gsi_name, stream_label, receiving_region, dimensions, timestamp, period,
                  sum, sample_count, minimum, maximum, average, value, unit, stat)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(fileID), .integer(Int64(element.index)), .string(p.account), .string(p.region),
                      .string(p.namespace), .string(p.metricName), .optional(d["TableName"]), .optional(d["Operation"]),
                      .optional(d["GlobalSecondaryIndexName"]), .optional(d["StreamLabel"]), .optional(d["ReceivingRegion"]),
                      .string(p.dimensionsJSON), .string(p.timestamp), .optional(p.period), real(p.sum), real(p.sampleCount),
                      real(p.minimum), real(p.maximum), real(p.average), real(p.value), .optional(p.unit), .string(p.stat)])
            stored += db.changes
        }
        guard !unknown.isEmpty else { return (stored, nil) }
        let names = unknown.sorted().joined(separator: ", ")
        return (stored, "account or region of the datapoints of \(names) unknown (stored with account_id ''): pass import --account ACCOUNT --region REGION")
    }

    private func real(_ v: Double?) -> SQLValue { v.map { .real($0) } ?? .null }
}

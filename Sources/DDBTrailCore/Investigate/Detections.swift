import DDBTrailSQLite

/// `ddbtrail detect`: runs every detection query of the catalog (kind `detection`, whose rows
/// are findings) with its thresholds, and returns the findings highest severity first.
public enum Detections {
    /// The columns every detection query returns (more are allowed and ignored here).
    public static let findingColumns = ["rule", "severity", "title", "principal_arn", "access_key_id", "table",
                                        "window_start", "window_end", "detail", "evidence_event_ids", "drill_down"]
    /// The columns `detect` prints: the finding, the origin of its access key (the IAM user and
    /// long-term key, root, federated user or AWS service behind it, from `IdentityResolver`),
    /// and the query it came from.
    public static let columns = findingColumns + ["origin_kind", "origin_arn", "origin_access_key_id", "investigation"]
    public static let severities = ["critical", "high", "medium", "low", "info"]

    /// Threshold settings: `NAME=VALUE` applies to every detection declaring parameter NAME,
    /// `QUERY.NAME=VALUE` to that detection only.
    public struct Settings: Sendable {
        public var global: [String: String] = [:]
        public var perQuery: [String: [String: String]] = [:]

        public init() {}

        /// Adds `name=value` (from `--set` or a config file line); `origin` names it in errors.
        public mutating func add(_ item: String, origin: String) throws {
            guard let eq = item.firstIndex(of: "=") else {
                throw QueryError("\(origin): expected NAME=VALUE or DETECTION.NAME=VALUE, got '\(item)'")
            }
            let name = String(item[..<eq]).trimmingWhitespace
            let value = String(item[item.index(after: eq)...]).trimmingWhitespace
            guard !name.isEmpty else { throw QueryError("\(origin): missing the name in '\(item)'") }
            if let dot = name.firstIndex(of: ".") {
                perQuery[String(name[..<dot]), default: [:]][String(name[name.index(after: dot)...])] = value
            } else {
                global[name] = value
            }
        }

        /// A config file: one `NAME = VALUE` per line; `#` starts a comment.
        public mutating func addConfig(text: String, path: String) throws {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                if content.trimmingWhitespace.isEmpty { continue }
                try add(content, origin: "\(path):\(n + 1)")
            }
        }

        /// The arguments for one detection: the global settings it declares, then its own.
        func arguments(for query: QueryFile) -> [String: String] {
            let declared = Set(query.parameters.map(\.name))
            var result = global.filter { declared.contains($0.key) }
            for (k, v) in perQuery[query.name] ?? [:] { result[k] = v }
            return result
        }

        func check(against detections: [QueryFile]) throws {
            let byName = Dictionary(detections.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let allNames = Set(detections.flatMap { $0.parameters.map(\.name) })
            for name in global.keys.sorted() where !allNames.contains(name) {
                throw QueryError("no detection has a threshold '\(name)'; they have: \(allNames.sorted().joined(separator: ", "))")
            }
            for (queryName, values) in perQuery.sorted(by: { $0.key < $1.key }) {
                guard let query = byName[queryName] else {
                    throw QueryError("no detection named '\(queryName)'; there are: \(byName.keys.sorted().joined(separator: ", "))")
                }
                let declared = Set(query.parameters.map(\.name))
                if let unknown = values.keys.sorted().first(where: { !declared.contains($0) }) {
                    throw QueryError("detection \(queryName) has no threshold '\(unknown)'; it has: \(declared.sorted().joined(separator: ", "))")
                }
            }
        }
    }

    /// Runs the detections (all, or those named in `only`) and returns finding rows in the
    /// order of `columns`: highest severity first, then by window start, rule and principal.
    public static func run(_ db: Database, catalog: QueryCatalog, settings: Settings, only: [String] = [],
                           minimumSeverity: String = "info") throws -> [[SQLValue]] {
        guard let floor = severities.firstIndex(of: minimumSeverity) else {
            throw QueryError("severity '\(minimumSeverity)' is not one of \(severities.joined(separator: ", "))")
        }
        var detections = catalog.all(.detection)
        for name in only where !detections.contains(where: { $0.name == name }) {
            throw QueryError("no detection named '\(name)'; there are: \(detections.map(\.name).joined(separator: ", "))")
        }
        try settings.check(against: detections)
        if !only.isEmpty { detections = detections.filter { only.contains($0.name) } }
        var findings: [(rank: Int, row: [SQLValue])] = []
        var origins = try Origins(db: db)
        for query in detections {
            let statement = try QueryRunner.prepare(db, query: query, arguments: settings.arguments(for: query))
            let names = statement.columnNames
            let positions = try findingColumns.map { column in
                guard let i = names.firstIndex(of: column) else {
                    throw QueryError("\(query.origin): a detection must return the column '\(column)' (findings have \(findingColumns.joined(separator: ", ")))")
                }
                return i
            }
            while try statement.step() {
                let row = statement.row()
                let severity = row[positions[1]].stringValue ?? ""
                guard let rank = severities.firstIndex(of: severity) else {
                    throw QueryError("\(query.origin): severity '\(severity)' is not one of \(severities.joined(separator: ", "))")
                }
                if rank <= floor {
                    let origin = try origins.resolve(row[positions[4]].stringValue)
                    findings.append((rank, positions.map { row[$0] } + origin + [.string(query.name)]))
                }
            }
        }
        // Stable for scripts: severity, window start, rule, principal, then the evidence itself.
        let order = [6, 0, 3, 4, 9]
        findings.sort { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            for i in order {
                let x = a.row[i].stringValue ?? "", y = b.row[i].stringValue ?? ""
                if x != y { return x < y }
            }
            return false
        }
        return findings.map(\.row)
    }

    /// Origins of access keys, resolved once per key. A case made before identity resolution
    /// existed (no credential_grants) gets no origins rather than an error.
    struct Origins {
        let db: Database
        let available: Bool
        var cache: [String: [SQLValue]] = [:]

        init(db: Database) throws {
            self.db = db
            available = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'credential_grants'").int64Value == 1
        }

        mutating func resolve(_ accessKeyId: String?) throws -> [SQLValue] {
            guard available, let key = accessKeyId, !key.isEmpty else { return [.null, .null, .null] }
            if let known = cache[key] { return known }
            let origin = try IdentityResolver.origin(db, accessKeyId: key)
            let values: [SQLValue] = [.optional(origin?.kind.rawValue), .optional(origin?.arn), .optional(origin?.accessKeyId)]
            cache[key] = values
            return values
        }
    }
}

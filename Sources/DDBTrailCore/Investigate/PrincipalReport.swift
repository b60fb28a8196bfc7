import DDBTrailSQLite

// MARK: - Report

/// `ddbtrail principal WHO`: identities, chains and activity, rendered as titled sections like
/// `ddbtrail info`.
public struct PrincipalReport: Sendable {
    public static let sections = ["identities", "chain", "activity"]

    public static let identityColumns = ["relation", "matched_on", "type", "arn", "account_id", "principal_id", "user_name",
                                         "role_name", "session_name", "access_key_id", "session_issuer_arn", "source_identity",
                                         "identity_center_user", "invoked_by", "identity_provider", "events", "first_seen", "last_seen"]
    public static let chainColumns = ["subject", "step", "link", "arn", "access_key_id", "time", "event_id", "detail"]

    public var resolution: Resolution
    public var activityColumns: [String]
    public var activity: [[SQLValue]]

    public var identityRows: [[SQLValue]] {
        resolution.identities.map { i in
            [.string(i.relation), .string(i.matchedOn), .optional(i.type), .optional(i.arn), .optional(i.accountId),
             .optional(i.principalId), .optional(i.userName), .optional(i.roleName), .optional(i.sessionName),
             .optional(i.accessKeyId), .optional(i.sessionIssuerArn), .optional(i.sourceIdentity),
             .optional(i.identityCenterUser), .optional(i.invokedBy), .optional(i.identityProvider),
             .integer(Int64(i.events)), .optional(i.firstSeen), .optional(i.lastSeen)]
        }
    }

    public var chainRows: [[SQLValue]] {
        resolution.chains.flatMap(\.links).map { l in
            [.string(l.subject), .integer(Int64(l.step)), .string(l.kind.rawValue), .optional(l.arn), .optional(l.accessKeyId),
             .optional(l.time), .optional(l.eventID), .string(l.detail)]
        }
    }

    /// Renders every section, or only `section`. Table: titled sections; json: one object
    /// `{"identities": […], "chain": […], "activity": […]}` (or the array of the one section);
    /// jsonl: rows with a leading `section` column; csv: one section (`section` required).
    public func render(options: RenderOptions, sink: any OutputSink, section: String? = nil) throws {
        var options = options
        options.jsonColumns = ["source_ips", "user_agents"]
        let parts = [
            OutputSection(key: "identities", title: "Identities matching '\(resolution.who)' and the sessions they obtained",
                          columns: Self.identityColumns,
                          defaultColumns: ["relation", "type", "arn", "access_key_id", "first_seen", "last_seen"], rows: { identityRows.forEach($0) }),
            OutputSection(key: "chain", title: "Credential chains: each key back to its origin",
                          columns: Self.chainColumns,
                          defaultColumns: ["subject", "step", "link", "arn", "time", "detail"], rows: { chainRows.forEach($0) }),
            OutputSection(key: "activity", title: "Activity per key, table and operation",
                          columns: activityColumns,
                          defaultColumns: ["relation", "via", "table_name", "operation", "calls", "items", "errors", "first_seen", "last_seen"],
                          rows: { activity.forEach($0) }),
        ]
        try OutputSection.render(parts, command: "principal", options: options, sink: sink, only: section)
    }
}

extension IdentityResolver {
    /// `resolve` plus the activity of every identity found (matched and derived), per key,
    /// table and operation, limited to `since` ..< `until` (UTC, '' for no limit).
    public static func report(_ db: Database, who: String, since: String = "", until: String = "") throws -> PrincipalReport {
        let resolution = try resolve(db, who: who)
        var seen = Set<Int64>()
        var wanted: [String] = []
        for identity in resolution.identities {
            guard let row = identity.principalRow, seen.insert(row).inserted else { continue }
            let via = identity.accessKeyId ?? identity.arn ?? identity.invokedBy ?? identity.type ?? "principal \(row)"
            wanted.append("{\"principal_row\":\(row),\"via\":\(jsonString(via)),\"via_arn\":\(identity.arn.map(jsonString) ?? "null"),\"relation\":\(jsonString(identity.relation))}")
        }
        guard let query = QueryFile.embedded("principal-activity-summary") else {
            throw QueryError("embedded query principal-activity-summary is missing")
        }
        let statement = try QueryRunner.prepare(db, query: query, values: ["principals": .string("[" + wanted.joined(separator: ",") + "]"),
                                                                           "since": .string(since), "until": .string(until)])
        var activity: [[SQLValue]] = []
        while try statement.step() { activity.append(statement.row()) }
        return PrincipalReport(resolution: resolution, activityColumns: statement.columnNames, activity: activity)
    }
}

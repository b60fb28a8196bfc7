import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// The metric detections, `info` metrics and `table-metrics` on a generated metric stream with
/// known truth: three hours at 1-minute resolution for Orders (with CloudTrail data events) and
/// Ledger (metrics only), 36 five-minute windows from 01:00Z.
@Suite struct MetricDetectionTests {
    static let metricRules = ["metric-alarms", "metric-read-spike", "metric-scan", "activity-without-data-events"]

    /// One metric stream line; `table` nil for an account-level metric.
    static func line(_ metric: String, table: String?, operation: String? = nil, minute: Int, sum: Double,
                     count: Double = 1, namespace: String = "AWS/DynamoDB") -> String {
        var dims: [String] = []
        if let operation { dims.append(#""Operation":"\#(operation)""#) }
        if let table { dims.append(#""TableName":"\#(table)""#) }
        let ms = (Int64(1_793_667_600) + Int64(minute) * 60) * 1000
        return #"{"metric_stream_name":"ddb","account_id":"111122223333","region":"eu-west-1","namespace":"\#(namespace)","metric_name":"\#(metric)","dimensions":{\#(dims.joined(separator: ","))},"timestamp":\#(ms),"value":{"max":\#(sum),"min":0.0,"sum":\#(sum),"count":\#(count)},"unit":"Count"}"#
    }

    /// The planted truth, per 5-minute window w (minutes 5w…5w+4).
    static func streamLines() -> [String] {
        var lines: [String] = []
        for m in 0..<180 {
            let w = m / 5
            for table in ["Orders", "Ledger"] {
                let reads: Double = table == "Orders" && w == 20 ? 100 : 10     // read spike: 500 vs 50
                lines.append(line("ConsumedReadCapacityUnits", table: table, minute: m, sum: reads))
                lines.append(line("ConsumedWriteCapacityUnits", table: table, minute: m, sum: 2))
                lines.append(line("SuccessfulRequestLatency", table: table, operation: "GetItem", minute: m, sum: 20, count: 5))
            }
            if w == 22 { lines.append(line("SuccessfulRequestLatency", table: "Orders", operation: "Scan", minute: m, sum: 400, count: 8)) }
            if w == 8 { lines.append(line("ThrottledRequests", table: "Orders", operation: "GetItem", minute: m, sum: m % 5 == 4 ? 0 : 3)) } // 12
            if w == 14 { lines.append(line("ThrottledRequests", table: "Orders", operation: "GetItem", minute: m, sum: 2)) }             // 10
            if w == 30 {                                                                                                              // 12
                lines.append(line("ReadThrottleEvents", table: "Ledger", minute: m, sum: 1))
                lines.append(line("WriteThrottleEvents", table: "Ledger", minute: m, sum: m % 5 < 2 ? 2 : 1))
            }
            if m == 27 { lines.append(line("SystemErrors", table: "Orders", operation: "PutItem", minute: m, sum: 1)) }
            if w == 10 { lines.append(line("UserErrors", table: nil, minute: m, sum: m % 5 == 0 ? 21 : 20)) }  // 101
            if w == 11 { lines.append(line("UserErrors", table: nil, minute: m, sum: 20)) }                    // 100
            if w == 25 { lines.append(line("ConditionalCheckFailedRequests", table: "Orders", minute: m, sum: 6)) }  // 30
            if w == 26 { lines.append(line("ConditionalCheckFailedRequests", table: "Orders", minute: m, sum: 5)) }  // 25
        }
        // Not DynamoDB: raises no DynamoDB rule.
        lines.append(line("UserErrors", table: nil, minute: 3, sum: 5000, namespace: "AWS/Other"))
        return lines
    }

    /// CloudTrail data events on Orders in every window but window 3; mallory's Scan in window 22.
    static func trail() -> [String] {
        var records = (0..<36).filter { $0 != 3 }.map { w in event("get-\(w)", at: at(w * 300 + 30)) }
        records.append(event("scan-22", at: at(22 * 300 + 60), name: "Scan", key: nil, user: "mallory"))
        return records
    }

    static func metricCase(withMetrics: Bool = true) throws -> Case {
        let c = try Case()
        if withMetrics { try write(Array((streamLines().joined(separator: "\n") + "\n").utf8), to: c.directory + "/ev/stream/part-1") }
        try write(logFile(trail()), to: c.directory + "/ev/trail.json")
        try c.importPaths([c.directory + "/ev"])
        return c
    }

    static func findings(_ c: Case, settings: Detections.Settings = .init()) throws -> [[SQLValue]] {
        try Detections.run(try CaseDatabase.openForQuery(path: c.dbPath), catalog: QueryCatalog(), settings: settings, only: metricRules)
    }

    static func window(_ w: Int) -> String { at(w * 300) }

    /// (rule, table, window_start, window_end) of every finding.
    static func summary(_ rows: [[SQLValue]]) -> Set<[String]> {
        Set(rows.map { [$0[0].stringValue ?? "", $0[5].stringValue ?? "-", $0[6].stringValue ?? "", $0[7].stringValue ?? ""] })
    }

    @Test func everyRuleFiresExactlyInItsPlantedWindows() throws {
        let c = try Self.metricCase()
        #expect(try c.count("SELECT count(*) FROM metric_datapoints WHERE namespace = 'AWS/DynamoDB'") > 1000)
        let rows = try Self.findings(c)
        let w = Self.window
        let expected: Set<[String]> = [
            ["metric-throttling", "Orders", w(8), w(9)],
            ["metric-throttling", "Ledger", w(30), w(31)],
            ["metric-user-errors", "-", w(10), w(11)],
            ["metric-system-errors", "Orders", w(5), w(6)],
            ["metric-conditional-check-failures", "Orders", w(25), w(26)],
            ["metric-read-spike", "Orders", w(20), w(21)],
            ["metric-scan", "Orders", w(22), w(23)],
            ["activity-without-data-events", "Orders", w(3), w(4)],
            ["activity-without-data-events", "Ledger", w(0), w(36)],
        ]
        #expect(Self.summary(rows) == expected)
        #expect(rows.count == expected.count)
        #expect(w(36) == "2026-11-03T04:00:00Z")
        // No principal, no evidence ids; severities as documented.
        for row in rows {
            #expect(row[3] == .null && row[4] == .null)
            #expect(row[9] == .null)
            let severity = row[1].stringValue
            switch row[0].stringValue {
            case "metric-read-spike", "metric-scan": #expect(severity == "high")
            case "metric-system-errors": #expect(severity == "low")
            default: #expect(severity == "medium")
            }
        }
    }

    @Test func detailsCarryTheNumbersAndTheCloudTrailCallers() throws {
        let rows = try Self.findings(try Self.metricCase())
        func detail(_ rule: String, _ table: String) -> String {
            rows.first { $0[0].stringValue == rule && $0[5].stringValue == table }?[8].stringValue ?? ""
        }
        let scan = detail("metric-scan", "Orders")
        #expect(scan.contains("metrics saw 40 Scans at 02:50"))
        #expect(scan.contains("2 data events by") && scan.contains("user/mallory") && scan.contains("user/alice"))
        let spike = detail("metric-read-spike", "Orders")
        #expect(spike.contains("ConsumedReadCapacityUnits 500.0") && spike.contains("median 50.0"))
        #expect(spike.contains("user/alice") && !spike.contains("mallory"))
        #expect(detail("metric-throttling", "Orders").contains("ThrottledRequests 12,"))
        #expect(detail("metric-throttling", "Ledger").contains("Read+WriteThrottleEvents 12 "))
        #expect(!detail("metric-throttling", "Ledger").contains("CloudTrail"))
        #expect(detail("activity-without-data-events", "Ledger").contains("no data events for this table at all"))
        let gap = detail("activity-without-data-events", "Orders")
        #expect(gap.contains("logs may be missing") && gap.contains("5 windows") == false && gap.contains("1 windows"))
        let drill = rows.first { $0[0].stringValue == "metric-read-spike" }?[10].stringValue
        #expect(drill == "ddbtrail investigate table-metrics --param table=Orders --param since=2026-11-03T02:40:00Z --param until=2026-11-03T02:45:00Z")
    }

    @Test func thresholdsAreParameters() throws {
        let c = try Self.metricCase()
        var settings = Detections.Settings()
        try settings.add("metric-alarms.max_throttles=9", origin: "test")
        try settings.add("max_user_errors=99", origin: "test")
        let s = Self.summary(try Self.findings(c, settings: settings))
        #expect(s.contains(["metric-throttling", "Orders", Self.window(14), Self.window(15)]))
        #expect(s.contains(["metric-user-errors", "-", Self.window(11), Self.window(12)]))
        var strict = Detections.Settings()
        try strict.add("min_baseline_windows=40", origin: "test")
        #expect(!Self.summary(try Self.findings(c, settings: strict)).contains { $0[0] == "metric-read-spike" })
    }

    @Test func noMetricsNoMetricFindings() throws {
        #expect(try Self.findings(try Self.metricCase(withMetrics: false)).isEmpty)
    }

    @Test func infoShowsMetricAndDataEventCoverage() throws {
        let c = try Self.metricCase()
        let query = try #require(CaseInfo.sections.first { $0.name == "info-metrics" })
        let statement = try QueryRunner.prepare(try CaseDatabase.openForQuery(path: c.dbPath), sql: query.sql, parameters: [:])
        var rows: [String: [String: SQLValue]] = [:]
        while try statement.step() {
            let row = Dictionary(uniqueKeysWithValues: zip(statement.columnNames, statement.row()))
            rows[row["table_name"]?.stringValue ?? "-"] = row
        }
        #expect(Set(rows.keys) == ["Orders", "Ledger", "-"])
        #expect(rows["Orders"]?["first_metric"]?.stringValue == "2026-11-03T01:00:00Z")
        #expect(rows["Orders"]?["last_metric"]?.stringValue == "2026-11-03T03:59:00Z")
        #expect(rows["Orders"]?["first_data_event"]?.stringValue == "2026-11-03T01:00:30Z")
        #expect(rows["Ledger"]?["first_data_event"] == .null)
        #expect(rows["Ledger"]?["metric_datapoints"] == .integer(180 * 3 + 5 * 2))
        #expect(rows["Ledger"]?["periods"]?.stringValue?.isEmpty == false)
    }

    @Test func tableMetricsShowsTheSpikeBesideCloudTrail() throws {
        let c = try Self.metricCase()
        let all = try investigate(c, "table-metrics", ["table": "Orders"])
        #expect(all.count == 36)
        let spike = all.filter { ($0["read_units"]?.metricNumber ?? 0) > 100 }
        #expect(spike.map { $0["window_start"]?.stringValue } == ["2026-11-03T02:40:00Z"])
        #expect(spike.first?["read_units"]?.metricNumber == 500)
        let scan = try #require(all.first { $0["window_start"]?.stringValue == "2026-11-03T02:50:00Z" })
        #expect(scan["scan"]?.metricNumber == 40 && scan["ct_scans"] == .integer(1) && scan["ct_events"] == .integer(2))
        #expect(scan["ct_principals"]?.stringValue?.contains("mallory") == true)
        let gap = try #require(all.first { $0["window_start"]?.stringValue == "2026-11-03T01:15:00Z" })
        #expect(gap["ct_events"] == .integer(0) && gap["get_item"]?.metricNumber == 25)
        let cut = try investigate(c, "table-metrics", ["table": "Orders", "since": "2026-11-03T02:40:00Z", "until": "2026-11-03T02:45:00Z"])
        #expect(cut.count == 1 && cut.first?["read_units"]?.metricNumber == 500 && cut.first?["ct_reads"] == .integer(1))
    }
}

private extension SQLValue {
    /// An integer or real as a Double.
    var metricNumber: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }
}

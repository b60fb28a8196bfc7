import DDBTrailSQLite

/// `ddbtrail collect-metrics`: the shell script of `aws cloudwatch get-metric-data` calls that
/// fetch the DynamoDB metric set of every table of a case, each output beside its request.
public enum MetricsCollection {
    public struct Table: Sendable, Equatable {
        public let account: String
        public let region: String
        public let name: String
        public init(account: String, region: String, name: String) {
            self.account = account
            self.region = region
            self.name = name
        }
    }

    /// One request file: a metric (per operation where it has one) and its statistics.
    public struct Request: Sendable, Equatable {
        public let metric: String
        public let operation: String?
        public let statistics: [String]
        public let perTable: Bool
        /// The file name before `.request.json` / `.json`.
        public var baseName: String { operation.map { "\(metric)-\($0)" } ?? metric }
    }

    /// A time span fetched at one period, small enough for one GetMetricData call.
    public struct Window: Sendable, Equatable {
        public let start: Int64
        public let end: Int64
        public let period: Int
    }

    public static let operations = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                                    "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
                                    "BatchExecuteStatement", "ExecuteTransaction"]
    /// GetMetricData returns at most this many datapoints per call.
    public static let maxDatapoints = 100_800
    /// Retention of each resolution, less a day so a script run a day later still finds it.
    static let day: Int64 = 86_400
    static let oneMinuteAge = 14 * day
    static let fiveMinuteAge = 62 * day

    /// The metric set, per table unless `perTable` is false (UserErrors is per account and region).
    public static let requests: [Request] = {
        func sum(_ metric: String, _ operation: String? = nil) -> Request {
            Request(metric: metric, operation: operation, statistics: ["Sum"], perTable: true)
        }
        var all = ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents",
                   "ConditionalCheckFailedRequests", "TimeToLiveDeletedItemCount"].map { sum($0) }
        all += operations.map { sum("ThrottledRequests", $0) }
        all += operations.map { sum("SystemErrors", $0) }
        all += operations.map { Request(metric: "SuccessfulRequestLatency", operation: $0, statistics: ["SampleCount", "Average"], perTable: true) }
        all += ["Query", "Scan"].map { sum("ReturnedItemCount", $0) }
        all.append(Request(metric: "UserErrors", operation: nil, statistics: ["Sum"], perTable: false))
        return all
    }()

    /// The period the data at `start` is still kept at, seen from `now`: 60 s under 14 days old,
    /// 300 s under 62 days, else 3600 s (CloudWatch: 15, 63 and 455 days; a day of margin).
    public static func period(start: Int64, now: Int64) -> Int {
        let age = now - start
        if age < oneMinuteAge { return 60 }
        if age < fiveMinuteAge { return 300 }
        return 3600
    }

    /// The span cut where the resolution changes with age, each part aligned to its period and
    /// cut again so that `queries` statistics stay within `maxDatapoints` per call.
    public static func windows(start: Int64, end: Int64, now: Int64, queries: Int) -> [Window] {
        guard end > start else { return [] }
        var cuts = [start]
        for boundary in [now - fiveMinuteAge, now - oneMinuteAge] where boundary > start && boundary < end { cuts.append(boundary) }
        cuts.append(end)
        var result: [Window] = []
        for i in 0..<(cuts.count - 1) {
            let period = self.period(start: cuts[i] + (cuts[i + 1] - cuts[i]) / 2, now: now)
            let p = Int64(period)
            var from = floorDiv(cuts[i], p) * p
            let to = -floorDiv(-cuts[i + 1], p) * p
            let span = Int64(maxDatapoints / max(1, queries)) * p
            while from < to {
                let next = min(to, from + span)
                result.append(Window(start: from, end: next, period: period))
                from = next
            }
        }
        return result
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The `--cli-input-json` request of one metric over one window. Query ids are the statistic
    /// in lower case (`sum`, `samplecount`, `average`), unique within the request.
    public static func requestJSON(_ request: Request, table: Table?, window: Window, extraDimension: (String, String)? = nil) -> String {
        var dimensions: [(String, String)] = []
        if let table { dimensions.append(("TableName", table.name)) }
        if let operation = request.operation { dimensions.append(("Operation", operation)) }
        if let extraDimension { dimensions.append(extraDimension) }
        let dims = dimensions.map { #"{"Name": \#(jsonString($0.0)), "Value": \#(jsonString($0.1))}"# }.joined(separator: ", ")
        let queries = request.statistics.map { stat in
            """
                {
                  "Id": \(jsonString(stat.lowercased())),
                  "MetricStat": {
                    "Metric": {"Namespace": "AWS/DynamoDB", "MetricName": \(jsonString(request.metric)), "Dimensions": [\(dims)]},
                    "Period": \(window.period),
                    "Stat": \(jsonString(stat))
                  },
                  "ReturnData": true
                }
            """
        }.joined(separator: ",\n")
        return """
        {
          "MetricDataQueries": [
        \(queries)
          ],
          "StartTime": "\(Timestamp.format(epochSeconds: window.start))",
          "EndTime": "\(Timestamp.format(epochSeconds: window.end))",
          "ScanBy": "TimestampAscending"
        }
        """
    }

    /// The tables the case names and the span of its events.
    public static func caseScope(_ db: Database) throws -> (tables: [Table], first: String?, last: String?) {
        let tables = try db.rows("SELECT account_id, region, name FROM ddb_tables ORDER BY account_id, region, name").map {
            Table(account: $0[0].stringValue ?? "", region: $0[1].stringValue ?? "", name: $0[2].stringValue ?? "")
        }
        let span = try db.rows("SELECT min(event_time), max(event_time) FROM events WHERE event_time IS NOT NULL")
        return (tables, span.first?[0].stringValue, span.first?[1].stringValue)
    }

    /// Single-quoted for the shell.
    static func quoted(_ s: String) -> String { "'" + s.replacing("'", with: #"'\''"#) + "'" }

    /// The whole script: a header, `set -eu`, then per account and region the account-level
    /// requests and per table its requests, each written by a heredoc and fetched beside it.
    public static func script(tables: [Table], start: Int64, end: Int64, now: Int64) -> String {
        let first = Timestamp.format(epochSeconds: start), last = Timestamp.format(epochSeconds: end)
        var out = """
        #!/bin/sh
        # Made by ddbtrail collect-metrics at \(Timestamp.format(epochSeconds: now)): fetches the CloudWatch metrics
        # (namespace AWS/DynamoDB) of the \(tables.count) table(s) the case names, from \(first) to \(last):
        # ConsumedReadCapacityUnits, ConsumedWriteCapacityUnits, ReadThrottleEvents, WriteThrottleEvents,
        # ConditionalCheckFailedRequests, TimeToLiveDeletedItemCount (Sum); ThrottledRequests and SystemErrors
        # (Sum per Operation); SuccessfulRequestLatency (SampleCount and Average per Operation);
        # ReturnedItemCount (Sum, Query and Scan); ReplicationLatency (Average per receiving region of a
        # global table); UserErrors (Sum, per account and region, no TableName).
        # CloudWatch keeps 1-minute data for 15 days only, 5-minute data for 63 days and 1-hour data for
        # 455 days: run this soon. Periods: 60 s for data under 14 days old, 300 s under 62 days, else
        # 3600 s (as old as the data was when this was made; a day of margin); calls stay within 100,800
        # datapoints. Each output NAME.json lies beside its request NAME.request.json under metrics/;
        # import the folder with: ddbtrail import metrics
        # Run it with credentials of each account named below; check which account you are in with:
        #   aws sts get-caller-identity --query Account --output text
        set -eu

        """
        func fetch(_ dir: String, _ name: String, _ region: String, _ json: String) {
            let base = "\(dir)/\(name)"
            out += "cat > \(quoted(base + ".request.json")) <<'EOF'\n\(json)\nEOF\n"
            out += "aws cloudwatch get-metric-data --region \(quoted(region)) --cli-input-json \(quoted("file://" + base + ".request.json")) --output json > \(quoted(base + ".json"))\n"
        }
        func emit(_ request: Request, _ table: Table?, account: String, region: String, dir: String) {
            let windows = self.windows(start: start, end: end, now: now, queries: request.statistics.count)
            for (n, window) in windows.enumerated() {
                let name = request.baseName + (windows.count > 1 ? "-part\(n + 1)" : "")
                fetch(dir, name, region, requestJSON(request, table: table, window: window))
            }
        }
        var seen: Set<String> = []
        for table in tables {
            let scope = "\(table.account)/\(table.region)"
            if seen.insert(scope).inserted {
                out += "\n# Account \(table.account), region \(table.region) (aws sts get-caller-identity should say \(table.account))\n"
                let dir = "metrics/\(scope)"
                out += "mkdir -p \(quoted(dir))\n"
                for request in requests where !request.perTable { emit(request, nil, account: table.account, region: table.region, dir: dir) }
            }
            let dir = "metrics/\(scope)/\(table.name)"
            out += "\n# Table \(table.name) (account \(table.account), region \(table.region))\n"
            out += "mkdir -p \(quoted(dir))\n"
            for request in requests where request.perTable { emit(request, table, account: table.account, region: table.region, dir: dir) }
            out += replication(table, dir: dir, start: start, end: end, now: now)
        }
        return out
    }

    /// ReplicationLatency needs the receiving region: the script asks list-metrics (which sees
    /// the last two weeks) and writes one request per region it names.
    static func replication(_ table: Table, dir: String, start: Int64, end: Int64, now: Int64) -> String {
        let request = Request(metric: "ReplicationLatency", operation: nil, statistics: ["Average"], perTable: true)
        var out = "# ReplicationLatency, per receiving region of a global table (list-metrics sees the last two weeks)\n"
        out += "for rr in $(aws cloudwatch list-metrics --region \(quoted(table.region)) --namespace AWS/DynamoDB --metric-name ReplicationLatency"
        out += " --dimensions Name=TableName,Value=\(quoted(table.name)) --query 'Metrics[].Dimensions[?Name==`ReceivingRegion`].Value[]' --output text); do\n"
        let windows = self.windows(start: start, end: end, now: now, queries: 1)
        for (n, window) in windows.enumerated() {
            let base = "\(dir)/ReplicationLatency-${rr}" + (windows.count > 1 ? "-part\(n + 1)" : "")
            // Unquoted delimiter: ${rr} is expanded; the JSON holds no other $ or backquote.
            let json = requestJSON(request, table: table, window: window, extraDimension: ("ReceivingRegion", "${rr}"))
            out += "cat > \"\(base).request.json\" <<EOF\n\(json)\nEOF\n"
            out += "aws cloudwatch get-metric-data --region \(quoted(table.region)) --cli-input-json \"file://\(base).request.json\" --output json > \"\(base).json\"\n"
        }
        return out + "done\n"
    }
}

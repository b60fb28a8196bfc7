import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// CloudWatch metrics: metric stream lines, get-metric-data and get-metric-statistics outputs
/// paired with their requests, stored once per datapoint.
@Suite struct MetricReaderTests {
    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func streamLine(table: String, metric: String, ms: Int64, sum: Double, namespace: String = "AWS/DynamoDB") -> String {
        #"{"metric_stream_name":"ddb-stream","account_id":"111122223333","region":"eu-west-1","namespace":"\#(namespace)","metric_name":"\#(metric)","dimensions":{"TableName":"\#(table)"},"timestamp":\#(ms),"value":{"max":\#(sum),"min":0.0,"sum":\#(sum),"count":4.0},"unit":"Count"}"#
    }

    /// A get-metric-data request as `--cli-input-json` takes it, pretty-printed.
    static func dataRequest(table: String, metric: String = "ConsumedReadCapacityUnits") -> String {
        """
        {
            "MetricDataQueries": [
                {
                    "Id": "reads",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/DynamoDB",
                            "MetricName": "\(metric)",
                            "Dimensions": [
                                {
                                    "Name": "TableName",
                                    "Value": "\(table)"
                                }
                            ]
                        },
                        "Period": 60,
                        "Stat": "Sum"
                    }
                },
                {
                    "Id": "latency",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/DynamoDB",
                            "MetricName": "SuccessfulRequestLatency",
                            "Dimensions": [
                                {
                                    "Name": "TableName",
                                    "Value": "\(table)"
                                },
                                {
                                    "Name": "Operation",
                                    "Value": "Scan"
                                }
                            ]
                        },
                        "Period": 60,
                        "Stat": "p99"
                    }
                }
            ],
            "StartTime": "2026-11-03T02:00:00Z",
            "EndTime": "2026-11-03T03:00:00Z"
        }
        """
    }

    /// One get-metric-data page as the AWS CLI prints it.
    static func dataPage(minutes: [Int], next: Bool = false) -> String {
        let times = minutes.map { String(format: "\"2026-11-03T02:%02d:00+00:00\"", $0) }.joined(separator: ",\n                ")
        let values = minutes.map { "\(Double($0) * 10)" }.joined(separator: ",\n                ")
        return """
        {
            "MetricDataResults": [
                {
                    "Id": "reads",
                    "Label": "ConsumedReadCapacityUnits",
                    "Timestamps": [
                        \(times)
                    ],
                    "Values": [
                        \(values)
                    ],
                    "StatusCode": "Complete"
                },
                {
                    "Id": "latency",
                    "Label": "SuccessfulRequestLatency",
                    "Timestamps": [
                        "2026-11-03T02:40:00Z"
                    ],
                    "Values": [
                        12.5
                    ],
                    "StatusCode": "Complete"
                }
            ],\(next ? "\n    \"NextToken\": \"abc\"," : "")
            "Messages": []
        }
        """
    }

    static func statisticsRequest(table: String, metric: String = "ThrottledRequests") -> String {
        """
        {
            "Namespace": "AWS/DynamoDB",
            "MetricName": "\(metric)",
            "Dimensions": [
                {
                    "Name": "TableName",
                    "Value": "\(table)"
                },
                {
                    "Name": "Operation",
                    "Value": "GetItem"
                }
            ],
            "StartTime": "2026-11-03T02:00:00Z",
            "EndTime": "2026-11-03T03:00:00Z",
            "Period": 300,
            "Statistics": ["Sum", "SampleCount"]
        }
        """
    }

    static func statisticsOutput(_ points: [(String, Double)], label: String = "ThrottledRequests") -> String {
        let body = points.map { """
                {
                    "Timestamp": "\($0.0)",
                    "Sum": \($0.1),
                    "SampleCount": 5.0,
                    "Unit": "Count"
                }
        """ }.joined(separator: ",\n")
        return """
        {
            "Label": "\(label)",
            "Datapoints": [
        \(body)
            ]
        }
        """
    }

    func importer(_ c: Case, account: String? = nil, region: String? = nil) throws -> Importer {
        try Importer(database: try CaseDatabase.openForImport(path: c.dbPath), observer: c.observer, metricAccount: account, metricRegion: region)
    }

    @Test func metricStreamLinesAreStoredWithTheirStatistics() throws {
        let c = try Case()
        let lines = [Self.streamLine(table: "Orders", metric: "ConsumedReadCapacityUnits", ms: 1_793_671_200_000, sum: 40),
                     Self.streamLine(table: "Orders", metric: "ThrottledRequests", ms: 1_793_671_260_000, sum: 3),
                     Self.streamLine(table: "i-0abc", metric: "CPUUtilization", ms: 1_793_671_200_000, sum: 9, namespace: "AWS/EC2")]
        try write(Self.text(lines.joined(separator: "\n") + "\n"), to: c.directory + "/stream/part-1")
        let report = try c.importPaths([c.directory + "/stream"])
        #expect(report.files.first?.format == "cloudwatch-metric-stream")
        #expect(try c.count("SELECT count(*) FROM metric_datapoints") == 3)
        let row = try c.rows("SELECT account_id, region, table_name, timestamp, sum, sample_count, average, unit, dimensions, stat FROM metric_datapoints WHERE metric_name = 'ConsumedReadCapacityUnits'")[0]
        #expect(row[0].stringValue == "111122223333")
        #expect(row[1].stringValue == "eu-west-1")
        #expect(row[2].stringValue == "Orders")
        #expect(row[3].stringValue == "2026-11-03T02:00:00Z")
        #expect(row[4] == .real(40) && row[5] == .real(4) && row[6] == .real(10))
        #expect(row[7].stringValue == "Count")
        #expect(row[8].stringValue == #"{"TableName":"Orders"}"#)
        #expect(row[9].stringValue == "")
        // A namespace other than AWS/DynamoDB is stored too.
        #expect(try c.count("SELECT count(*) FROM metric_datapoints WHERE namespace = 'AWS/EC2'") == 1)
    }

    @Test func aTruncatedMetricStreamGzipKeepsItsGoodLines() throws {
        let c = try Case()
        let lines = (0..<2000).map { Self.streamLine(table: "Orders", metric: "ConsumedReadCapacityUnits", ms: 1_793_671_200_000 + Int64($0) * 60_000, sum: Double($0)) }
        let whole = c.directory + "/whole.gz"
        try gzip(Self.text(lines.joined(separator: "\n") + "\n"), to: whole)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: whole)))
        try write(Array(bytes.prefix(bytes.count / 2)), to: c.directory + "/cut/stream.gz")
        let report = try c.importPaths([c.directory + "/cut/stream.gz"])
        let stored = try c.count("SELECT count(*) FROM metric_datapoints")
        #expect(stored > 100 && stored < 2000)
        #expect(report.files[0].rejected >= 1)
        #expect(try c.count("SELECT count(*) FROM import_errors WHERE severity = 'error'") >= 1)
    }

    @Test func getMetricDataIsReadWithItsRequest() throws {
        let c = try Case()
        try write(Self.text(Self.dataRequest(table: "Orders")), to: c.directory + "/m/orders.request.json")
        try write(Self.text(Self.dataPage(minutes: [1, 2, 3])), to: c.directory + "/m/orders.json")
        let report = try importer(c, account: "111122223333", region: "eu-west-1").importFiles([c.directory + "/m/orders.json", c.directory + "/m/orders.request.json"])
        #expect(report.files.map(\.format) == ["cloudwatch-get-metric-data", "cloudwatch-metric-request"])
        #expect(report.files.map(\.status) == [.imported, .imported])
        #expect(try c.count("SELECT count(*) FROM metric_datapoints") == 4)
        let sums = try c.rows("SELECT timestamp, sum, period, stat, account_id, region FROM metric_datapoints WHERE metric_name = 'ConsumedReadCapacityUnits' ORDER BY timestamp")
        #expect(sums.map { $0[0].stringValue } == ["2026-11-03T02:01:00Z", "2026-11-03T02:02:00Z", "2026-11-03T02:03:00Z"])
        #expect(sums.map { $0[1] } == [.real(10), .real(20), .real(30)])
        #expect(sums[0][2].int64Value == 60 && sums[0][3].stringValue == "Sum")
        #expect(sums[0][4].stringValue == "111122223333" && sums[0][5].stringValue == "eu-west-1")
        let p99 = try c.rows("SELECT value, stat, operation, sum FROM metric_datapoints WHERE metric_name = 'SuccessfulRequestLatency'")[0]
        #expect(p99[0] == .real(12.5) && p99[1].stringValue == "p99" && p99[2].stringValue == "Scan" && p99[3] == .null)
        #expect(try c.count("SELECT count(*) FROM source_files WHERE request_sha256 IS NOT NULL") == 1)
    }

    @Test func getMetricDataPagesConcatenatedOrInAnArray() throws {
        let c = try Case()
        for name in ["a", "b"] { try write(Self.text(Self.dataRequest(table: "Orders")), to: c.directory + "/m/\(name).request.json") }
        try write(Self.text(Self.dataPage(minutes: [1, 2], next: true) + "\n" + Self.dataPage(minutes: [3, 4])), to: c.directory + "/m/a.json")
        try write(Self.text("[" + Self.dataPage(minutes: [5], next: true) + ",\n" + Self.dataPage(minutes: [6]) + "]"), to: c.directory + "/m/b.json")
        let report = try importer(c, account: "1", region: "r").importFiles([c.directory + "/m/a.json", c.directory + "/m/b.json"])
        #expect(report.files.map(\.recordsRead) == [2, 2])
        #expect(try c.count("SELECT count(*) FROM metric_datapoints WHERE metric_name = 'ConsumedReadCapacityUnits'") == 6)
        #expect(try c.count("SELECT max(record_index) FROM metric_datapoints WHERE timestamp = '2026-11-03T02:04:00Z'") == 1)
    }

    @Test func getMetricStatisticsIsReadWithItsRequestGzipped() throws {
        let c = try Case()
        try write(Self.text(Self.statisticsRequest(table: "Orders")), to: c.directory + "/s/throttles.request.json")
        try gzip(Self.text(Self.statisticsOutput([("2026-11-03T02:10:00Z", 7), ("2026-11-03T02:00:00+00:00", 12), ("2026-11-03T02:05:00Z", 0)])),
                 to: c.directory + "/s/throttles.json.gz")
        let report = try importer(c, account: "111122223333", region: "eu-west-1").importFiles([c.directory + "/s/throttles.json.gz"])
        #expect(report.files[0].format == "cloudwatch-get-metric-statistics")
        let rows = try c.rows("SELECT timestamp, sum, sample_count, period, unit, operation, dimensions FROM metric_datapoints ORDER BY timestamp")
        #expect(rows.map { $0[0].stringValue } == ["2026-11-03T02:00:00Z", "2026-11-03T02:05:00Z", "2026-11-03T02:10:00Z"])
        #expect(rows.map { $0[1] } == [.real(12), .real(0), .real(7)])
        #expect(rows[0][2] == .real(5) && rows[0][3].int64Value == 300 && rows[0][4].stringValue == "Count")
        #expect(rows[0][5].stringValue == "GetItem")
        #expect(rows[0][6].stringValue == #"{"Operation":"GetItem","TableName":"Orders"}"#)
    }

    @Test func anOutputWithoutItsRequestIsRejectedNamingTheRequestFile() throws {
        let c = try Case()
        try write(Self.text(Self.statisticsOutput([("2026-11-03T02:10:00Z", 7)])), to: c.directory + "/lonely.json")
        let report = try c.importPaths([c.directory + "/lonely.json"])
        #expect(report.files[0].rejected == 1)
        let reason = try c.rows("SELECT reason FROM import_errors")[0][0].stringValue ?? ""
        #expect(reason.contains(c.directory + "/lonely.request.json"))
        #expect(try c.count("SELECT count(*) FROM metric_datapoints") == 0)
    }

    @Test func aRepeatedDatapointIsStoredOnce() throws {
        let c = try Case()
        for name in ["first", "second"] { try write(Self.text(Self.statisticsRequest(table: "Orders")), to: c.directory + "/\(name).request.json") }
        try write(Self.text(Self.statisticsOutput([("2026-11-03T02:00:00Z", 1), ("2026-11-03T02:05:00Z", 2)])), to: c.directory + "/first.json")
        try write(Self.text(Self.statisticsOutput([("2026-11-03T02:05:00+00:00", 2), ("2026-11-03T02:10:00Z", 3)])), to: c.directory + "/second.json")
        _ = try importer(c, account: "1", region: "r").importFiles([c.directory + "/first.json", c.directory + "/second.json"])
        #expect(try c.count("SELECT count(*) FROM metric_datapoints") == 3)
        #expect(try c.count("SELECT count(DISTINCT source_file_id) FROM metric_datapoints") == 2)
    }

    @Test func identicalOutputsAnsweringDifferentRequestsAreBothImported() throws {
        let c = try Case()
        let empty = Self.text(#"{"Label": "X", "Datapoints": []}"#)
        try write(empty, to: c.directory + "/e/throttles.json")
        try write(empty, to: c.directory + "/e/errors.json")
        try write(Self.text(Self.statisticsRequest(table: "Orders", metric: "ThrottledRequests")), to: c.directory + "/e/throttles.request.json")
        try write(Self.text(Self.statisticsRequest(table: "Orders", metric: "UserErrors")), to: c.directory + "/e/errors.request.json")
        let report = try c.importPaths([c.directory + "/e/errors.json", c.directory + "/e/throttles.json"])
        #expect(report.files.map(\.status) == [.imported, .imported])
        #expect(try c.count("SELECT count(DISTINCT request_sha256) FROM source_files") == 2)
        // The same pair again is already in the case.
        let again = try c.importPaths([c.directory + "/e/throttles.json"])
        #expect(again.files.map(\.status) == [.alreadyImported])
    }

    @Test func accountAndRegionAreInferredFromTheCaseOrLeftUnknownWithAWarning() throws {
        let c = try Case()
        try write(logFile([record("e1")]), to: c.directory + "/ct/log.json")
        try c.importPaths([c.directory + "/ct/log.json"])
        try write(Self.text(Self.statisticsRequest(table: "Orders")), to: c.directory + "/m/orders.request.json")
        try write(Self.text(Self.statisticsOutput([("2026-11-03T02:00:00Z", 1)])), to: c.directory + "/m/orders.json")
        try write(Self.text(Self.statisticsRequest(table: "Unknown")), to: c.directory + "/m/other.request.json")
        try write(Self.text(Self.statisticsOutput([("2026-11-03T02:00:00Z", 2)])), to: c.directory + "/m/other.json")
        try c.importPaths([c.directory + "/m/orders.json", c.directory + "/m/other.json"])
        let rows = try c.rows("SELECT table_name, account_id, region FROM metric_datapoints ORDER BY table_name")
        #expect(rows.map { $0.map(\.stringValue) } == [["Orders", "111122223333", "eu-west-1"], ["Unknown", "", ""]])
        let warning = try c.rows("SELECT reason FROM import_errors WHERE severity = 'warning'")
        #expect(warning.count == 1)
        #expect(warning.first?[0].stringValue?.contains("--account") == true)
    }

    @Test func anOutputLargerThanTheHeadIsReadWhole() throws {
        let c = try Case()
        // 28 pages, one day each, of 60 one-minute values.
        let body = (1...28).map { day in
            Self.dataPage(minutes: Array(0..<60)).replacingOccurrences(of: "2026-11-03T02:", with: String(format: "2026-11-%02dT02:", day))
        }.joined(separator: "\n")
        #expect(body.utf8.count > 64 * 1024)
        try write(Self.text(Self.dataRequest(table: "Orders")), to: c.directory + "/big.request.json")
        try write(Self.text(body), to: c.directory + "/big.json")
        let report = try importer(c, account: "1", region: "r").importFiles([c.directory + "/big.json"])
        #expect(report.files[0].format == "cloudwatch-get-metric-data")
        #expect(try c.count("SELECT count(*) FROM metric_datapoints WHERE metric_name = 'ConsumedReadCapacityUnits'") == 28 * 60)
    }

    @Test func aLargeUnknownJSONDocumentIsDescribedByItsMembers() throws {
        let c = try Case()
        let filler = (0..<5000).map { "{\"n\": \($0), \"text\": \"padding padding\"}" }.joined(separator: ",\n")
        try write(Self.text("{\n  \"Inventory\": [\n\(filler)\n  ],\n  \"Owner\": \"x\"\n}"), to: c.directory + "/big.json")
        let report = try c.importPaths([c.directory + "/big.json"])
        #expect(report.files[0].status == .unrecognised)
        let detail = report.files[0].detail ?? ""
        #expect(detail.contains("Inventory"))
        #expect(!detail.contains("does not parse"))
    }
}

import Foundation
import Testing
@testable import DDBTrailCore

@Suite struct MetricsCollectionTests {
    static let now = Timestamp.epochSeconds("2026-12-06T12:00:00Z")!
    static func ago(_ days: Int64, _ seconds: Int64 = 0) -> Int64 { now - days * 86_400 + seconds }

    @Test func periodFollowsTheAgeOfTheData() {
        #expect(MetricsCollection.period(start: Self.ago(0, -3600), now: Self.now) == 60)
        #expect(MetricsCollection.period(start: Self.ago(13), now: Self.now) == 60)
        #expect(MetricsCollection.period(start: Self.ago(14), now: Self.now) == 300)  // a day short of 15: gone by the time it runs
        #expect(MetricsCollection.period(start: Self.ago(40), now: Self.now) == 300)
        #expect(MetricsCollection.period(start: Self.ago(62), now: Self.now) == 3600)
        #expect(MetricsCollection.period(start: Self.ago(400), now: Self.now) == 3600)
    }

    @Test func windowsCutWhereTheResolutionChangesAndStayUnderTheDatapointLimit() {
        let windows = MetricsCollection.windows(start: Self.ago(100, 17), end: Self.ago(1), now: Self.now, queries: 2)
        #expect(windows.map(\.period) == [3600, 300, 60])
        #expect(windows.first?.start == (Self.ago(100, 17) / 3600) * 3600)  // aligned down to its period
        for w in windows {
            #expect(w.start % Int64(w.period) == 0 && w.end % Int64(w.period) == 0)
            #expect((w.end - w.start) / Int64(w.period) * 2 <= Int64(MetricsCollection.maxDatapoints))
        }
        // Consecutive windows leave no gap.
        for (a, b) in zip(windows, windows.dropFirst()) { #expect(b.start <= a.end) }
        // Twenty years at one hour is 175,200 datapoints per statistic: cut in two and more.
        let long = MetricsCollection.windows(start: Self.ago(7300), end: Self.ago(100), now: Self.now, queries: 1)
        #expect(long.count == 2)
        #expect(long.allSatisfy { ($0.end - $0.start) / 3600 <= 100_800 })
        #expect(long.first?.end == long.last?.start)
    }

    @Test func requestIsTheGetMetricDataInput() throws {
        let table = MetricsCollection.Table(account: "111122223333", region: "eu-west-1", name: "Orders")
        let request = MetricsCollection.requests.first { $0.metric == "SuccessfulRequestLatency" && $0.operation == "Scan" }!
        let text = MetricsCollection.requestJSON(request, table: table, window: .init(start: Self.ago(1), end: Self.ago(0), period: 60))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let queries = try #require(json["MetricDataQueries"] as? [[String: Any]])
        #expect(queries.map { $0["Id"] as? String } == ["samplecount", "average"])
        let stat = try #require(queries.first?["MetricStat"] as? [String: Any])
        let metric = try #require(stat["Metric"] as? [String: Any])
        #expect(metric["MetricName"] as? String == "SuccessfulRequestLatency")
        #expect((metric["Dimensions"] as? [[String: String]]) == [["Name": "TableName", "Value": "Orders"], ["Name": "Operation", "Value": "Scan"]])
        #expect(stat["Period"] as? Int == 60)
        #expect(json["StartTime"] as? String == "2026-12-05T12:00:00Z")
        #expect(json["EndTime"] as? String == "2026-12-06T12:00:00Z")
        // Every operation of the per-operation metrics is asked for; UserErrors has no table.
        #expect(MetricsCollection.requests.filter { $0.metric == "ThrottledRequests" }.count == 13)
        #expect(MetricsCollection.requests.filter { !$0.perTable }.map(\.metric) == ["UserErrors"])
    }
}

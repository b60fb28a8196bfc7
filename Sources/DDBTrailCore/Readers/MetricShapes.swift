import Foundation

/// The CloudWatch metric formats, and the request file an AWS CLI output is paired with.
public enum MetricShape: Sendable, Equatable {
    /// One line of a metric stream in JSON format.
    case stream
    /// A page of `aws cloudwatch get-metric-data` output.
    case metricData
    /// `aws cloudwatch get-metric-statistics` output.
    case statistics
    /// A `--cli-input-json` request of either command (stores nothing).
    case request
}

enum MetricShapes {
    static func isStreamLine(_ o: JSONObject) -> Bool {
        o["metric_stream_name"] != nil && o["namespace"] != nil && o["metric_name"] != nil
    }

    static func isMetricDataPage(_ o: JSONObject) -> Bool { o["MetricDataResults"]?.array != nil }

    static func isStatisticsOutput(_ o: JSONObject) -> Bool { o["Datapoints"]?.array != nil && o["Namespace"] == nil }

    static func isRequest(_ o: JSONObject) -> Bool {
        if o["MetricDataQueries"]?.array != nil { return true }
        return o["Namespace"] != nil && o["MetricName"] != nil && o["Datapoints"] == nil
            && (o["Statistics"] != nil || o["ExtendedStatistics"] != nil || o["Period"] != nil)
    }

    /// Where the request of an output may lie: `.request` before the extension, plain or gzip.
    static func requestPaths(for path: String) -> [String] {
        guard path != "-" else { return [] }
        var base = path
        if base.hasSuffix(".gz") { base.removeLast(3) }
        let directory = (base as NSString).deletingLastPathComponent
        let name = (base as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension
        let stem = (name as NSString).deletingPathExtension
        guard !stem.hasSuffix(".request"), !name.hasSuffix(".request") else { return [] }
        let requestName = ext.isEmpty ? stem + ".request.json" : stem + ".request." + ext
        let plain = directory.isEmpty ? requestName : (directory as NSString).appendingPathComponent(requestName)
        return [plain, plain + ".gz"]
    }

    /// Reads a request file whole (gzip or plain); nil when it is no request.
    static func loadRequest(_ path: String) -> JSONObject? {
        guard let stream = try? RecordStream(path: path) else { return nil }
        stream.start(MetricRequestReader())
        guard case .element(let element)? = try? stream.next(),
              let object = (try? JSONParser.parse(element.bytes))?.object, isRequest(object) else { return nil }
        return object
    }

    /// Parses one element as an object of the expected shape.
    static func unwrap(_ element: RawElement, shape: MetricShape, expected: String, test: (JSONObject) -> Bool) -> Unwrapped {
        guard let parsed = try? JSONParser.parse(element.bytes) else { return .rejected("broken JSON in \(expected)") }
        guard let object = parsed.object, test(object) else {
            let keys = parsed.object?.keys.prefix(6).joined(separator: ", ") ?? ""
            return .rejected("not \(expected) (members: [\(keys)])")
        }
        return .metrics(shape, object)
    }
}

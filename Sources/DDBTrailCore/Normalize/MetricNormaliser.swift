/// Turns metric evidence into datapoints: a stream line on its own, an output page with the
/// request it answered.
enum MetricNormaliser {
    struct Failure: Error { let message: String }

    static func number(_ json: JSON?) -> Double? {
        switch json {
        case .number(let n)?: return Double(n)
        case .string(let s)?: return Double(s)
        default: return nil
        }
    }

    static func text(_ json: JSON?) -> String? { json?.string ?? json?.scalarText }

    /// `[{Name, Value}]` as a dictionary.
    static func dimensions(_ json: JSON?) -> [String: String] {
        var out: [String: String] = [:]
        for d in json?.array ?? [] {
            if let o = d.object, let name = text(o["Name"]) { out[name] = text(o["Value"]) ?? "" }
        }
        return out
    }

    static func datapoints(_ shape: MetricShape, _ o: JSONObject, request: JSONObject?) throws -> [MetricDatapoint] {
        switch shape {
        case .request: return []
        case .stream: return [try streamLine(o)]
        case .metricData: return try metricData(o, request: request)
        case .statistics: return try statistics(o, request: request)
        }
    }

    static func streamLine(_ o: JSONObject) throws -> MetricDatapoint {
        guard let namespace = text(o["namespace"]), let metric = text(o["metric_name"]) else {
            throw Failure(message: "metric stream line without namespace or metric_name")
        }
        guard let time = Timestamp.normalise(o["timestamp"]) else {
            throw Failure(message: "metric stream line with an unreadable timestamp")
        }
        var dims: [String: String] = [:]
        for member in o["dimensions"]?.object?.members ?? [] { dims[member.key] = text(member.value) ?? "" }
        var p = MetricDatapoint(namespace: namespace, metricName: metric, dimensions: dims, timestamp: time)
        p.account = text(o["account_id"]) ?? ""
        p.region = text(o["region"]) ?? ""
        p.unit = text(o["unit"])
        let value = o["value"]?.object
        p.sum = number(value?["sum"])
        p.sampleCount = number(value?["count"])
        p.minimum = number(value?["min"])
        p.maximum = number(value?["max"])
        if let sum = p.sum, let count = p.sampleCount, count > 0 { p.average = sum / count }
        return p
    }

    static func metricData(_ o: JSONObject, request: JSONObject?) throws -> [MetricDatapoint] {
        guard let request, let queries = request["MetricDataQueries"]?.array else {
            throw Failure(message: "the request beside this get-metric-data output holds no MetricDataQueries")
        }
        var byID: [String: JSONObject] = [:]
        for q in queries { if let q = q.object, let id = text(q["Id"]) { byID[id] = q } }
        var out: [MetricDatapoint] = []
        for result in o["MetricDataResults"]?.array ?? [] {
            guard let r = result.object, let id = text(r["Id"]) else { continue }
            guard let query = byID[id] else { throw Failure(message: "result \(id) answers no query of the request") }
            // Expressions (no MetricStat) name no single metric: nothing to store.
            guard let stat = query["MetricStat"]?.object, let metric = stat["Metric"]?.object,
                  let namespace = text(metric["Namespace"]), let name = text(metric["MetricName"]) else { continue }
            let statistic = text(stat["Stat"]) ?? ""
            let times = r["Timestamps"]?.array ?? [], values = r["Values"]?.array ?? []
            for (time, value) in zip(times, values) {
                guard let t = Timestamp.normalise(time), let v = number(value) else {
                    throw Failure(message: "result \(id) has an unreadable timestamp or value")
                }
                var p = MetricDatapoint(namespace: namespace, metricName: name, dimensions: dimensions(metric["Dimensions"]), timestamp: t)
                p.period = number(stat["Period"]).map { Int64($0) }
                p.unit = text(stat["Unit"])
                p.stat = statistic
                p.set(statistic: statistic, v)
                out.append(p)
            }
        }
        return out
    }

    static func statistics(_ o: JSONObject, request: JSONObject?) throws -> [MetricDatapoint] {
        guard let request, let namespace = text(request["Namespace"]), let name = text(request["MetricName"]) else {
            throw Failure(message: "the request beside this get-metric-statistics output names no Namespace and MetricName")
        }
        let dims = dimensions(request["Dimensions"])
        let period = number(request["Period"]).map { Int64($0) }
        var out: [MetricDatapoint] = []
        for d in o["Datapoints"]?.array ?? [] {
            guard let d = d.object, let t = Timestamp.normalise(d["Timestamp"]) else {
                throw Failure(message: "a datapoint without a readable Timestamp")
            }
            var p = MetricDatapoint(namespace: namespace, metricName: name, dimensions: dims, timestamp: t)
            p.period = period
            p.unit = text(d["Unit"])
            for statistic in ["Sum", "SampleCount", "Average", "Minimum", "Maximum"] {
                if let v = number(d[statistic]) { p.set(statistic: statistic, v) }
            }
            // One extended statistic is kept in `value`; more would need rows of their own.
            if let extended = d["ExtendedStatistics"]?.object?.members.first, let v = number(extended.value) {
                p.value = v
                p.stat = extended.key
            }
            out.append(p)
        }
        return out
    }
}

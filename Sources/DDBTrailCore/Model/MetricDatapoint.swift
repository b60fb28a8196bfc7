/// One CloudWatch datapoint: a metric with its dimensions at one time, and the statistics known.
public struct MetricDatapoint: Sendable, Equatable {
    /// '' when the evidence does not say (get-metric-data/-statistics outputs).
    public var account = ""
    public var region = ""
    public var namespace: String
    public var metricName: String
    /// Every dimension, by name.
    public var dimensions: [String: String]
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var timestamp: String
    public var period: Int64?
    public var sum: Double?
    public var sampleCount: Double?
    public var minimum: Double?
    public var maximum: Double?
    public var average: Double?
    /// A statistic without a column of its own (p99 and the like).
    public var value: Double?
    public var unit: String?
    /// The get-metric-data query's statistic; '' otherwise.
    public var stat = ""

    public init(namespace: String, metricName: String, dimensions: [String: String], timestamp: String) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.timestamp = timestamp
    }

    /// The dimensions as a JSON object with names sorted.
    public var dimensionsJSON: String {
        "{" + dimensions.keys.sorted().map { Self.quote($0) + ":" + Self.quote(dimensions[$0]!) }.joined(separator: ",") + "}"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Sets the column of a CloudWatch statistic name; false when it has none (then `value`).
    @discardableResult
    public mutating func set(statistic: String, _ v: Double) -> Bool {
        switch statistic {
        case "Sum": sum = v
        case "SampleCount": sampleCount = v
        case "Average": average = v
        case "Minimum": minimum = v
        case "Maximum": maximum = v
        default: value = v; return false
        }
        return true
    }
}

import DDBTrailSQLite

/// A `.sql` file with a metadata header of `-- key: value` comment lines above the SQL:
///
///     -- name: mass-deletes
///     -- title: Bursts of deletes per principal
///     -- description: …
///     -- kind: detection                 (investigation | detection | internal; default investigation)
///     -- param: window integer = 300  Window length in seconds
///     -- param: table text  Table name  (no `= default`: the parameter is required)
///     -- columns: rule, severity, …
///     -- json-columns: evidence_event_ids (columns holding JSON text, emitted as JSON values)
///     -- table-columns: rule, title, … (what a table fitted to a terminal shows without --wide)
///
/// Parameter types: text, integer, real, time (UTC ISO 8601; other ISO forms and epoch seconds
/// are converted), item-key (`ATTR=VALUE[,ATTR=VALUE]` or a JSON object, bound as the JSON array
/// of canonical keys the item may be stored under). A default of `''` is the empty string.
public struct QueryFile: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Run by `ddbtrail investigate NAME`.
        case investigation
        /// An investigation whose rows are findings (the columns of `Finding`); `detect` runs them all.
        case detection
        /// Used by a built-in command (`info` sections and the like); not listed.
        case `internal`
    }

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var type: String
        /// nil: required.
        public var defaultValue: String?
        public var description: String
    }

    public static let parameterTypes: Set<String> = ["text", "integer", "real", "time", "item-key"]

    public var name: String
    public var title: String
    public var description: String
    public var kind: Kind
    public var parameters: [Parameter]
    public var columns: [String]
    public var jsonColumns: [String]
    /// The default columns of a fitted table (empty: all).
    public var tableColumns: [String]
    public var sql: String
    /// Where the file came from: `queries/<name>.sql` for embedded ones, else its path.
    public var origin: String
    /// Problems in the header (unknown kind or parameter type); a catalog refuses such a file.
    public var headerProblems: [String]

    public init(text: String, origin: String) {
        var fields: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--") else { break }
            let body = line.dropFirst(2).trimmingPrefixWhitespace
            guard let colon = body.firstIndex(of: ":") else { continue }
            fields.append((String(body[..<colon]).lowercased(), String(body[body.index(after: colon)...]).trimmingWhitespace))
        }
        let value = { (key: String) in fields.first { $0.0 == key }?.1 }
        let list = { (key: String) in value(key).map { $0.split(separator: ",").map { String($0).trimmingWhitespace } } ?? [] }
        let fileName = origin.split(separator: "/").last.map { String($0.dropLast(origin.hasSuffix(".sql") ? 4 : 0)) } ?? origin
        var problems: [String] = []
        name = value("name") ?? fileName
        title = value("title") ?? name
        description = value("description") ?? ""
        if let k = value("kind") {
            if let parsed = Kind(rawValue: k) { kind = parsed } else {
                kind = .investigation
                problems.append("kind '\(k)' is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        } else {
            kind = .investigation
        }
        parameters = fields.filter { $0.0 == "param" }.compactMap { field in
            var words = field.1.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard !words.isEmpty else { return nil }
            let name = words.removeFirst()
            let type = words.isEmpty ? "text" : words.removeFirst()
            if !QueryFile.parameterTypes.contains(type) {
                problems.append("parameter '\(name)': type '\(type)' is not one of \(QueryFile.parameterTypes.sorted().joined(separator: ", "))")
            }
            var defaultValue: String? = nil
            if words.first == "=", words.count >= 2 {
                words.removeFirst()
                let d = words.removeFirst()
                defaultValue = d == "''" ? "" : d
            }
            return Parameter(name: name, type: type, defaultValue: defaultValue, description: words.joined(separator: " "))
        }
        columns = list("columns")
        jsonColumns = list("json-columns")
        tableColumns = list("table-columns")
        sql = text
        self.origin = origin
        headerProblems = problems
    }

    /// The embedded query with this name (`queries/<name>.sql`).
    public static func embedded(_ name: String) -> QueryFile? {
        Embedded.files["queries/\(name).sql"].map { QueryFile(text: $0, origin: "queries/\(name).sql") }
    }

    /// Checks `given` against the declared parameters (every name known, every required one
    /// present, every value of its type), fills in defaults and converts to bindable values.
    public func arguments(_ given: [String: String]) throws -> [String: SQLValue] {
        let known = Set(parameters.map(\.name))
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            let takes = parameters.isEmpty ? "takes no parameters" : "takes " + parameters.map(\.name).joined(separator: ", ")
            throw QueryError("\(name): unknown parameter '\(unknown)'; it \(takes)")
        }
        var values: [String: SQLValue] = [:]
        for p in parameters {
            guard let text = given[p.name] ?? p.defaultValue else {
                throw QueryError("\(name): missing parameter '\(p.name)' (\(p.type)\(p.description.isEmpty ? "" : ": " + p.description)); pass --param \(p.name)=VALUE")
            }
            values[p.name] = try Self.convert(text, parameter: p, query: name, isDefault: given[p.name] == nil)
        }
        return values
    }

    static func convert(_ text: String, parameter p: Parameter, query: String, isDefault: Bool) throws -> SQLValue {
        func bad(_ expected: String) -> QueryError {
            QueryError("\(query): parameter '\(p.name)' must be \(expected), got '\(text)'")
        }
        // An empty default means "no limit" for the query; it is bound as ''.
        if text.isEmpty && (isDefault || p.type == "text" || p.type == "time") { return .string("") }
        switch p.type {
        case "integer":
            guard let n = Int64(text.trimmingWhitespace) else { throw bad("an integer") }
            return .integer(n)
        case "real":
            guard let x = Double(text.trimmingWhitespace), x.isFinite else { throw bad("a number") }
            return .real(x)
        case "time":
            guard let t = Timestamp.normalise(text) else { throw bad("a UTC time in ISO 8601, e.g. 2026-11-03T02:47:12Z") }
            return .string(t)
        case "item-key":
            return .string(try ItemSelector.keysParameter(text, query: query, parameter: p.name))
        default:
            return .string(text)
        }
    }
}

extension Substring {
    var trimmingPrefixWhitespace: Substring { drop { $0 == " " || $0 == "\t" } }
}

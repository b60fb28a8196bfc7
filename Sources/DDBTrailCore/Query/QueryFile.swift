/// A `.sql` file with a metadata header of `-- key: value` comment lines (name, title,
/// description, param, columns) above the SQL.
public struct QueryFile: Sendable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var type: String
        public var description: String
    }

    public var name: String
    public var title: String
    public var description: String
    public var parameters: [Parameter]
    public var columns: [String]
    public var sql: String
    public var origin: String

    public init(text: String, origin: String) {
        var fields: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--") else { break }
            let body = line.dropFirst(2).trimmingPrefixWhitespace
            guard let colon = body.firstIndex(of: ":") else { continue }
            fields.append((String(body[..<colon]).lowercased(), String(body[body.index(after: colon)...]).trimmingWhitespace))
        }
        let value = { (key: String) in fields.first { $0.0 == key }?.1 }
        let fileName = origin.split(separator: "/").last.map { String($0.dropLast(origin.hasSuffix(".sql") ? 4 : 0)) } ?? origin
        name = value("name") ?? fileName
        title = value("title") ?? name
        description = value("description") ?? ""
        parameters = fields.filter { $0.0 == "param" }.compactMap { field in
            let parts = field.1.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard let n = parts.first else { return nil }
            return Parameter(name: String(n), type: parts.count > 1 ? String(parts[1]) : "text",
                             description: parts.count > 2 ? String(parts[2]).trimmingWhitespace : "")
        }
        columns = value("columns").map { $0.split(separator: ",").map { String($0).trimmingWhitespace } } ?? []
        sql = text
        self.origin = origin
    }

    /// The embedded query with this name (`queries/<name>.sql`).
    public static func embedded(_ name: String) -> QueryFile? {
        Embedded.files["queries/\(name).sql"].map { QueryFile(text: $0, origin: "queries/\(name).sql") }
    }
}

extension Substring {
    var trimmingPrefixWhitespace: Substring { drop { $0 == " " || $0 == "\t" } }
}

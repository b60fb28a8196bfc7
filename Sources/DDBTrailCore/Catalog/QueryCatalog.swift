import Foundation

/// Every query ddbtrail knows: the embedded `queries/*.sql`, then each user directory's `*.sql`
/// (`--queries DIR`, `$DDBTRAIL_QUERIES`), a later one replacing an earlier one of the same name.
public struct QueryCatalog: Sendable {
    public private(set) var queries: [String: QueryFile] = [:]

    public init(userDirectories: [String] = []) throws {
        for file in Embedded.files(under: "queries") where file.path.hasSuffix(".sql") {
            try add(QueryFile(text: file.text, origin: file.path))
        }
        for directory in userDirectories {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw QueryError("\(directory): cannot read the queries directory: \(error.localizedDescription)")
            }
            for name in names.sorted() where name.hasSuffix(".sql") {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw QueryError("\(path): cannot read the query file (or it is not UTF-8)")
                }
                try add(QueryFile(text: text, origin: path))
            }
        }
    }

    private mutating func add(_ query: QueryFile) throws {
        if let problem = query.headerProblems.first {
            throw QueryError("\(query.origin): \(problem)")
        }
        queries[query.name] = query
    }

    /// The queries of one kind, by name.
    public func all(_ kind: QueryFile.Kind) -> [QueryFile] {
        queries.values.filter { $0.kind == kind }.sorted { $0.name < $1.name }
    }

    public func named(_ name: String) throws -> QueryFile {
        if let query = queries[name] { return query }
        let runnable = queries.values.filter { $0.kind != .internal }.map(\.name).sorted()
        throw QueryError("no investigation named '\(name)'; there are: \(runnable.joined(separator: ", "))")
    }
}

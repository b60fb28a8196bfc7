import DDBTrailSQLite

/// Runs read-only SQL with named parameters and streams the rows into a renderer.
public enum QueryRunner {
    /// Prepares `sql`, refusing anything that could write, and binds `parameters` by name
    /// (values are bound as text; SQLite's column affinity converts them for numeric columns).
    public static func prepare(_ db: Database, sql: String, parameters: [String: String]) throws -> Statement {
        let statement = try readOnly(db, sql, refusal: "refused: this statement would change the case database; ddbtrail sql is read-only")
        let names = statement.parameterNames
        var values: [String: SQLValue] = [:]
        for (index, name) in names.enumerated() {
            guard let name else {
                throw QueryError("positional parameter ?\(index + 1) is not supported; name it (:name) and pass --param name=VALUE")
            }
            let bare = String(name.dropFirst())
            guard let value = parameters[bare] else {
                throw QueryError("missing parameter '\(bare)': pass --param \(bare)=VALUE")
            }
            values[bare] = .string(value)
        }
        let used = Set(names.compactMap { $0.map { String($0.dropFirst()) } })
        if let unknown = parameters.keys.sorted().first(where: { !used.contains($0) }) {
            throw QueryError("unknown parameter '\(unknown)': the query uses \(used.isEmpty ? "no parameters" : used.sorted().joined(separator: ", "))")
        }
        try statement.bind(named: values)
        return statement
    }

    /// Prepares a query file with its declared parameters checked, defaulted and typed
    /// (`QueryFile.arguments`).
    public static func prepare(_ db: Database, query: QueryFile, arguments: [String: String]) throws -> Statement {
        try prepare(db, query: query, values: query.arguments(arguments))
    }

    /// Prepares a query file with values already checked and typed by `QueryFile.arguments`.
    public static func prepare(_ db: Database, query: QueryFile, values: [String: SQLValue]) throws -> Statement {
        let statement = try readOnly(db, query.sql, refusal: "\(query.origin): refused: the query would change the case database")
        let used = Set(statement.parameterNames.compactMap { $0.map { String($0.dropFirst()) } })
        if let undeclared = used.sorted().first(where: { values[$0] == nil }) {
            throw QueryError("\(query.origin): the SQL uses :\(undeclared) but the header declares no such parameter")
        }
        try statement.bind(named: values.filter { used.contains($0.key) })
        return statement
    }

    /// Prepares `sql`, refusing a statement that could write (`sqlite3_stmt_readonly`).
    private static func readOnly(_ db: Database, _ sql: String, refusal: String) throws -> Statement {
        let statement = try db.prepare(sql)
        guard statement.isReadOnly else { throw QueryError(refusal) }
        return statement
    }

    /// Runs the statement, rendering every row; returns the row count.
    @discardableResult
    public static func run(_ statement: Statement, into renderer: ResultRenderer) throws -> Int {
        var count = 0
        while try statement.step() {
            renderer.add(statement.row())
            count += 1
        }
        renderer.finish()
        return count
    }

    /// Runs a query and returns all rows (for small results such as `info` sections).
    public static func rows(_ db: Database, sql: String, parameters: [String: String] = [:]) throws -> (columns: [String], rows: [[SQLValue]]) {
        let statement = try prepare(db, sql: sql, parameters: parameters)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return (statement.columnNames, rows)
    }
}

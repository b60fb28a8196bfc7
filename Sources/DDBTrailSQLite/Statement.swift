import CSQLite

/// A prepared statement. Finalised in `deinit` and nowhere else.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let rc = sql.withCString { sqlite3_prepare_v2(database.handle, $0, -1, &stmt, &tail) }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
        guard let stmt else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement to run", sql: sql)
        }
        if let tail, tail.pointee != 0,
           !String(cString: tail).allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            sqlite3_finalize(stmt)
            throw SQLiteError(code: SQLITE_MISUSE,
                              message: "only one SQL statement can be run at a time", sql: sql)
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// True when the statement cannot write to the database.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Parameter names as written (`:name`, `@name`, `$name`), nil for `?`.
    public var parameterNames: [String?] {
        (0..<parameterCount).map { i in
            sqlite3_bind_parameter_name(handle, Int32(i + 1)).map { String(cString: $0) }
        }
    }

    public var columnNames: [String] {
        (0..<Int(sqlite3_column_count(handle))).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws {
        guard values.count == parameterCount else {
            throw SQLiteError(code: SQLITE_RANGE,
                              message: "statement has \(parameterCount) parameters, \(values.count) values given",
                              sql: sql)
        }
        for (i, value) in values.enumerated() { try bind(value, at: i + 1) }
    }

    /// Binds by name; the names (without prefix) must cover every parameter of the statement.
    public func bind(named values: [String: SQLValue]) throws {
        for (index, name) in parameterNames.enumerated() {
            guard let name else {
                throw SQLiteError(code: SQLITE_RANGE,
                                  message: "positional parameter ?\(index + 1) cannot be bound by name; use :name",
                                  sql: sql)
            }
            let bare = String(name.dropFirst())
            guard let value = values[bare] else {
                throw SQLiteError(code: SQLITE_RANGE, message: "missing value for parameter '\(bare)'", sql: sql)
            }
            try bind(value, at: index + 1)
        }
    }

    public func bind(_ value: SQLValue, at index: Int) throws {
        let i = Int32(index)
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, i)
        case .integer(let v): rc = sqlite3_bind_int64(handle, i, v)
        case .real(let v): rc = sqlite3_bind_double(handle, i, v)
        case .text(let bytes):
            rc = bytes.withUnsafeBufferPointer { buffer in
                // A non-nil pointer even for empty text, so the value is '' and not NULL.
                let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
                return sqlite3_bind_text(handle, i, base.assumingMemoryBound(to: CChar.self),
                                         Int32(bytes.count), ddbtrail_sqlite_transient())
            }
        case .blob(let bytes):
            rc = bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
                return sqlite3_bind_blob(handle, i, base, Int32(bytes.count), ddbtrail_sqlite_transient())
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds text without first copying it into an array (the hot path of imports); nil binds NULL.
    public func bind(text: String?, at index: Int) throws {
        guard var text else { return try bind(.null, at: index) }
        let rc = text.withUTF8 { utf8 in
            let base = utf8.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
            return sqlite3_bind_text(handle, Int32(index), base.assumingMemoryBound(to: CChar.self),
                                     Int32(utf8.count), ddbtrail_sqlite_transient())
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds `bytes` as text without copying them and runs `body`, which must step the
    /// statement: the binding is valid only while `body` runs (large values, such as raw records).
    public func withText<R>(_ bytes: [UInt8], boundAt index: Int, _ body: () throws -> R) throws -> R {
        try bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
            let rc = sqlite3_bind_text(handle, Int32(index), base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
            defer { sqlite3_bind_null(handle, Int32(index)) }
            return try body()
        }
    }

    public func bind(integer: Int64?, at index: Int) throws {
        let rc = integer.map { sqlite3_bind_int64(handle, Int32(index), $0) } ?? sqlite3_bind_null(handle, Int32(index))
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Advances to the next row; false when done. A failed step evicts the statement from the cache.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            database.evict(sql)
            throw error
        }
    }

    public func run() throws { while try step() {} }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func value(at column: Int) -> SQLValue {
        let c = Int32(column)
        switch sqlite3_column_type(handle, c) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, c))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, c))
        case SQLITE_TEXT: return .text(withBytes(at: column) { Array($0) })
        case SQLITE_BLOB: return .blob(withBytes(at: column) { Array($0) })
        default: return .null
        }
    }

    public func int64(at column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    public func isNull(at column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

    /// The column as text (integers and reals in their decimal form); nil for NULL.
    public func string(at column: Int) -> String? {
        let c = Int32(column)
        switch sqlite3_column_type(handle, c) {
        case SQLITE_TEXT, SQLITE_BLOB:
            return withBytes(at: column) { String(decoding: $0, as: UTF8.self) }
        default:
            return value(at: column).stringValue
        }
    }

    /// Runs `body` on the column's bytes as stored (text or blob; empty for NULL), without a
    /// copy: the buffer is valid only while `body` runs.
    public func withBytes<R>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let c = Int32(column)
        let start = sqlite3_column_type(handle, c) == SQLITE_BLOB
            ? sqlite3_column_blob(handle, c).map { $0.assumingMemoryBound(to: UInt8.self) }
            : sqlite3_column_text(handle, c).map { UnsafePointer<UInt8>($0) }
        let count = Int(sqlite3_column_bytes(handle, c))
        return try body(UnsafeBufferPointer(start: count > 0 ? start : nil, count: count > 0 ? count : 0))
    }

    public func row() -> [SQLValue] { (0..<columnCount).map { value(at: $0) } }
}

import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value read from or bound to SQLite. TEXT keeps its exact bytes (log data may hold NUL or
/// bytes that are not UTF-8), so it is carried as `[UInt8]`, not `String`.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text([UInt8])
    case blob([UInt8])

    public static func string(_ s: String) -> SQLValue { .text(Array(s.utf8)) }
    public static func optional(_ s: String?) -> SQLValue { s.map { .text(Array($0.utf8)) } ?? .null }
    public static func optional(_ i: Int64?) -> SQLValue { i.map { .integer($0) } ?? .null }
    public static func bool(_ b: Bool?) -> SQLValue { b.map { .integer($0 ? 1 : 0) } ?? .null }

    /// The value as text, decoding TEXT bytes as UTF-8 (invalid sequences become U+FFFD).
    public var stringValue: String? {
        switch self {
        case .null: return nil
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let b), .blob(let b): return String(decoding: b, as: UTF8.self)
        }
    }

    public var isNull: Bool { self == .null }

    public var int64Value: Int64? {
        switch self {
        case .integer(let i): return i
        case .real(let d): return Int64(exactly: d)
        case .text(let b): return Int64(String(decoding: b, as: UTF8.self))
        default: return nil
        }
    }
}

public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        var text = "SQLite error \(code) (\(String(cString: sqlite3_errstr(code)))): \(message)"
        if let sql { text += " — in: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
        return text
    }
}

/// One SQLite connection. The only type in the project that owns a `sqlite3*`.
public final class Database {
    public enum Mode: Sendable { case readOnly, readWrite, readWriteCreate }

    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    /// Names of the row feeds registered on this connection.
    var feedNames: Set<String> = []

    /// Process-wide settings that must precede SQLite's initialisation (the first open).
    private static let configured: Void = { _ = ddbtrail_sqlite3_disable_memstatus() }()

    public init(path: String, mode: Mode) throws {
        Self.configured
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "\(message): '\(path)'", sql: nil)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // A typo'd identifier in double quotes must be an error, not a string literal.
        var ignored: Int32 = 0
        _ = ddbtrail_sqlite3_db_config_int(db, SQLITE_DBCONFIG_DQS_DML, 0, &ignored)
        _ = ddbtrail_sqlite3_db_config_int(db, SQLITE_DBCONFIG_DQS_DDL, 0, &ignored)
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Defines a deterministic SQL function of one text argument, written in Swift: NULL in
    /// gives NULL out, and so does `body` returning nil. For what SQL cannot parse itself.
    public func defineFunction(_ name: String, _ body: @escaping (String) -> String?) throws {
        final class Box { let body: (String) -> String?; init(_ body: @escaping (String) -> String?) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = sqlite3_create_function_v2(handle, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, box, { context, _, arguments in
            let body = Unmanaged<Box>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue().body
            guard let argument = arguments?[0], sqlite3_value_type(argument) != SQLITE_NULL,
                  let text = sqlite3_value_text(argument) else { sqlite3_result_null(context); return }
            let input = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument))), as: UTF8.self)
            guard let output = body(input) else { sqlite3_result_null(context); return }
            output.withCString { sqlite3_result_text(context, $0, Int32(output.utf8.count), ddbtrail_sqlite_transient()) }
        }, nil, nil, { box in box.map { Unmanaged<AnyObject>.fromOpaque($0).release() } })
        if rc != SQLITE_OK { throw error(rc, sql: nil) }
    }

    /// Defines an SQL function of one integer argument returning text, written in Swift; it may
    /// read this connection. NULL in, or `body` returning nil, gives NULL; a thrown error is the
    /// statement's error.
    public func defineFunction(_ name: String, integer body: @escaping (Int64) throws -> [UInt8]?) throws {
        final class Box { let body: (Int64) throws -> [UInt8]?; init(_ body: @escaping (Int64) throws -> [UInt8]?) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = sqlite3_create_function_v2(handle, name, 1, SQLITE_UTF8, box, { context, _, arguments in
            let body = Unmanaged<Box>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue().body
            guard let argument = arguments?[0], sqlite3_value_type(argument) != SQLITE_NULL else { sqlite3_result_null(context); return }
            do {
                guard let output = try body(sqlite3_value_int64(argument)) else { sqlite3_result_null(context); return }
                output.withUnsafeBufferPointer { b in
                    // A zero-length result needs a non-NULL pointer to be '' rather than NULL.
                    let empty: [CChar] = [0]
                    if b.isEmpty { empty.withUnsafeBufferPointer { sqlite3_result_text(context, $0.baseAddress, 0, ddbtrail_sqlite_transient()) } }
                    else { b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                        sqlite3_result_text(context, $0, Int32(b.count), ddbtrail_sqlite_transient()) } }
                }
            } catch {
                let message = "\(error)"
                sqlite3_result_error(context, message, Int32(message.utf8.count))
            }
        }, nil, nil, { box in box.map { Unmanaged<AnyObject>.fromOpaque($0).release() } })
        if rc != SQLITE_OK { throw error(rc, sql: nil) }
    }

    /// Runs one or more statements with no parameters and no results.
    public func execute(_ sql: String) throws {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A fresh prepared statement (the caller owns it).
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement from the connection's cache, reset and with bindings cleared.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(database: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    func evict(_ sql: String) { cache[sql] = nil }

    /// Runs `body` in a transaction, committing on success and rolling back on error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try cached(sql)
        try statement.bind(values)
        try statement.run()
    }

    /// All rows of a query, for small results.
    public func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try cached(sql)
        try statement.bind(values)
        var result: [[SQLValue]] = []
        while try statement.step() { result.append(statement.row()) }
        return result
    }

    public func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        try rows(sql, values).first?.first ?? .null
    }

    /// Asks the OS to start writing the database file's dirty pages to disk now, without waiting
    /// for them (Linux; a no-op elsewhere). An import calls it after each commit: it runs without
    /// syncing, and otherwise the kernel held gigabytes of dirty pages for the final sync to write.
    public func startWriteback() {
        _ = onFile { ddbtrail_start_writeback($0) }
    }

    /// Syncs the database file to disk (fsync); the errno when that failed, else nil.
    public func syncFile() -> Int32? {
        onFile { fsync($0) }
    }

    /// Runs a system call on a descriptor of the database file opened for the call; the errno
    /// when opening or the call failed, else nil.
    private func onFile(_ call: (Int32) -> Int32) -> Int32? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return call(fd) == 0 ? nil : errno
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var userVersion: Int {
        get throws { Int(try scalar("PRAGMA user_version").int64Value ?? 0) }
    }

    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

import CSQLite

/// Rows handed to SQLite in place, for storing a batch in one statement.
///
/// A feed is a table on its connection (an eponymous virtual table named `name`, columns `c0`,
/// `c1`, …) whose rows are the values appended since the last `run`. `run` executes the feed's
/// statement, typically `INSERT … SELECT c0, c1, … FROM name`, and empties it. SQLite stores rows
/// this way with a third less CPU than one bound INSERT per row, for the same rows and indexes
/// (`Tools/sqlite-floor.c`): no statement start, cursor opening or copy of bound values per row.
public final class RowFeed {
    public let name: String
    public let columns: Int
    /// What SQLite reads through the table; registered with the connection for as long as the
    /// feed lives (the feed holds the database, so the connection outlives it).
    private let feed: UnsafeMutablePointer<ddbtrail_feed>
    private let database: Database
    /// The statement `run` executes; finalised before the feed leaves the connection.
    private var statement: Statement?
    private var cells: [ddbtrail_feed_cell] = []
    private var arena: [UInt8] = []

    public var rowCount: Int { cells.count / columns }

    /// `name` must not be a table of the database, nor the name of another live feed on it;
    /// `statement` is the SQL `run` executes.
    public init(database: Database, name: String, columns: Int, statement sql: String) throws {
        guard database.feedNames.insert(name).inserted else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "a row feed named \(name) exists already on this connection", sql: nil)
        }
        feed = .allocate(capacity: 1)
        feed.initialize(to: ddbtrail_feed(columns: Int32(columns), rows: 0, cells: nil, arena: nil))
        self.database = database
        self.name = name
        self.columns = columns
        // Every stored property is set: should anything below throw, deinit undoes all of this.
        let rc = ddbtrail_create_feed(database.handle, name, feed)
        guard rc == SQLITE_OK else { throw database.error(rc, sql: nil) }
        statement = try database.prepare(sql)
    }

    /// What a batch does with a row that breaks a constraint. Never ABORT, SQLite's default: to undo
    /// a half-done multi-row statement it keeps a statement journal, which spilled to a temporary
    /// file and doubled an import's system time.
    public enum Conflict: String {
        /// The row is skipped (rows already stored).
        case ignore = "IGNORE"
        /// The statement stops with an error; the caller's transaction is rolled back.
        case fail = "FAIL"
    }

    /// A feed named `ddbtrail_<table>_feed` whose `run` stores its rows into `table`: one feed
    /// column per name in `columns` (comma-separated), in that order.
    public convenience init(database: Database, storingInto table: String, columns: String, onConflict conflict: Conflict) throws {
        let count = columns.split(separator: ",").count
        let name = "ddbtrail_\(table)_feed"
        let values = (0..<count).map { "c\($0)" }.joined(separator: ", ")
        try self.init(database: database, name: name, columns: count, statement: """
            INSERT OR \(conflict.rawValue) INTO \(table)(\(columns)) SELECT \(values) FROM \(name)
            """)
    }

    deinit {
        statement = nil
        // Registering no module under the name removes the feed's table from the connection.
        ddbtrail_drop_feed(database.handle, name)
        database.feedNames.remove(name)
        feed.deallocate()
    }

    public func append(_ text: String?) {
        guard let text else { return appendNull() }
        let start = arena.count
        if text.utf8.withContiguousStorageIfAvailable({ arena.append(contentsOf: $0) }) == nil {
            arena.append(contentsOf: text.utf8)
        }
        cells.append(ddbtrail_feed_cell(type: SQLITE_TEXT, length: Int32(arena.count - start), value: Int64(start)))
    }

    /// Text given as its bytes (kept exactly, whether or not they are UTF-8).
    public func append(text bytes: [UInt8]) {
        cells.append(ddbtrail_feed_cell(type: SQLITE_TEXT, length: Int32(bytes.count), value: Int64(arena.count)))
        arena.append(contentsOf: bytes)
    }

    public func append(blob bytes: [UInt8]) {
        cells.append(ddbtrail_feed_cell(type: SQLITE_BLOB, length: Int32(bytes.count), value: Int64(arena.count)))
        arena.append(contentsOf: bytes)
    }

    public func append(_ integer: Int64?) {
        guard let integer else { return appendNull() }
        cells.append(ddbtrail_feed_cell(type: SQLITE_INTEGER, length: 0, value: integer))
    }

    public func append(real: Double) {
        cells.append(ddbtrail_feed_cell(type: SQLITE_FLOAT, length: 0, value: Int64(bitPattern: real.bitPattern)))
    }

    public func appendNull() {
        cells.append(ddbtrail_feed_cell(type: SQLITE_NULL, length: 0, value: 0))
    }

    /// Runs the feed's statement over the rows appended since the last run, then empties the
    /// feed, also when the statement fails.
    public func run() throws {
        guard let statement else { return }
        precondition(cells.count % columns == 0, "row feed \(name): \(cells.count) values do not make whole rows of \(columns)")
        defer {
            cells.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
        }
        try cells.withUnsafeBufferPointer { cellBuffer in
            try arena.withUnsafeBufferPointer { arenaBuffer in
                feed.pointee.cells = cellBuffer.baseAddress
                feed.pointee.arena = arenaBuffer.baseAddress
                feed.pointee.rows = Int64(cellBuffer.count / columns)
                defer {
                    statement.reset()
                    feed.pointee.rows = 0
                    feed.pointee.cells = nil
                    feed.pointee.arena = nil
                }
                statement.reset()
                try statement.run()
            }
        }
    }
}

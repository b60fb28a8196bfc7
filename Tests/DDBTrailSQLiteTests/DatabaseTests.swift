import DDBTrailSQLite
import Foundation
import Testing

func memoryDatabase() throws -> Database {
    let db = try Database(path: ":memory:", mode: .readWriteCreate)
    try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB)")
    return db
}

@Suite struct DatabaseTests {
    @Test func textKeepsNULAndInvalidUTF8Bytes() throws {
        let db = try memoryDatabase()
        let bytes: [UInt8] = [0x61, 0x00, 0x62, 0xFF, 0xFE]
        try db.run("INSERT INTO t(v) VALUES (?)", [.text(bytes)])
        #expect(try db.scalar("SELECT v FROM t") == .text(bytes))
        #expect(try db.scalar("SELECT length(CAST(v AS BLOB)) FROM t") == .integer(5))
    }

    @Test func emptyTextIsNotNull() throws {
        let db = try memoryDatabase()
        try db.run("INSERT INTO t(v, b) VALUES (?, ?)", [.text([]), .blob([])])
        #expect(try db.scalar("SELECT v IS NOT NULL AND b IS NOT NULL FROM t") == .integer(1))
    }

    @Test func readOnlyStatementsAreDetected() throws {
        let db = try memoryDatabase()
        #expect(try db.prepare("SELECT * FROM t").isReadOnly)
        #expect(try !db.prepare("DELETE FROM t").isReadOnly)
        #expect(try !db.prepare("CREATE TABLE u(x)").isReadOnly)
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try memoryDatabase()
        #expect {
            try db.prepare("SELECT nope FROM t")
        } throws: { error in
            let text = "\(error)"
            return text.contains("SQLite error 1") && text.contains("no such column: nope") && text.contains("SELECT nope FROM t")
        }
    }

    @Test func doubleQuotedStringsAreIdentifiersOnly() throws {
        let db = try memoryDatabase()
        #expect(throws: SQLiteError.self) { try db.prepare(#"SELECT * FROM t WHERE v = "not a column""#) }
    }

    @Test func onlyOneStatementAtATime() throws {
        let db = try memoryDatabase()
        #expect(throws: SQLiteError.self) { try db.prepare("SELECT 1; DELETE FROM t") }
        #expect(try db.prepare("SELECT 1;  ").columnCount == 1)
    }

    @Test func bindingMismatchesThrow() throws {
        let db = try memoryDatabase()
        let s = try db.prepare("SELECT :a, :b")
        #expect(s.parameterNames == [":a", ":b"])
        #expect(throws: SQLiteError.self) { try s.bind([.integer(1)]) }
        #expect(throws: SQLiteError.self) { try s.bind(named: ["a": .integer(1)]) }
        try s.bind(named: ["a": .integer(1), "b": .string("x")])
        #expect(try s.step())
        #expect(s.row() == [.integer(1), .string("x")])
    }

    @Test func transactionsRollBackOnError() throws {
        let db = try memoryDatabase()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t(v) VALUES ('x')")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
    }

    @Test func readOnlyConnectionsCannotWrite() throws {
        let path = NSTemporaryDirectory() + "ddbtrail-sqlite-\(UUID().uuidString).db"
        do {
            let db = try Database(path: path, mode: .readWriteCreate)
            try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        }
        let ro = try Database(path: path, mode: .readOnly)
        #expect(throws: SQLiteError.self) { try ro.execute("INSERT INTO t VALUES (2)") }
        #expect(try ro.scalar("SELECT count(*) FROM t") == .integer(1))
        #expect(throws: SQLiteError.self) { try Database(path: path + ".missing", mode: .readOnly) }
    }
}

@Suite struct RowFeedTests {
    @Test func everyKindOfValueIsStoredExactly() throws {
        let db = try Database(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE r (n, i, f, t, e, x, b, eb)")
        let feed = try RowFeed(database: db, name: "test_feed", columns: 8,
                               statement: "INSERT INTO r SELECT c0, c1, c2, c3, c4, c5, c6, c7 FROM test_feed")
        let odd: [UInt8] = [0x61, 0x00, 0xFF, 0xFE]
        for row in 0..<3 {
            feed.append(nil as String?)
            feed.append(Int64(row) - 1)
            feed.append(real: 0.25 * Double(row))
            feed.append("é-\(row)")
            feed.append("")
            feed.append(text: odd)
            feed.append(blob: [UInt8(row), 0])
            feed.append(blob: [])
        }
        #expect(feed.rowCount == 3)
        try feed.run()
        #expect(feed.rowCount == 0)
        let rows = try db.rows("SELECT n, i, f, t, e, x, b, eb, typeof(e), typeof(eb) FROM r ORDER BY rowid")
        #expect(rows.count == 3)
        #expect(rows[2][0] == .null)
        #expect(rows.map { $0[1] } == [.integer(-1), .integer(0), .integer(1)])
        #expect(rows[2][2] == .real(0.5))
        #expect(rows[1][3] == .string("é-1"))
        #expect(rows[0][4] == .text([]) && rows[0][8] == .string("text"))
        #expect(rows[0][5] == .text(odd))
        #expect(rows[1][6] == .blob([1, 0]))
        #expect(rows[0][9] == .string("blob"))
    }

    @Test func aFailedRunStoresNothingAndLeavesTheFeedEmpty() throws {
        let db = try Database(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE u (k TEXT NOT NULL UNIQUE)")
        let feed = try RowFeed(database: db, name: "test_feed", columns: 1, statement: "INSERT INTO u SELECT c0 FROM test_feed")
        feed.append("a")
        feed.append("a")
        #expect(throws: SQLiteError.self) { try feed.run() }
        // A second live feed of the same name is refused; once the first is gone, the name is free.
        #expect(throws: SQLiteError.self) { try RowFeed(database: db, name: "test_feed", columns: 1, statement: "SELECT 1") }
        #expect(feed.rowCount == 0)
        #expect(try db.scalar("SELECT count(*) FROM u") == .integer(0))
        feed.append("b")
        try feed.run()
        #expect(try db.rows("SELECT k FROM u") == [[.string("b")]])
    }

    @Test func aFeedStoringIntoATableFillsTheNamedColumnsAndHonoursItsConflictClause() throws {
        let db = try Database(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE k (id INTEGER PRIMARY KEY, name TEXT UNIQUE, size INTEGER)")
        do {
            let feed = try RowFeed(database: db, storingInto: "k", columns: "size, name", onConflict: .ignore)
            #expect(feed.columns == 2)
            #expect(feed.name == "ddbtrail_k_feed")
            for (size, name) in [(1, "a"), (2, "b"), (3, "a")] {
                feed.append(Int64(size))
                feed.append(name)
            }
            try feed.run()
        }
        #expect(try db.rows("SELECT name, size FROM k ORDER BY id") == [[.string("a"), .integer(1)], [.string("b"), .integer(2)]])
        let failing = try RowFeed(database: db, storingInto: "k", columns: "name", onConflict: .fail)
        failing.append("c")
        failing.append("b")
        #expect(throws: SQLiteError.self) { try failing.run() }
    }

    @Test func aFeedLeavesItsConnectionWhenItGoes() throws {
        let db = try Database(path: ":memory:", mode: .readWriteCreate)
        do {
            let feed = try RowFeed(database: db, name: "gone_feed", columns: 1, statement: "SELECT count(*) FROM gone_feed")
            try feed.run()
        }
        #expect(throws: SQLiteError.self) { try db.rows("SELECT * FROM gone_feed") }
        let again = try RowFeed(database: db, name: "gone_feed", columns: 2, statement: "SELECT c1 FROM gone_feed")
        #expect(again.columns == 2)
        // A feed whose statement does not prepare is undone whole: its name can be used again.
        #expect(throws: SQLiteError.self) { try RowFeed(database: db, name: "bad_feed", columns: 1, statement: "SELECT c9 FROM bad_feed") }
        let good = try RowFeed(database: db, name: "bad_feed", columns: 1, statement: "SELECT c0 FROM bad_feed")
        #expect(good.rowCount == 0)
    }
}

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

import Foundation
import Testing
@testable import DDBTrailCore

@Suite struct ShellWordsTests {
    @Test func blanksSeparateWords() throws {
        #expect(try ShellWords.split("item --table Orders  --key\tcustomerId=C-1001\n") == ["item", "--table", "Orders", "--key", "customerId=C-1001"])
        #expect(try ShellWords.split("   ") == [])
    }

    @Test func singleQuotesKeepEverything() throws {
        #expect(try ShellWords.split(#"sql 'SELECT "a" \n $x FROM t'"#) == ["sql", #"SELECT "a" \n $x FROM t"#])
        #expect(try ShellWords.split("principal ''") == ["principal", ""])
    }

    @Test func doubleQuotesEscapeOnlyTheirSpecialCharacters() throws {
        #expect(try ShellWords.split(#"sql "SELECT 'x' AS \"n\", \\ \$ \` \a""#) == ["sql", #"SELECT 'x' AS "n", \ $ ` \a"#])
        #expect(try ShellWords.split("a \"b\\\nc\"") == ["a", "bc"])
        #expect(try ShellWords.split(#"x """#) == ["x", ""])
    }

    @Test func backslashOutsideQuotesKeepsTheNextCharacter() throws {
        #expect(try ShellWords.split(#"principal alice\ smith \'q\' \\"#) == ["principal", "alice smith", "'q'", "\\"])
        #expect(try ShellWords.split("detect \\\n--only x") == ["detect", "--only", "x"])
    }

    @Test func quotedPartsJoinTheirWord() throws {
        #expect(try ShellWords.split(#"--param=table='Or'"ders" x"#) == ["--param=table=Orders", "x"])
    }

    @Test func unterminatedQuotesAndATrailingBackslashAreErrors() {
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords.split("sql 'SELECT 1") }
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords.split(#"sql "SELECT 1"#) }
        #expect(throws: ShellWords.SyntaxError.self) { try ShellWords.split(#"detect \"#) }
    }
}

@Suite struct BundleQueryTests {
    func usageError(_ line: String) -> String? {
        do {
            _ = try BundleQuery(line)
            return nil
        } catch {
            return error.kind == .usage ? error.description : "not a usage error"
        }
    }

    @Test func onlyQueryCommandsAndNoReservedOptions() throws {
        #expect(try BundleQuery("investigate who-read --param table=Orders").words == ["investigate", "who-read", "--param", "table=Orders"])
        #expect(usageError("import evidence/")?.contains("'import' is not a query command") == true)
        #expect(usageError("")?.contains("empty") == true)
        #expect(usageError("detect --db other.db")?.contains("leave out --db") == true)
        #expect(usageError("sql --format=csv 'SELECT 1'")?.contains("leave out --format") == true)
        #expect(usageError("item --output x --table T --key k=v")?.contains("leave out --output") == true)
        #expect(usageError("detect --pseudonymise s")?.contains("give it to `bundle create`") == true)
        #expect(usageError("sql 'SELECT 1")?.contains("unterminated") == true)
        // A value that merely mentions an option is fine.
        #expect(usageError("sql 'SELECT ''--db'' AS x'") == nil)
    }

    @Test func infoAndPrincipalGetOneCSVPerSection() throws {
        #expect(try BundleQuery("principal alice").csvSections == ["identities", "chain", "activity"])
        #expect(try BundleQuery("principal alice --section chain").csvSections == nil)
        #expect(try BundleQuery("info").csvSections?.contains("time_range") == true)
        #expect(try BundleQuery("info --section=tables").csvSections == nil)
        #expect(try BundleQuery("detect").csvSections == nil)
    }

    @Test func slugsAreShortAndPlain() {
        #expect(BundleQuery.slug("sql \"SELECT count(*) AS n FROM events\"") == "sql-select-count-as-n-from-events")
        let long = BundleQuery.slug("item --table Orders --key customerId=C-1001 --key orderId=O-77")
        #expect(long == "item-table-orders-key-customerid-c-1001")
        #expect(BundleQuery.slug("é€") == "command")
    }
}

@Suite struct BundleRecordIDTests {
    @Test func idsComeFromEveryCitingColumn() {
        var records = BundleRecords()
        let lines = """
            {"event_id":"e1","stream_event_id":"s1","candidate_event_ids":"e2 e3"}
            {"evidence_event_ids":["e4","e5"],"event_id":null}
            {"evidence_event_ids":"[\\"e6\\"]","other_id":"x","event_id":42}

            """
        records.collect(jsonLines: Array(lines.utf8))
        #expect(records.eventIDs == ["e1", "e2", "e3", "e4", "e5", "e6"])
        #expect(records.streamEventIDs == ["s1"])
    }
}

@Suite struct BundleVerifierTests {
    /// A small bundle: three files under a manifest that lists them.
    func makeBundle() throws -> String {
        let dir = NSTemporaryDirectory() + "ddbtrail-bundle-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/results", withIntermediateDirectories: true)
        try Data("read me\n".utf8).write(to: URL(fileURLWithPath: dir + "/README.txt"))
        try Data("n\r\n46\r\n".utf8).write(to: URL(fileURLWithPath: dir + "/results/01-sql.csv"))
        try Data("{\"n\":46}\n".utf8).write(to: URL(fileURLWithPath: dir + "/results/01-sql.jsonl"))
        var manifest = BundleManifest(createdAt: "2026-11-03T04:00:00Z", pseudonymised: false, caseFingerprint: "00", caseFiles: 1)
        for path in try BundleFiles.walk(dir) {
            let found = try BundleFiles.digest(dir + "/" + path)
            manifest.files.append(BundleManifest.File(path: path, sha256: found.sha256, bytes: found.bytes))
        }
        try Data(manifest.json().utf8).write(to: URL(fileURLWithPath: dir + "/manifest.json"))
        return dir
    }

    @Test func anUntouchedBundlePasses() throws {
        let dir = try makeBundle()
        let report = try BundleVerifier.verify(directory: dir)
        #expect(report.ok)
        #expect(report.listed == 3)
        #expect(report.listing.files.map(\.path) == ["README.txt", "results/01-sql.csv", "results/01-sql.jsonl"])
        // The digest is the file's SHA-256 (of "read me\n").
        #expect(report.listing.files[0].sha256 == "65ce01fcc3e22e78b63419ef0f4493b0950daac7cee97329b428f5cafd395cda")
        #expect(report.listing.createdAt == "2026-11-03T04:00:00Z")
    }

    @Test func aFlippedByteIsAltered() throws {
        let dir = try makeBundle()
        let path = dir + "/results/01-sql.csv"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try BundleVerifier.verify(directory: dir)
        #expect(report.problems.map(\.kind) == [.altered])
        #expect(report.problems.first?.path == "results/01-sql.csv")
        #expect(report.problems.first?.detail.contains("SHA-256") == true)
    }

    @Test func aDeletedFileIsMissingAndAnAddedOneExtra() throws {
        let dir = try makeBundle()
        try FileManager.default.removeItem(atPath: dir + "/results/01-sql.jsonl")
        try FileManager.default.createDirectory(atPath: dir + "/records", withIntermediateDirectories: true)
        try Data("planted\n".utf8).write(to: URL(fileURLWithPath: dir + "/records/extra.jsonl"))
        let report = try BundleVerifier.verify(directory: dir)
        #expect(report.problems.map { "\($0.kind) \($0.path)" } == ["missing results/01-sql.jsonl", "extra records/extra.jsonl"])
        #expect(report.count(.missing) == 1)
        #expect(report.count(.extra) == 1)
    }

    @Test func aMissingOrBrokenManifestIsAFailure() throws {
        let dir = try makeBundle()
        let manifest = dir + "/manifest.json"
        func failure() -> String? {
            do { _ = try BundleVerifier.verify(directory: dir); return nil } catch { return error.kind == .failure ? error.description : nil }
        }
        try Data("{\"files\": [".utf8).write(to: URL(fileURLWithPath: manifest))
        #expect(failure()?.contains("not valid JSON") == true)
        try Data(#"{"files": [{"path": "../outside", "sha256": "00", "bytes": 1}]}"#.utf8).write(to: URL(fileURLWithPath: manifest))
        #expect(failure()?.contains("bad entry") == true)
        try FileManager.default.removeItem(atPath: manifest)
        #expect(failure()?.contains("no manifest.json") == true)
    }
}

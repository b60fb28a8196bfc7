import Foundation
import Testing

/// `ddbtrail bundle create` and `bundle verify` on the demo case. Hashes are checked with the
/// system's `sha256sum`, as a recipient without ddbtrail would.
@Suite(.serialized) struct BundleCLITests {
    static let commands = ["item --table Orders --key customerId=C-1001 --key orderId=O-77", "detect",
                           "investigate who-read --param table=Orders", #"sql "SELECT count(*) AS n FROM events""#]

    /// A fresh folder holding the demo case (./ddbtrail-demo.db and its evidence).
    func demoFolder() throws -> String {
        let dir = try CLI.temporaryDirectory()
        let demo = try CLI.run(["demo"], in: dir)
        #expect(demo.status == 0, "\(demo.err)")
        return dir
    }

    func create(_ bundle: String, in dir: String, _ commands: [String] = commands, _ more: [String] = []) throws -> (status: Int32, out: String, err: String) {
        try CLI.run(["bundle", "create", bundle, "--db", "ddbtrail-demo.db"] + commands.flatMap { ["--command", $0] } + more, in: dir)
    }

    func sha256(_ data: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    func jsonLines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func manifest(_ bundle: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))) as? [String: Any])
    }

    /// Every file under `dir`, relative, sorted.
    func files(_ dir: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: dir)
        var found: [String] = []
        while let path = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    @Test func aBundleFromTheDemoCaseHoldsResultsRecordsAndAManifest() throws {
        let dir = try demoFolder()
        #expect(try CLI.run(["investigate", "--list", "--format", "csv"]).out.contains("\r\nwho-read,"))
        let result = try create("handover", in: dir)
        #expect(result.status == 0, "\(result.err)")
        let bundle = dir + "/handover"
        let m = try manifest(bundle)

        // Results of each command in both formats, the records, README.txt; the manifest lists them all.
        let listed = try #require(m["files"] as? [[String: Any]])
        #expect(listed.map { $0["path"] as? String ?? "" } == files(bundle).filter { $0 != "manifest.json" })
        for name in ["README.txt", "records/cloudtrail.jsonl", "records/changes.jsonl", "results/01-item-table-orders-key-customerid-c-1001.csv",
                     "results/02-detect.jsonl", "results/03-investigate-who-read-param-table-orders.csv",
                     "results/04-sql-select-count-as-n-from-events.jsonl"] {
            #expect(listed.contains { $0["path"] as? String == name }, "\(name) is not listed")
        }
        for file in listed {
            let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + (file["path"] as? String ?? "")))
            #expect(file["sha256"] as? String == (try sha256(data)))
            #expect(file["bytes"] as? Int == data.count)
        }
        #expect(Set(m.keys).isSuperset(of: ["files", "commands", "tool_version", "created_at", "pseudonymised", "case_fingerprint", "case_files"]))
        #expect(m["pseudonymised"] as? Bool == false)
        #expect((m["created_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        let commands = try #require(m["commands"] as? [[String: Any]])
        #expect(commands.map { $0["command"] as? String ?? "" } == Self.commands)
        #expect(commands.allSatisfy { $0["exit_status"] as? Int == 0 })
        #expect(commands.last?["rows"] as? Int == 1)
        #expect(try String(contentsOfFile: bundle + "/results/04-sql-select-count-as-n-from-events.csv", encoding: .utf8) == "n\r\n46\r\n")

        // The fingerprint is the SHA-256 of the case's file hashes, sorted, one per line.
        let hashes = try CLI.run(["sql", "--db", dir + "/ddbtrail-demo.db", "--format", "csv", "--no-headers",
                                  "SELECT sha256 FROM source_files WHERE sha256 IS NOT NULL"])
        let sorted = hashes.out.split(separator: "\r\n").map(String.init).sorted()
        #expect(m["case_files"] as? Int == sorted.count)
        #expect(m["case_fingerprint"] as? String == (try sha256(Data(sorted.joined(separator: "\n").utf8))))

        // The cited records are the stored ones, byte for byte, and include every finding's evidence.
        for (file, table, key) in [("cloudtrail", "events", "event_id"), ("changes", "changes", "stream_event_id")] {
            let stored = try CLI.run(["sql", "--db", dir + "/ddbtrail-demo.db", "--format", "jsonl", "SELECT \(key), \(table == "events" ? "event_record" : "change_record")(id) AS raw FROM \(table) ORDER BY id"])
            var raw: [String: String] = [:]
            for row in stored.out.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
                raw[object[key] as? String ?? ""] = object["raw"] as? String
            }
            let records = try jsonLines(bundle + "/records/\(file).jsonl")
            #expect(!records.isEmpty)
            for record in records {
                let id = try #require(record[key] as? String)
                #expect(record["raw"] as? String == raw[id], "\(file) \(id)")
                #expect((record["source_sha256"] as? String)?.count == 64)
                #expect(record["source_file"] is String && record["record_offset"] is Int)
            }
            if file == "cloudtrail" {
                let cited = Set(try jsonLines(bundle + "/results/02-detect.jsonl").flatMap { $0["evidence_event_ids"] as? [String] ?? [] })
                #expect(!cited.isEmpty)
                #expect(cited.isSubset(of: Set(records.compactMap { $0[key] as? String })))
            }
        }
        #expect(try String(contentsOfFile: bundle + "/README.txt", encoding: .utf8).contains("ddbtrail bundle verify"))

        // verify: 0 untouched; 1 naming a flipped byte, a deleted file, an added file.
        let ok = try CLI.run(["bundle", "verify", bundle])
        #expect(ok.status == 0, "\(ok.out)")
        let damages: [(String, (String) throws -> Void)] = [
            ("altered results/02-detect.csv", { b in
                let path = b + "/results/02-detect.csv"
                var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
                bytes[bytes.count / 2] ^= 0x20
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }),
            ("missing records/changes.jsonl", { b in try FileManager.default.removeItem(atPath: b + "/records/changes.jsonl") }),
            ("extra results/notes.txt", { b in try Data("x".utf8).write(to: URL(fileURLWithPath: b + "/results/notes.txt")) }),
        ]
        for (n, (expected, damage)) in damages.enumerated() {
            let copy = dir + "/copy\(n)"
            try FileManager.default.copyItem(atPath: bundle, toPath: copy)
            try damage(copy)
            let checked = try CLI.run(["bundle", "verify", copy])
            #expect(checked.status == 1)
            #expect(checked.out.split(separator: "\n").filter { !$0.hasPrefix("bundle ") }.map { String($0.prefix(expected.count)) } == [expected])
            #expect(checked.out.contains("bundle \(copy): "))
        }
    }

    @Test func usageErrorsAndFailedCommandsLeaveNoFolder() throws {
        let dir = try demoFolder()
        try FileManager.default.createDirectory(atPath: dir + "/taken", withIntermediateDirectories: false)
        let cases: [(name: String, commands: [String], more: [String], status: Int32, message: String)] = [
            ("taken", ["detect"], [], 64, "taken already exists"),
            ("b1", ["detect", "import evidence"], [], 64, "'import' is not a query command"),
            ("b2", ["detect --db other.db"], [], 64, "leave out --db"),
            ("b3", ["detect"], ["--pseudonymise", "secret", "--include-evidence-files"], 64, "exclude each other"),
            ("b4", ["investigate who-read"], [], 64, "command 'investigate who-read' failed with exit status 64: Error: who-read: missing parameter 'table'"),
            ("b5", ["detect", "sql 'SELECT * FROM no_such_table'"], [], 1, "command 'sql 'SELECT * FROM no_such_table'' failed with exit status 1"),
            ("b6", ["principal nobody-at-all"], [], 1, "nothing in the case matches 'nobody-at-all'"),
        ]
        for c in cases {
            let result = try create(c.name, in: dir, c.commands, c.more)
            #expect(result.status == c.status, "\(c.name): \(result.err)")
            #expect(result.err.contains(c.message), "\(c.name): \(result.err)")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(c.name) }
            #expect(left == (c.name == "taken" ? ["taken"] : []), "\(c.name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".partial-") } == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/taken") == [])

        // verify: no folder is a usage error; a folder without a manifest a failure.
        #expect(try CLI.run(["bundle", "verify", dir + "/nothing-here"]).status == 64)
        let bare = try CLI.run(["bundle", "verify", dir + "/taken"])
        #expect(bare.status == 1)
        #expect(bare.err.contains("no manifest.json"))
    }

    /// verify exits 1 on a failed check: still a result, kept with its exit status.
    @Test func aFailedVerifyIsAResult() throws {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["generate", "--digest-tree", "--seed", "5", "--plant", "editedRecord", dir + "/damaged"]).status == 0)
        #expect(try CLI.run(["import", "--quiet", "--db", dir + "/case.db", dir + "/damaged"]).status == 0)
        let result = try CLI.run(["bundle", "create", dir + "/b", "--db", dir + "/case.db", "--command", "verify", "--command", "info --section files"])
        #expect(result.status == 0, "\(result.err)")
        let commands = try #require(try manifest(dir + "/b")["commands"] as? [[String: Any]])
        #expect(commands.map { $0["exit_status"] as? Int } == [1, 0])
        let rows = try jsonLines(dir + "/b/results/01-verify.jsonl")
        #expect(commands.first?["rows"] as? Int == rows.count)
        #expect(rows.contains { $0["status"] as? String == "failed" && $0["check"] as? String == "log-file-hash" })
        #expect(FileManager.default.fileExists(atPath: dir + "/b/results/01-verify.csv"))
        #expect(FileManager.default.fileExists(atPath: dir + "/b/results/02-info-section-files.csv"))
    }

    @Test func evidenceFilesAreTheOriginals() throws {
        let dir = try demoFolder()
        let result = try create("with-files", in: dir, ["verify --all", "detect --only control-plane-tampering"], ["--include-evidence-files"])
        #expect(result.status == 0, "\(result.err)")
        let bundle = dir + "/with-files"
        let m = try manifest(bundle)
        let stored = try CLI.run(["sql", "--db", dir + "/ddbtrail-demo.db", "--format", "csv", "--no-headers", "SELECT sha256 FROM source_files"])
        let caseHashes = Set(stored.out.split(separator: "\r\n").map(String.init))
        let evidence = files(bundle).filter { $0.hasPrefix("evidence/") }
        #expect(!evidence.isEmpty)
        for path in evidence {
            let hash = try sha256(Data(contentsOf: URL(fileURLWithPath: bundle + "/" + path)))
            #expect(caseHashes.contains(hash), "\(path)")
        }
        // One file per source of a cited record, and its entry names where it came from.
        let sources = Set(try jsonLines(bundle + "/records/cloudtrail.jsonl").compactMap { $0["source_sha256"] as? String })
            .union(try jsonLines(bundle + "/records/changes.jsonl").compactMap { $0["source_sha256"] as? String })
        let entries = try #require(m["evidence_files"] as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["sha256"] as? String }) == sources)
        #expect(entries.count == evidence.count)
        #expect(entries.allSatisfy { ($0["source_file"] as? String)?.hasPrefix("./ddbtrail-demo-evidence/") == true })
        #expect(try CLI.run(["bundle", "verify", bundle]).status == 0)
    }
}

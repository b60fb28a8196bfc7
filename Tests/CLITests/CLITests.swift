import Foundation
import Testing

/// Runs the built `ddbtrail` binary (next to the test bundle) and returns exit code, stdout, stderr.
struct CLI {
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("ddbtrail")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        // swift test builds the executable into the same products directory.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/ddbtrail")
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DDBTrailCoreTests/Fixtures")

    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["DDBTRAIL_DB"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ddbtrail-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite(.serialized) struct CLITests {
    @Test(arguments: [[], ["import"], ["sql"], ["info"], ["demo"], ["generate"], ["item"], ["state"], ["investigate"], ["detect"], ["principal"], ["report"], ["collect-metrics"], ["bundle"], ["bundle", "create"], ["bundle", "verify"]])
    func everyCommandHasHelp(_ command: [String]) throws {
        let result = try CLI.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.out.contains("USAGE:"))
    }

    /// jemalloc, not the C library's malloc, serves the process: it reads MALLOC_CONF and
    /// complains about an option it does not know. (Linked for speed; Package.swift says why.)
    @Test func theBinaryRunsOnJemalloc() throws {
        let result = try CLI.run(["--help"], environment: ["MALLOC_CONF": "ddbtrail_probe:1"])
        #expect(result.status == 0)
        #expect(result.err.contains("<jemalloc>: Invalid conf pair: ddbtrail_probe:1"))
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["import"]).status == 64)
        #expect(try CLI.run(["import", "/nonexistent/evidence"]).status == 64)
        #expect(try CLI.run(["sql", "--format", "xml", "SELECT 1"]).status == 64)
    }

    @Test func importExitCodesAndQueries() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/case.db"
        let good = CLI.fixtures.appendingPathComponent("samples/cloudtrail_ddb_data_putitem_awsdoc.json").path
        let clean = try CLI.run(["import", "--db", db, good])
        #expect(clean.status == 0, "\(clean.err)")
        #expect(clean.out.contains("cloudtrail-log-file"))
        #expect(clean.out.contains("1 imported"))

        let mixed = try CLI.run(["import", "--db", db, CLI.fixtures.appendingPathComponent("samples/PROVENANCE.md").path])
        #expect(mixed.status == 1)
        #expect(mixed.err.contains("unrecognised format"))

        let csv = try CLI.run(["sql", "--db", db, "--format", "csv",
                               "SELECT e.event_name, p.arn, a.item_key, e.source_ip, '=1+1' AS formula FROM item_accesses a JOIN events e ON e.id = a.event_id LEFT JOIN principals p ON p.id = e.principal_id"])
        #expect(csv.status == 0, "\(csv.err)")
        let lines = csv.out.components(separatedBy: "\r\n")
        #expect(lines[0] == "event_name,arn,item_key,source_ip,formula")
        #expect(lines[1].hasPrefix("PutItem,"))
        #expect(lines[1].contains(#""{""Artist"":""No One You Know"",""SongTitle"":""Scared of My Shadow""}""#))
        #expect(lines[1].hasSuffix(",'=1+1"))

        let json = try CLI.run(["sql", "--db", db, "--format", "json", "SELECT event_time, read_only FROM events"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        // The only event stored is the AWS documentation's PutItem record.
        #expect(parsed?.count == 1)
        #expect(parsed?.first?["event_time"] as? String == "2019-01-19T15:41:54Z")

        let refused = try CLI.run(["sql", "--db", db, "DELETE FROM events"])
        #expect(refused.status == 1)
        #expect(refused.err.contains("read-only"))
        #expect(try CLI.run(["sql", "--db", db, "SELECT count(*) AS n FROM events", "--format", "jsonl"]).out == "{\"n\":1}\n")

        let info = try CLI.run(["info", "--db", db])
        #expect(info.status == 0)
        #expect(info.out.contains("Music"))
        #expect(info.out.contains("missing data events do not prove"))
        let infoJSON = try CLI.run(["info", "--db", db, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(infoJSON.out.utf8)) as? [String: Any]
        #expect(object?["tables"] != nil)
        #expect(object?["time_range"] != nil)
    }

    @Test func conflictingCopiesAreReportedByImportAndInfo() throws {
        let dir = try CLI.temporaryDirectory()
        let record = #"{"eventVersion":"1.08","eventID":"c1","eventTime":"2026-11-03T01:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","awsRegion":"eu-west-1","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.66","requestParameters":{"tableName":"Orders","key":{"pk":"a"}}}"#
        try Data("{\"Records\":[\(record)]}".utf8).write(to: URL(fileURLWithPath: dir + "/a.json"))
        let forged = record.replacingOccurrences(of: "203.0.113.66", with: "198.51.100.7")
        try Data("{\"Records\":[\(forged)]}".utf8).write(to: URL(fileURLWithPath: dir + "/b.json"))
        let result = try CLI.run(["import", "--db", dir + "/case.db", dir + "/a.json", dir + "/b.json"])
        // Kept and reported, not rejected.
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("2 records read: 1 imported, 1 duplicate (1 conflicting), 0 rejected"))
        #expect(result.out.contains("1 conflicting duplicate(s), see `ddbtrail info` and import_errors"))
        #expect(result.err.contains("b.json#0: warning: eventID c1: content differs from the stored copy at \(dir)/a.json#0"))
        let info = try CLI.run(["info", "--db", dir + "/case.db", "--section", "conflicting_copies", "--format", "jsonl"])
        #expect(info.status == 0, "\(info.err)")
        let rows = info.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.count == 1)
        #expect(rows.first?["event_id"] as? String == "c1")
        #expect(rows.first?["copy_path"] as? String == dir + "/b.json")
    }

    @Test func queriesOnAMissingCaseFailClearly() throws {
        let dir = try CLI.temporaryDirectory()
        let result = try CLI.run(["sql", "--db", dir + "/none.db", "SELECT 1"])
        #expect(result.status == 1)
        #expect(result.err.contains("no case database"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.db"))
    }

    /// verify exits 0 on an untouched digest tree, 1 on a damaged one, naming the damage.
    @Test func verifyExitStatusFollowsTheFindings() throws {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["generate", "--digest-tree", "--seed", "5", dir + "/clean"]).status == 0)
        #expect(try CLI.run(["import", "--quiet", "--db", dir + "/clean.db", dir + "/clean"]).status == 0)
        let clean = try CLI.run(["verify", "--db", dir + "/clean.db", "--format", "jsonl"])
        #expect(clean.status == 0, "\(clean.out)")
        #expect(clean.out.isEmpty)
        let all = try CLI.run(["verify", "--db", dir + "/clean.db", "--all", "--format", "jsonl"])
        #expect(all.out.split(separator: "\n").count > 20)

        let plan = try CLI.run(["generate", "--digest-tree", "--seed", "5", "--plant", "editedRecord", dir + "/damaged"])
        #expect(plan.status == 0)
        #expect(try CLI.run(["import", "--quiet", "--db", dir + "/damaged.db", dir + "/damaged"]).status == 0)
        let damaged = try CLI.run(["verify", "--db", dir + "/damaged.db", "--format", "jsonl"])
        #expect(damaged.status == 1)
        let rows = damaged.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let failed = rows.filter { $0["status"] as? String == "failed" }
        #expect(failed.count == 1)
        let key = try #require(failed.first?["s3_object"] as? String)
        #expect(failed.first?["check"] as? String == "log-file-hash")
        #expect(plan.out.contains(key))
        #expect((failed.first?["path"] as? String)?.hasSuffix(key) == true)
        #expect(try CLI.run(["verify", "--db", dir + "/damaged.db", "--plant", "x"]).status == 64)
    }

    @Test func itemAndStateOnTheDemoCase() throws {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["demo"], in: dir).status == 0)
        let db = dir + "/ddbtrail-demo.db"
        let item = try CLI.run(["item", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77", "--format", "jsonl"])
        #expect(item.status == 0, "\(item.err)")
        let rows = item.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.count > 5)
        let required = ["kind", "time", "event_name", "event_id", "stream_event_id", "principal_arn", "access_key_id", "source_ip",
                        "user_agent", "error_code", "change_type", "old_image", "new_image", "diff", "attribution", "confidence"]
        for row in rows { #expect(required.allSatisfy { row.keys.contains($0) }) }
        let tamper = try #require(rows.first { ($0["kind"] as? String) == "change" && ($0["time"] as? String) == "2026-11-03T02:47:12Z" })
        #expect(tamper["principal_arn"] as? String == "arn:aws:iam::111122223333:user/svc-reporting")
        #expect(tamper["source_ip"] as? String == "203.0.113.66")
        let diff = try #require(tamper["diff"] as? [String: Any])
        #expect((diff["added"] as? [String: Any])?["refundStatus"] as? String == "ISSUED")
        #expect(rows.contains { ($0["error_code"] as? String) == "ConditionalCheckFailedException" })

        let before = try CLI.run(["state", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77",
                                  "--at", "2026-11-03T02:47:00Z", "--format", "json"])
        let after = try CLI.run(["state", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77",
                                 "--at", "2026-11-03T02:48:00Z", "--format", "json"])
        let b = try #require((try JSONSerialization.jsonObject(with: Data(before.out.utf8)) as? [[String: Any]])?.first)
        let a = try #require((try JSONSerialization.jsonObject(with: Data(after.out.utf8)) as? [[String: Any]])?.first)
        #expect(b["state"] as? String == "present")
        #expect((b["item"] as? [String: Any])?["refundStatus"] == nil)
        #expect((a["item"] as? [String: Any])?["refundStatus"] as? String == "ISSUED")
        let early = try CLI.run(["state", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77",
                                 "--at", "2026-11-01T00:00:00Z"])
        #expect(early.out.contains("unknown"))
        #expect(try CLI.run(["state", "--db", db, "--table", "Orders", "--key", "customerId", "--at", "2026-11-01T00:00:00Z"]).status == 64)
        #expect(try CLI.run(["item", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--since", "yesterday"]).status == 64)
    }

    @Test func demoRunsFromAnyDirectory() throws {
        let dir = try CLI.temporaryDirectory()
        let result = try CLI.run(["demo"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(FileManager.default.fileExists(atPath: dir + "/ddbtrail-demo.db"))
        #expect(result.out.contains("UpdateItem"))
        #expect(result.out.contains("203.0.113.66"))
        // Every change in the demo has its cause in the demo's CloudTrail: all are attributed.
        let info = try CLI.run(["info", "--db", dir + "/ddbtrail-demo.db", "--section", "changes", "--format", "jsonl"])
        let row = try #require(try JSONSerialization.jsonObject(with: Data(info.out.utf8)) as? [String: Any])
        #expect(row["changes"] as? Int == 13)
        #expect(row["attributed"] as? Int == 13)
    }

    @Test func investigateAndDetectOnTheDemoCase() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/case.db"
        #expect(try CLI.run(["generate", "--demo", dir + "/evidence"]).status == 0)
        #expect(try CLI.run(["import", "--quiet", "--db", db, dir + "/evidence"]).status == 0)
        let list = try CLI.run(["investigate", "--list", "--format", "jsonl"])
        #expect(list.status == 0)
        #expect(list.out.contains(#""name":"mass-deletes","kind":"detection""#))
        #expect(!list.out.contains("info-files"))
        // A missing or mistyped parameter names the parameter; usage errors exit 64.
        let missing = try CLI.run(["investigate", "--db", db, "who-read"])
        #expect(missing.status == 64)
        #expect(missing.err.contains("missing parameter 'table'"))
        let mistyped = try CLI.run(["investigate", "--db", db, "mass-deletes", "--param", "window=soon"])
        #expect(mistyped.status == 64)
        #expect(mistyped.err.contains("parameter 'window' must be an integer"))
        #expect(try CLI.run(["investigate", "--db", db, "no-such-thing"]).status == 64)
        let csv = try CLI.run(["investigate", "--db", db, "who-read", "--param", "table=Orders", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.out.hasPrefix("principal_arn,access_key_id,items_read,"))
        // detect: JSON lines with the stable fields, highest severity first.
        let detect = try CLI.run(["detect", "--db", db, "--format", "jsonl"])
        #expect(detect.status == 0)
        let findings = detect.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(findings.count >= 5)
        for field in ["rule", "severity", "title", "principal_arn", "access_key_id", "table", "window_start", "window_end", "evidence_event_ids", "drill_down"] {
            #expect(findings.allSatisfy { $0.keys.contains(field) }, "missing \(field)")
        }
        #expect(findings.first?["severity"] as? String == "high")
        #expect(findings.contains { $0["rule"] as? String == "pitr-disabled" && $0["severity"] as? String == "high" })
        #expect((findings.first?["evidence_event_ids"] as? [String])?.isEmpty == false)
        let high = try CLI.run(["detect", "--db", db, "--format", "jsonl", "--min-severity", "high"])
        #expect(high.out.split(separator: "\n").count == findings.filter { $0["severity"] as? String == "high" }.count)
        #expect(try CLI.run(["detect", "--db", db, "--set", "no_such_threshold=1"]).status == 64)
        // Thresholds from a config file; one detection only.
        try "mass-deletes.min_deletes = 3\nmass-deletes.window = 3600\n".write(toFile: dir + "/t.conf", atomically: true, encoding: .utf8)
        let deletes = try CLI.run(["detect", "--db", db, "--config", dir + "/t.conf", "--only", "mass-deletes", "--format", "csv"])
        #expect(deletes.status == 0)
        #expect(deletes.out.split(separator: "\r\n").count == 2)
        #expect(deletes.out.contains("mass-delete,medium,"))
        // Users' own investigations come from --queries or $DDBTRAIL_QUERIES.
        try "-- name: my-count\n-- title: Events\n-- columns: n\nSELECT count(*) AS n FROM events".write(toFile: dir + "/my-count.sql", atomically: true, encoding: .utf8)
        let mine = try CLI.run(["investigate", "--db", db, "my-count", "--format", "csv", "--no-headers"], environment: ["DDBTRAIL_QUERIES": dir])
        #expect(mine.status == 0)
        #expect(mine.out == "46\r\n")  // 59 records imported, 13 of them stream records
    }

    @Test func principalShowsTheChainAndActivity() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/case.db"
        #expect(try CLI.run(["generate", "--demo", dir + "/evidence"]).status == 0)
        #expect(try CLI.run(["import", "--quiet", "--db", db, dir + "/evidence"]).status == 0)
        let result = try CLI.run(["principal", "--db", db, "ASIA3XKQ7PZ2OA4LRM5Q", "--format", "json"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["identities", "chain", "activity"])
        #expect(result.out.contains("lambda.amazonaws.com"))
        #expect(result.out.contains("orders-api"))
        let missing = try CLI.run(["principal", "--db", db, "nobody-at-all"])
        #expect(missing.status == 1)
        #expect(try CLI.run(["principal", "--db", db, "alice", "--format", "csv"]).status == 64)
        let csv = try CLI.run(["principal", "--db", db, "alice", "--format", "csv", "--section", "activity"])
        #expect(csv.status == 0)
        #expect(csv.out.contains("Orders"))
    }
}

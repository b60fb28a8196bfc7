import Foundation
import Testing

/// `--pseudonymise` on every query command, over the demo case: no original of a learned kind
/// appears, pseudonyms are stable under one secret and differ under another, counts are unchanged.
@Suite(.serialized) struct PseudonymiseTests {
    static let prepared = Result { () -> String in
        let dir = try CLI.temporaryDirectory()
        guard try CLI.run(["demo"], in: dir).status == 0 else { throw CocoaError(.fileReadUnknown) }
        return dir
    }

    /// Every query command, in JSON lines, pseudonymised with `secret`.
    func outputs(_ dir: String, secret: String?) throws -> String {
        let db = dir + "/ddbtrail-demo.db"
        let extra = secret.map { ["--pseudonymise", $0] } ?? []
        let commands: [[String]] = [
            ["item", "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77"],
            ["state", "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77", "--at", "2026-11-03T03:00:00Z"],
            ["detect", "--min-severity", "info"], ["info"], ["principal", "AKIA3XKQ7PZ2SVCREPTQ"],
            ["investigate", "unattributed-changes"], ["verify", "--all"],
            ["sql", "SELECT * FROM events"], ["sql", "SELECT * FROM changes"], ["sql", "SELECT * FROM principals"],
            ["sql", "SELECT * FROM item_accesses"], ["sql", "SELECT * FROM credential_grants"], ["sql", "SELECT * FROM source_files"],
        ]
        var all = ""
        for c in commands {
            let r = try CLI.run(c + ["--db", db, "--format", "jsonl"] + extra)
            #expect(r.status == 0 || c[0] == "verify", "\(c): \(r.err)")
            all += r.out
        }
        return all
    }

    /// The originals a pseudonymised output must not show, read from the case without the tool's help.
    func originals(_ dir: String) throws -> Set<String> {
        let db = dir + "/ddbtrail-demo.db"
        var found: Set<String> = []
        func leaves(_ v: Any) {
            if let d = v as? [String: Any] { d.values.forEach(leaves) } else if let a = v as? [Any] { a.forEach(leaves) }
            else if let s = v as? String { found.insert(s) } else if let n = v as? NSNumber { found.insert(n.stringValue) }
        }
        let sql = """
            SELECT keys AS v FROM changes UNION ALL SELECT new_image FROM changes WHERE new_image IS NOT NULL
            UNION ALL SELECT old_image FROM changes WHERE old_image IS NOT NULL
            UNION ALL SELECT json_array(user_name, session_name, access_key_id, role_name) FROM principals
            UNION ALL SELECT json_array(source_ip) FROM events WHERE source_ip GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*'
            """
        for line in try CLI.run(["sql", "--db", db, "--format", "jsonl", sql]).out.split(separator: "\n") {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let text = row?["v"] as? String, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) { leaves(value) }
        }
        return found.filter { $0.count >= 3 && !($0.first?.isNumber == true && $0.count >= 10 && $0.contains("-")) }
    }

    @Test func noOriginalAppearsAndPseudonymsLineUp() throws {
        let dir = try Self.prepared.get()
        for name in ["one.key", "two.key"] { #expect(try CLI.run(["secret", "new", dir + "/" + name]).status == 0) }
        let clear = try outputs(dir, secret: nil)
        let first = try outputs(dir, secret: dir + "/one.key")
        let again = try outputs(dir, secret: dir + "/one.key")
        let other = try outputs(dir, secret: dir + "/two.key")
        let originals = try originals(dir)
        #expect(originals.contains("C-1001") && originals.contains("203.0.113.66") && originals.contains("svc-reporting"))
        for o in originals {
            #expect(clear.contains(o) || o.count < 4, "the plain output should show \(o)")
            #expect(!first.contains(o), "\(o) appears in pseudonymised output")
            let escaped = o.replacingOccurrences(of: "/", with: "\\/")
            #expect(!first.contains(escaped), "\(escaped) appears")
        }
        #expect(first == again)
        #expect(first != other)
        // Rows are not added or lost, and times and event ids stay as they are.
        #expect(first.split(separator: "\n").count == clear.split(separator: "\n").count)
        #expect(first.contains("2026-11-03T02:47:12Z") && first.contains("b9053209-9c2a-45e3-9433-ce176eddb165"))
    }

    /// Every file of a pseudonymised bundle (results, cited records, manifest, README) is free of
    /// originals; two bundles made with one secret agree, one made with another does not.
    @Test func pseudonymisedBundlesHideOriginalsAndLineUp() throws {
        let dir = try Self.prepared.get()
        for name in ["b1.key", "b2.key"] { #expect(try CLI.run(["secret", "new", dir + "/" + name]).status == 0) }
        func bundle(_ name: String, _ key: String) throws -> [String: String] {
            let r = try CLI.run(["bundle", "create", dir + "/" + name, "--db", dir + "/ddbtrail-demo.db", "--pseudonymise", dir + "/" + key,
                                 "--command", "item --table Orders --key customerId=C-1001 --key orderId=O-77",
                                 "--command", "detect", "--command", "principal AKIA3XKQ7PZ2SVCREPTQ",
                                 "--command", "sql 'SELECT change_record(id) AS raw FROM changes'"])
            #expect(r.status == 0, "\(r.err)")
            var files: [String: String] = [:]
            let root = dir + "/" + name
            for path in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files[path] = String(decoding: FileManager.default.contents(atPath: root + "/" + path) ?? Data(), as: UTF8.self)
                }
            }
            return files
        }
        let one = try bundle("p1", "b1.key"), again = try bundle("p2", "b1.key"), other = try bundle("p3", "b2.key")
        #expect(one.keys.contains("records/cloudtrail.jsonl") && one.keys.contains("records/changes.jsonl") && one.keys.contains("manifest.json"))
        let everything = one.values.joined(separator: "\n")
        for o in try originals(dir) {
            #expect(!everything.contains(o), "\(o) appears in the pseudonymised bundle")
            #expect(!everything.contains(o.replacingOccurrences(of: "/", with: "\\/")))
        }
        #expect(everything.contains("\"pseudonymised\":true") || everything.contains("\"pseudonymised\": true"))
        for path in one.keys where path.hasPrefix("results/") || path.hasPrefix("records/") {
            #expect(one[path] == again[path], "\(path) differs under one secret")
        }
        #expect(one["records/changes.jsonl"] != other["records/changes.jsonl"])
        #expect(try CLI.run(["bundle", "verify", dir + "/p1"]).status == 0)
    }

    /// The HTML report pseudonymises like the query commands.
    @Test func pseudonymisedReportHidesOriginals() throws {
        let dir = try Self.prepared.get()
        #expect(try CLI.run(["secret", "new", dir + "/r.key"]).status == 0)
        let r = try CLI.run(["report", "--db", dir + "/ddbtrail-demo.db", "--output", dir + "/r.html", "--pseudonymise", dir + "/r.key"])
        #expect(r.status == 0, "\(r.err)")
        let html = String(decoding: FileManager.default.contents(atPath: dir + "/r.html") ?? Data(), as: UTF8.self)
        #expect(html.contains("ps-"))
        for o in try originals(dir) { #expect(!html.contains(o), "\(o) appears in the pseudonymised report") }
    }

    @Test func secretsAreMadePrivateAndLooseOnesRefused() throws {
        let dir = try Self.prepared.get()
        let path = dir + "/made.key"
        #expect(try CLI.run(["secret", "new", path]).status == 0)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(try CLI.run(["secret", "new", path]).status == 64)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let loose = try CLI.run(["info", "--db", dir + "/ddbtrail-demo.db", "--pseudonymise", path])
        #expect(loose.status == 64 && loose.err.contains("chmod 600"))
        let missing = try CLI.run(["info", "--db", dir + "/ddbtrail-demo.db", "--pseudonymise", dir + "/none.key"])
        #expect(missing.status == 64 && missing.err.contains("cannot read"))
    }
}

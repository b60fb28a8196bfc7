import Foundation
import Testing

@Suite struct CollectMetricsCLITests {
    /// The requests a script writes: path and JSON text of each heredoc.
    static func requests(in script: String) -> [(path: String, json: String)] {
        var result: [(String, String)] = []
        var lines = script.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("cat > "), let open = line.range(of: " <<") else { continue }
            let path = line[line.index(line.startIndex, offsetBy: 6)..<open.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            var body: [Substring] = []
            while let next = lines.popFirst(), next != "EOF" { body.append(next) }
            result.append((path, body.joined(separator: "\n")))
        }
        return result
    }

    @Test func scriptForTheDemoCaseFetchesEveryTablesMetrics() throws {
        let dir = try CLI.temporaryDirectory()
        let demo = try CLI.run(["demo"], in: dir)
        #expect(demo.status == 0, "\(demo.err)")
        let result = try CLI.run(["collect-metrics", "--db", "ddbtrail-demo.db"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let script = result.out
        #expect(script.hasPrefix("#!/bin/sh\n"))
        #expect(script.contains("\nset -eu\n"))
        #expect(script.contains("1-minute data for 15 days only"))
        #expect(script.contains("# ") && script.contains("aws sts get-caller-identity"))
        #expect(!script.split(separator: "\n").contains { $0.hasPrefix("aws sts") })  // a comment, never run
        let tables = try CLI.run(["sql", "--db", "ddbtrail-demo.db", "--format", "csv", "--no-headers",
                                  "SELECT account_id || '/' || region || '/' || name FROM ddb_tables"], in: dir)
        let names = tables.out.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        #expect(names.count >= 2)
        let requests = Self.requests(in: script)
        for name in names {
            #expect(script.contains("mkdir -p 'metrics/\(name)'"))
            #expect(requests.contains { $0.path == "metrics/\(name)/ConsumedReadCapacityUnits.request.json" })
            #expect(requests.contains { $0.path == "metrics/\(name)/SuccessfulRequestLatency-Scan.request.json" })
        }
        #expect(requests.count > 50)
        let idRule = try Regex("^[a-z][a-zA-Z0-9_]*$")
        for request in requests {
            let json = try JSONSerialization.jsonObject(with: Data(request.json.utf8)) as? [String: Any]
            let queries = json?["MetricDataQueries"] as? [[String: Any]] ?? []
            #expect(!queries.isEmpty, "\(request.path)")
            let ids = queries.compactMap { $0["Id"] as? String }
            #expect(ids.count == queries.count && Set(ids).count == ids.count, "\(request.path)")
            #expect(ids.allSatisfy { $0.wholeMatch(of: idRule) != nil }, "\(request.path)")
            // Each output is fetched beside its request.
            let output = String(request.path.dropLast(".request.json".count)) + ".json"
            #expect(script.contains("--cli-input-json 'file://\(request.path)' --output json > '\(output)'")
                    || script.contains("--cli-input-json \"file://\(request.path)\" --output json > \"\(output)\""), "\(request.path)")
        }
        let path = dir + "/collect.sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/sh")
        check.arguments = ["-n", path]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test func anEmptySpanIsAUsageError() throws {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["demo"], in: dir).status == 0)
        let result = try CLI.run(["collect-metrics", "--db", "ddbtrail-demo.db", "--since", "2026-11-04T00:00:00Z", "--until", "2026-11-03T00:00:00Z"], in: dir)
        #expect(result.status != 0)
        #expect(result.err.contains("--until must be after --since"))
    }
}

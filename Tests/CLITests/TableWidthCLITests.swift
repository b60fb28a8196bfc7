import Foundation
import Testing

/// Tables fitted to `DDBTRAIL_TABLE_WIDTH`, `--wide` and `--columns`, on the demo case.
@Suite(.serialized) struct TableWidthCLITests {
    static let commands: [[String]] = [
        ["detect"],
        ["item", "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77"],
        ["principal", "AKIA3XKQ7PZ2SVCREPTQ"],
        ["info"],
        ["investigate", "unattributed-changes"],
    ]

    static func demo() throws -> String {
        let dir = try CLI.temporaryDirectory()
        #expect(try CLI.run(["demo"], in: dir).status == 0)
        return dir + "/ddbtrail-demo.db"
    }

    @Test(arguments: [100, 160])
    func everyLineFits(_ width: Int) throws {
        let db = try Self.demo()
        for command in Self.commands {
            let result = try CLI.run(command + ["--db", db], environment: ["DDBTRAIL_TABLE_WIDTH": String(width)])
            #expect(result.status == 0, "\(command): \(result.err)")
            let lines = result.out.split(separator: "\n")
            #expect(lines.count > 2, "\(command)")
            for line in lines { #expect(line.count <= width, "\(command): \(line)") }
        }
    }

    @Test func defaultColumnsAndWide() throws {
        let db = try Self.demo()
        let env = ["DDBTRAIL_TABLE_WIDTH": "160"]
        let detect = try CLI.run(["detect", "--db", db], environment: env)
        let header = detect.out.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix("severity  rule"))
        #expect(!header.contains("evidence_event_ids"))
        let item = try CLI.run(["item", "--db", db, "--table", "Orders", "--key", "customerId=C-1001", "--key", "orderId=O-77"], environment: env)
        #expect(item.out.hasPrefix("kind    time"))
        #expect(!item.out.contains("stream_event_id"))
        let wide = try CLI.run(["detect", "--db", db, "--wide"], environment: ["DDBTRAIL_TABLE_WIDTH": "1000"])
        #expect(wide.out.hasPrefix("rule  "))
        #expect(wide.out.contains("evidence_event_ids"))
    }

    @Test func columnsSelectAndOrder() throws {
        let db = try Self.demo()
        let table = try CLI.run(["detect", "--db", db, "--columns", "table,rule"], environment: ["DDBTRAIL_TABLE_WIDTH": "100"])
        #expect(table.status == 0)
        #expect(table.out.split(separator: "\n").first == "table      rule")
        let csv = try CLI.run(["detect", "--db", db, "--format", "csv", "--columns", "severity,rule"])
        #expect(csv.out.hasPrefix("severity,rule\r\nhigh,unusual-scan\r\n"))
        let info = try CLI.run(["info", "--db", db, "--columns", "table_name,changes"], environment: ["DDBTRAIL_TABLE_WIDTH": "100"])
        #expect(info.status == 0)
        #expect(info.out.contains("table_name  changes"))
        #expect(!info.out.contains("event_source"))
    }

    @Test func unknownColumnIsAUsageError() throws {
        let db = try Self.demo()
        for command in [["detect"], ["info"], ["investigate", "unattributed-changes"]] {
            let result = try CLI.run(command + ["--db", db, "--columns", "severity,nonesuch"])
            #expect(result.status == 64, "\(command)")
            #expect(result.err.contains("nonesuch"), "\(command)")
            #expect(result.err.contains("available:"), "\(command)")
        }
    }

    @Test func aPipeGetsTheFullTable() throws {
        let db = try Self.demo()
        let detect = try CLI.run(["detect", "--db", db])
        let lines = detect.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("rule  ") == true)
        #expect(lines.first?.contains("evidence_event_ids") == true)
        #expect(lines.contains { $0.count > 300 })
        #expect(detect.out.contains("arn:aws:iam::111122223333:user/svc-reporting"))
    }
}

import Foundation
import Testing
@testable import DDBTrailSynthetic

/// Checks the synthetic corpus and the committed demo incident.
///
/// Set `DDBTRAIL_RECORD_DEMO=1` to rewrite `demo/incident/` from
/// `CorpusGenerator.writeDemoIncident` (then review the diff).
@Suite struct CorpusGeneratorTests {
    // MARK: Helpers

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "ddbtrail-gen-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Regular files under `directory`, as sorted relative paths.
    static func files(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)!
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(path)
            }
        }
        return paths.sorted()
    }

    /// Runs a tool and returns its standard output; an independent check of our gzip and SHA-256.
    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments) failed")
        return data
    }

    static func gunzip(_ path: String) throws -> Data { try run("/usr/bin/gzip", ["-dc", path]) }

    static func records(_ data: Data) throws -> [[String: Any]] {
        let top = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Array(top.keys) == ["Records"])
        return try #require(top["Records"] as? [[String: Any]])
    }

    struct Corpus {
        var summary: CorpusSummary
        /// Relative path → records of that file.
        var files: [(path: String, records: [[String: Any]])]
        var all: [[String: Any]] { files.flatMap(\.records) }
    }

    static func corpus(seed: UInt64, records: Int, perFile: Int) throws -> Corpus {
        let directory = try temporaryDirectory("corpus")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = CorpusGenerator(seed: seed)
        let summary = try generator.writeCorpus(to: directory, records: records, recordsPerFile: perFile)
        let files = try Self.files(under: directory).map { path in
            (path: path, records: try Self.records(Self.gunzip(directory + "/" + path)))
        }
        return Corpus(summary: summary, files: files)
    }

    static func matches(_ text: String?, _ pattern: String) -> Bool {
        guard let text else { return false }
        return text.range(of: "^" + pattern + "$", options: .regularExpression) != nil
    }

    static let dataEventNames: Set<String> = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                                              "BatchGetItem", "BatchWriteItem", "TransactWriteItems",
                                              "TransactGetItems", "ExecuteStatement"]

    // MARK: GzipWriter

    @Test func gzipWriterRoundTripsThroughGunzip() throws {
        let directory = try Self.temporaryDirectory("gzip")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.json.gz"
        let writer = try GzipWriter(path: path)
        // Larger than the writer's output chunk, so deflate has to drain more than once.
        var expected = Data()
        var big = [UInt8](repeating: 0, count: 3_000_000)
        var state: UInt32 = 1
        for i in big.indices { state = state &* 1_664_525 &+ 1_013_904_223; big[i] = UInt8(truncatingIfNeeded: state >> 24) }
        try writer.write(#"{"Records":["#); expected.append(contentsOf: Array(#"{"Records":["#.utf8))
        try writer.write([]); try writer.write("")
        try writer.write(big); expected.append(contentsOf: big)
        try writer.write("]}"); expected.append(contentsOf: Array("]}".utf8))
        try writer.close()
        try writer.close()
        #expect(try Self.gunzip(path) == expected)
        #expect(writer.uncompressedCount == expected.count)
        let onDisk = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(writer.compressedCount == onDisk)
        #expect(throws: GzipWriterError.self) { try writer.write("late") }

        let missing = directory + "/no/such/dir/x.gz"
        let error = try #require(throws: GzipWriterError.self) { try GzipWriter(path: missing) }
        #expect(error.description.hasPrefix(missing))
    }

    // MARK: Corpus

    @Test func sameSeedGivesIdenticalBytes() throws {
        func write(seed: UInt64) throws -> [String: Data] {
            let directory = try Self.temporaryDirectory("determinism")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var generator = CorpusGenerator(seed: seed)
            _ = try generator.writeCorpus(to: directory, records: 3_000, recordsPerFile: 500)
            var contents: [String: Data] = [:]
            for path in Self.files(under: directory) {
                contents[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
            }
            return contents
        }
        let first = try write(seed: 42), second = try write(seed: 42), other = try write(seed: 43)
        #expect(first.count == 6)
        #expect(first == second)
        #expect(Set(first.keys).isDisjoint(with: other.keys))
    }

    @Test func filesAreGzippedRecordsInTheS3KeyLayout() throws {
        let corpus = try Self.corpus(seed: 1, records: 2_000, perFile: 250)
        #expect(corpus.summary.files == 8)
        #expect(corpus.summary.records == 2_000)
        #expect(corpus.files.count == 8)
        #expect(corpus.summary.bytes > 0 && corpus.summary.bytes < corpus.summary.uncompressedBytes)
        for file in corpus.files {
            #expect(file.records.count == 250)
            // AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16>.json.gz
            let parts = file.path.split(separator: "/").map(String.init)
            #expect(parts.count == 8, "\(file.path)")
            guard parts.count == 8 else { continue }
            let (account, region) = (parts[1], parts[3])
            #expect(parts[0] == "AWSLogs" && parts[2] == "CloudTrail")
            #expect(Self.matches(account, "[0-9]{12}"))
            let name = "\(account)_CloudTrail_\(region)_\(parts[4])\(parts[5])\(parts[6])T[0-9]{4}Z_[A-Za-z0-9]{16}\\.json\\.gz"
            #expect(Self.matches(parts[7], name), "\(parts[7])")
            for record in file.records {
                #expect(record["recipientAccountId"] as? String == account)
                if record["eventSource"] as? String != "iam.amazonaws.com" {
                    #expect(record["awsRegion"] as? String == region)
                }
            }
        }
    }

    @Test func recordsCarryCloudTrailFields() throws {
        let records = try Self.corpus(seed: 5, records: 4_000, perFile: 1_000).all
        var dataEvents = 0, errors = 0
        var names = Set<String>(), identityTypes = Set<String>()
        for record in records {
            for field in ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                          "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID",
                          "eventID", "eventType", "managementEvent", "recipientAccountId", "eventCategory"] {
                #expect(record[field] != nil, "\(field) missing in \(record["eventID"] ?? "?")")
            }
            #expect(Self.matches(record["eventVersion"] as? String, "1\\.(08|09|10|11)"))
            #expect(Self.matches(record["eventTime"] as? String, "2026-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"))
            #expect(Self.matches(record["eventID"] as? String, "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))
            #expect(record["eventType"] as? String == "AwsApiCall")
            let identity = try #require(record["userIdentity"] as? [String: Any])
            let type = try #require(identity["type"] as? String)
            identityTypes.insert(type)
            switch type {
            case "IAMUser": #expect(Self.matches(identity["accessKeyId"] as? String, "AKIA[A-Z2-7]{16}"))
            case "AssumedRole":
                #expect(Self.matches(identity["accessKeyId"] as? String, "ASIA[A-Z2-7]{16}"))
                let context = try #require(identity["sessionContext"] as? [String: Any])
                let issuer = try #require(context["sessionIssuer"] as? [String: Any])
                #expect((issuer["arn"] as? String)?.hasPrefix("arn:aws:iam::") == true)
            default: #expect(type == "AWSService" && identity["invokedBy"] is String)
            }
            if record["errorCode"] != nil {
                errors += 1
                #expect(record["errorMessage"] is String)
            }
            let name = try #require(record["eventName"] as? String)
            names.insert(name)
            if record["eventSource"] as? String == "dynamodb.amazonaws.com" {
                #expect(Self.matches(record["requestID"] as? String, "[A-Z0-9]{52}"))
                #expect(record["apiVersion"] as? String == "2012-08-10")
            }
            guard Self.dataEventNames.contains(name) else {
                #expect(record["eventCategory"] as? String == "Management")
                #expect(record["managementEvent"] as? Bool == true)
                continue
            }
            dataEvents += 1
            #expect(record["eventCategory"] as? String == "Data")
            #expect(record["managementEvent"] as? Bool == false)
            #expect(record["responseElements"] is NSNull)
            #expect(record["readOnly"] is Bool)
            let resources = try #require(record["resources"] as? [[String: Any]])
            let table = try #require(resources.first { $0["type"] as? String == "AWS::DynamoDB::Table" })
            #expect(Self.matches(table["ARN"] as? String, "arn:aws:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z]+"))
            let parameters = try #require(record["requestParameters"] as? [String: Any])
            switch name {
            case "GetItem", "PutItem", "UpdateItem", "DeleteItem":
                #expect(parameters["tableName"] is String)
                #expect(parameters["key"] is [String: Any])
                if name == "PutItem" { #expect(parameters["item"] is [String]) }
                if name == "UpdateItem" { #expect(parameters["updateExpression"] is String) }
            case "BatchGetItem", "BatchWriteItem":
                #expect(parameters["requestItems"] is [String: Any])
            case "TransactWriteItems", "TransactGetItems":
                let items = try #require(parameters["requestItems"] as? [[String: Any]])
                #expect(items.allSatisfy { $0["operation"] is String && $0["key"] is [String: Any] })
            case "ExecuteStatement":
                #expect(parameters["statement"] is String)
            default:
                #expect(parameters["tableName"] is String)
            }
        }
        #expect(names.isSuperset(of: Self.dataEventNames))
        #expect(names.isSuperset(of: ["DescribeTable", "ListTables", "CreateTable", "AssumeRole"]))
        #expect(identityTypes == ["IAMUser", "AssumedRole", "AWSService"])
        let dataShare = Double(dataEvents) / Double(records.count)
        #expect(dataShare > 0.62 && dataShare < 0.78, "data events: \(dataShare)")
        let errorShare = Double(errors) / Double(records.count)
        #expect(errorShare > 0.008 && errorShare < 0.035, "errors: \(errorShare)")
    }

    @Test func duplicatesRepeatEarlierFilesAtAboutHalfAPercent() throws {
        let corpus = try Self.corpus(seed: 9, records: 20_000, perFile: 500)
        var firstSeen: [String: (file: Int, record: NSDictionary)] = [:]
        var duplicates = 0
        for (index, file) in corpus.files.enumerated() {
            for record in file.records {
                let id = try #require(record["eventID"] as? String)
                if let first = firstSeen[id] {
                    duplicates += 1
                    #expect(first.file != index, "duplicate \(id) in the same file")
                    #expect(first.record == record as NSDictionary, "duplicate \(id) differs from its original")
                } else {
                    firstSeen[id] = (index, record as NSDictionary)
                }
            }
        }
        #expect(duplicates == corpus.summary.duplicates)
        let rate = Double(duplicates) / 20_000
        #expect(rate > 0.0025 && rate < 0.0075, "duplicate rate \(rate)")
    }

    @Test func hotOrdersKeyAppears() throws {
        let records = try Self.corpus(seed: 3, records: 600, perFile: 600).all
        let hot = records.filter { record in
            guard let parameters = record["requestParameters"] as? [String: Any],
                  let key = parameters["key"] as? [String: Any] else { return false }
            return (parameters["tableName"] as? String)?.hasSuffix("Orders") == true
                && key["customerId"] as? String == "C-1001" && key["orderId"] as? String == "O-77"
        }
        #expect(!hot.isEmpty)
    }

    // MARK: Demo incident

    static var committedDemo: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("demo/incident").path
    }

    @Test func committedDemoIncidentMatchesGenerator() throws {
        if ProcessInfo.processInfo.environment["DDBTRAIL_RECORD_DEMO"] == "1" {
            try? FileManager.default.removeItem(atPath: Self.committedDemo)
            _ = try CorpusGenerator.writeDemoIncident(to: Self.committedDemo)
        }
        let directory = try Self.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try CorpusGenerator.writeDemoIncident(to: directory)
        #expect(written.sorted() == Self.files(under: directory))
        #expect(Self.files(under: Self.committedDemo) == written.sorted(),
                "the committed demo files differ from writeDemoIncident's; rerun with DDBTRAIL_RECORD_DEMO=1")
        var total = 0
        for path in written {
            let fresh = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
            let committed = try? Data(contentsOf: URL(fileURLWithPath: Self.committedDemo + "/" + path))
            #expect(fresh == committed, "\(path) drifted from writeDemoIncident; rerun with DDBTRAIL_RECORD_DEMO=1")
            total += fresh.count
        }
        #expect(total < 150_000)
    }

    @Test func demoIncidentIsConsistent() throws {
        let directory = try Self.temporaryDirectory("demo-check")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try CorpusGenerator.writeDemoIncident(to: directory)
        func load(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)) }

        let logs = written.filter { $0.contains("/CloudTrail/") }
        #expect(logs.count >= 8)
        var byID: [String: [String: Any]] = [:]
        var count = 0
        for path in logs {
            #expect(Self.matches(path, "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/03/111122223333_CloudTrail_eu-west-1_20261103T[0-9]{4}Z_[A-Za-z0-9]{16}\\.json"))
            for record in try Self.records(load(path)) {
                count += 1
                byID[try #require(record["eventID"] as? String)] = record
            }
        }
        #expect(count == byID.count + 1, "exactly one record is delivered twice")

        // The attacker's trail: the leaked key from 203.0.113.66.
        let attacker = byID.values.filter { $0["sourceIPAddress"] as? String == "203.0.113.66" }
        #expect(attacker.allSatisfy { ($0["userIdentity"] as? [String: Any])?["accessKeyId"] as? String == "AKIA3XKQ7PZ2SVCREPTQ" })
        let names = attacker.compactMap { $0["eventName"] as? String }
        for name in ["ListTables", "DescribeTable", "Scan", "GetItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "UpdateContinuousBackups"] {
            #expect(names.contains(name), "attacker \(name) missing")
        }
        #expect(attacker.contains { $0["errorCode"] as? String == "ConditionalCheckFailedException" })
        #expect(attacker.contains { $0["errorCode"] as? String == "AccessDeniedException" })

        // The digest lists every log file with the SHA-256 of its bytes.
        let digestPath = try #require(written.first { $0.contains("/CloudTrail-Digest/") })
        #expect(Self.matches(digestPath, "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/11/03/111122223333_CloudTrail-Digest_eu-west-1_[a-z-]+_eu-west-1_20261103T[0-9]{6}Z\\.json"))
        let digest = try #require(try JSONSerialization.jsonObject(with: load(digestPath)) as? [String: Any])
        #expect(digest["digestS3Object"] as? String == digestPath)
        let listed = try #require(digest["logFiles"] as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["s3Object"] as? String }) == Set(logs))
        for entry in listed {
            let path = try #require(entry["s3Object"] as? String)
            let output = String(decoding: try Self.run("/usr/bin/sha256sum", [directory + "/" + path]), as: UTF8.self)
            #expect(entry["hashValue"] as? String == String(output.prefix(64)), "\(path)")
            #expect(entry["hashAlgorithm"] as? String == "SHA-256")
        }

        // lookup-events repeats the management events, with the record as a JSON string.
        let lookup = try #require(try JSONSerialization.jsonObject(with: load("lookup-events.json")) as? [String: Any])
        let events = try #require(lookup["Events"] as? [[String: Any]])
        let management = byID.values.filter { $0["managementEvent"] as? Bool == true }
        #expect(events.count == management.count)
        for event in events {
            let id = try #require(event["EventId"] as? String)
            let inner = try #require(event["CloudTrailEvent"] as? String)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(inner.utf8)) as? [String: Any])
            let original = try #require(byID[id])
            #expect(record as NSDictionary == original as NSDictionary)
            #expect(["true", "false"].contains(event["ReadOnly"] as? String))
            #expect(event["EventTime"] is NSNumber)
        }
    }
}

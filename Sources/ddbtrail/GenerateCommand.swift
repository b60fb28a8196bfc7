import ArgumentParser
import DDBTrailCore
import DDBTrailSynthetic
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a synthetic CloudTrail corpus for benchmarks, the demo incident, or an attack case with known truth.",
        discussion: """
            Writes gzip'd CloudTrail log files in the S3 key layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…) \
            under the output directory. The same --seed always produces the same bytes. The hottest item is table \
            Orders, key {"customerId":"C-1001","orderId":"O-77"}.
            """)

    @Option(name: .long, help: ArgumentHelp("Number of records to write, duplicates included.", valueName: "n"))
    var records = 1_000_000

    @Option(name: .customLong("records-per-file"), help: ArgumentHelp("Records in each log file.", valueName: "n"))
    var recordsPerFile = 1_000

    @Option(name: .long, help: ArgumentHelp("Seed of the pseudo-random generator.", valueName: "n"))
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Write the bundled demo incident (uncompressed) instead of a corpus.")
    var demo = false

    @Option(name: .long, help: ArgumentHelp("Instead of a CloudTrail corpus, write a change workload of about this many steps: DynamoDB data events under cloudtrail/ and the stream records they caused (Lambda events) under streams/.", valueName: "n"))
    var changes: Int?

    @Flag(name: .long, help: "Instead of a CloudTrail corpus, write a generated attack case with known truth: a week of benign DynamoDB traffic in account 210987654321 (eu-central-1) and one attack on its last evening, as gzip'd CloudTrail log files under AWSLogs/ and stream archives under AWSLambda/.")
    var attack = false

    @Flag(name: .customLong("digest-tree"), help: "Instead of a CloudTrail corpus, write CloudTrail log files with their digest chains signed by a test key, the public keys and the newest digests' saved metadata (for ddbtrail verify).")
    var digestTree = false

    @Option(name: .long, help: ArgumentHelp("With --digest-tree, damage the tree: \(DigestTree.Plant.allCases.map(\.rawValue).joined(separator: ", ")) (repeatable).", valueName: "damage"))
    var plant: [String] = []

    @Argument(help: ArgumentHelp("Directory to write into (created if missing).", valueName: "output-dir"))
    var directory: String

    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be positive, got \(records)") }
        guard recordsPerFile > 0 else { throw ValidationError("--records-per-file must be positive, got \(recordsPerFile)") }
        guard [demo, changes != nil, attack, digestTree].filter({ $0 }).count <= 1 else {
            throw ValidationError("--demo, --changes, --attack and --digest-tree each write a different kind of output: give at most one")
        }
        for name in plant where DigestTree.Plant(rawValue: name) == nil {
            throw ValidationError("--plant '\(name)' is not one of \(DigestTree.Plant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !plant.isEmpty && !digestTree { throw ValidationError("--plant needs --digest-tree") }
    }

    func run() throws {
        if demo {
            let paths = try CorpusGenerator.writeDemoIncident(to: directory)
            print("wrote the demo incident: \(paths.count) files to \(directory)")
            return
        }
        if attack {
            let truth = try AttackCase.write(to: directory, seed: seed)
            let megabytes = String(format: "%.1f", Double(truth.bytes) / 1_048_576)
            let first = truth.steps.first!.start, last = truth.steps.last!.end
            print("wrote the attack case: \(truth.cloudTrailRecords) CloudTrail records and \(truth.streamRecords) stream records "
                + "in \(truth.files) files (\(megabytes) MiB gzip) to \(directory); attack \(first)–\(last) "
                + "from \(truth.sourceIP) with \(truth.leakedAccessKeyId) → \(truth.sessionAccessKeyId)")
            return
        }
        if digestTree {
            let findings = try DigestTree.write(to: directory, seed: seed, plants: Set(plant.compactMap(DigestTree.Plant.init(rawValue:))))
            print("wrote a digest tree to \(directory); ddbtrail verify should find \(findings.isEmpty ? "no failure" : "these failures:")")
            for f in findings { print("  \(f.status)  \(f.check)  \(f.s3Object)") }
            return
        }
        if let changes {
            let counts = try ChangeWorkload.write(to: directory, seed: seed, steps: changes)
            print("wrote \(counts.events) CloudTrail data events and \(counts.changes) stream records to \(directory)")
            return
        }
        var generator = CorpusGenerator(seed: seed)
        let summary = try generator.writeCorpus(to: directory, records: records, recordsPerFile: recordsPerFile)
        let megabytes = String(format: "%.1f", Double(summary.bytes) / 1_048_576)
        let uncompressed = String(format: "%.1f", Double(summary.uncompressedBytes) / 1_048_576)
        print("wrote \(summary.records) records (\(summary.duplicates) duplicates) in \(summary.files) files, "
            + "\(megabytes) MiB gzip (\(uncompressed) MiB JSON), to \(directory)")
    }
}

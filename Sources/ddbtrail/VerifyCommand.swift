import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the CloudTrail evidence offline: digest signatures and chains, and every log file against them.",
        discussion: """
            Prints one row per finding (by default those whose status is not ok): status (failed: evidence of \
            tampering or loss; unverifiable: cannot be checked; ok), check, account_id, region, trail, \
            s3_object (the S3 key as digests spell it), path (the local file, when it is in the case) and detail. \
            The checks run after every import (queries/verify.sql reads their results). Exit status 0 when no \
            row is failed, 1 when any is. Needs the digests (…/CloudTrail-Digest/…), the public keys \
            (aws cloudtrail list-public-keys) and the newest digest's S3 metadata (DIGEST.metadata.json) in the case; see the README.
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Flag(name: .long, help: "Also list the checks that passed.")
    var all = false

    func run() throws {
        guard let query = QueryFile.embedded("verify") else { throw QueryError("verify query is missing") }
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let statement = try QueryRunner.prepare(db, query: query, arguments: ["all": all ? "1" : "0"])
        let (sink, close) = try outputOptions.makeSink()
        _ = try QueryRunner.run(statement, into: ResultRenderer(columns: statement.columnNames, options: try outputOptions.renderOptions(db: db), sink: sink))
        try close()
        let counts = try db.rows("SELECT status, count(*) FROM integrity_findings GROUP BY status")
        func count(_ status: String) -> Int64 { counts.first { $0[0].stringValue == status }?[1].int64Value ?? 0 }
        if outputOptions.format == .table || outputOptions.output != nil {
            let files = try db.scalar("SELECT count(*) FROM source_files WHERE integrity IS NOT NULL").int64Value ?? 0
            printError(files == 0 && counts.isEmpty
                ? "nothing to verify: the case holds no CloudTrail log or digest files"
                : "\(count("failed")) failed, \(count("unverifiable")) unverifiable, \(count("ok")) ok; files: "
                    + (try integritySummary(db)))
        }
        if count("failed") > 0 { throw ExitCode(1) }
    }

    func integritySummary(_ db: Database) throws -> String {
        try db.rows("SELECT integrity, count(*) FROM source_files WHERE integrity IS NOT NULL GROUP BY 1 ORDER BY 1")
            .map { "\($0[1].int64Value ?? 0) \($0[0].stringValue ?? "")" }.joined(separator: ", ")
    }
}

import ArgumentParser
import DDBTrailCore

@main
struct DDBTrail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddbtrail",
        abstract: "Forensic queries over CloudTrail and DynamoDB evidence: who touched which item, when, from where.",
        discussion: """
            Exit codes: 0 success; 1 some input was rejected, a query failed, or verify found a failed check; 64 usage error.
            Times are UTC (ISO 8601 with Z) everywhere.
            """,
        version: ToolVersion.current,
        subcommands: [ImportCommand.self, SQLCommand.self, InfoCommand.self, ItemCommand.self, StateCommand.self, InvestigateCommand.self, DetectCommand.self, VerifyCommand.self, RecordCommand.self, RecordsCommand.self, PrincipalCommand.self, ReportCommand.self, CollectMetricsCommand.self, BundleCommand.self, SecretCommand.self, DemoCommand.self, GenerateCommand.self]
    )
}

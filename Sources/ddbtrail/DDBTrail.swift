import ArgumentParser
import DDBTrailCore

@main
struct DDBTrail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddbtrail",
        abstract: "Forensic queries over CloudTrail and DynamoDB change evidence.")
    func run() throws { print(Embedded.files.keys.sorted()) }
}

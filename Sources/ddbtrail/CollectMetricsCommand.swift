import ArgumentParser
import DDBTrailCore
import Foundation

struct CollectMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect-metrics",
        abstract: "Print (not run) a shell script of AWS CLI calls fetching the DynamoDB CloudWatch metrics of every table the case names, over the case's span, in the layout import reads.")

    @OptionGroup var caseOptions: CaseOptions

    @Option(name: .long, help: ArgumentHelp("Start of the span (default: the case's first event).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("End of the span (default: the case's last event).", valueName: "time"))
    var until: String?

    func run() throws {
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let scope = try MetricsCollection.caseScope(db)
        func seconds(_ given: String?, _ fromCase: String?, _ option: String) throws -> Int64 {
            guard let text = given ?? fromCase else {
                throw ValidationError("the case holds no events with a time: pass --since and --until")
            }
            guard let value = Timestamp.epochSeconds(text) else { throw ValidationError("--\(option): '\(text)' is not a time") }
            return value
        }
        let start = try seconds(since, scope.first, "since"), end = try seconds(until, scope.last, "until")
        guard end > start else { throw ValidationError("the span is empty: --until must be after --since") }
        guard !scope.tables.isEmpty else { throw ValidationError("the case names no DynamoDB table") }
        let now = Int64(Date().timeIntervalSince1970)
        print(MetricsCollection.script(tables: scope.tables, start: start, end: end, now: now), terminator: "")
    }
}

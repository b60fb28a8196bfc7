import ArgumentParser
import DDBTrailCore

struct PrincipalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principal",
        abstract: "Who is really behind an identity: its credential chains back to their origin, and everything it did, also through roles it assumed.",
        discussion: """
            WHO is an ARN (user, session or role: then every session of the role), an access key id (AKIA…/ASIA…), a principal id, or a user, role or session name.

            Sections: identities (what WHO matches, and the sessions its keys obtained through STS), chain (each key back to an IAM user and long-term key, root, SAML / web identity / Identity Center user, or the AWS service and instance or function behind it; issuer-not-in-evidence where the issuing call is missing), activity (per key, table and operation; --since/--until apply here).

            Exit codes: 0 success; 1 nothing in the case matches WHO, or the query failed; 64 usage error.
            """)

    @OptionGroup var caseOptions: CaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("An ARN, access key id, principal id, or user / role / session name.", valueName: "who"))
    var who: String

    @Option(name: .long, help: "Show one section only: identities, chain, activity (required for csv).")
    var section: String?

    @Option(name: .long, help: ArgumentHelp("Activity from this time (UTC, inclusive).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Activity before this time (UTC, exclusive).", valueName: "time"))
    var until: String?

    func validate() throws {
        if let section, !PrincipalReport.sections.contains(section) {
            throw ValidationError("--section must be one of \(PrincipalReport.sections.joined(separator: ", ")), got '\(section)'")
        }
        if outputOptions.format == .csv, section == nil {
            throw ValidationError("CSV holds one table: choose a section with --section (\(PrincipalReport.sections.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let (from, to) = (try utcTime(since, option: "--since"), try utcTime(until, option: "--until"))
        let db = try CaseDatabase.openForQuery(path: caseOptions.path)
        let report = try IdentityResolver.report(db, who: who, since: from, until: to)
        let (sink, close) = try outputOptions.makeSink()
        let options = try outputOptions.renderOptions(db: db)
        try outputOptions.checkingColumns { try report.render(options: options, sink: sink, section: section) }
        try close()
    }
}

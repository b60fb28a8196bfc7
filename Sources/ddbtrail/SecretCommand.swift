import ArgumentParser
import DDBTrailCore

struct SecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Make the secret that --pseudonymise keys its pseudonyms with.",
        subcommands: [NewSecret.self])

    struct NewSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write a fresh random secret (32 bytes, hex) to FILE with mode 0600; an existing FILE is never overwritten.",
            discussion: "Keep it: the same secret gives the same pseudonyms in every output and bundle; without it nobody can reverse or recompute them.")

        @Argument(help: ArgumentHelp("Where to write the secret.", valueName: "file"))
        var file: String

        func run() throws {
            do { try Pseudonymiser.newSecret(path: file) } catch let refusal as Pseudonymiser.Refusal {
                throw ValidationError(refusal.description)
            }
            print("wrote a new secret to \(file) (mode 0600)")
        }
    }
}

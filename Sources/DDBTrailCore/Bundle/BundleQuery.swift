/// Why a bundle could not be made or checked: a usage error (exit 64) or a failure (exit 1).
public struct BundleError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case usage, failure }
    public let kind: Kind
    public let description: String

    public static func usage(_ text: String) -> BundleError { BundleError(kind: .usage, description: text) }
    public static func failure(_ text: String) -> BundleError { BundleError(kind: .failure, description: text) }
}

/// One `--command` of `bundle create`: a query command line, checked and split into words.
public struct BundleQuery: Sendable {
    /// The commands a bundle may run.
    public static let commands = ["sql", "item", "state", "investigate", "detect", "principal", "info", "verify"]
    /// Options the bundle sets itself.
    public static let reservedOptions = ["--db", "--format", "--output", "--pseudonymise", "--pseudonymize"]

    /// The line as given.
    public let line: String
    public let words: [String]
    public var name: String { words[0] }

    public init(_ line: String) throws(BundleError) {
        let words: [String]
        do {
            words = try ShellWords.split(line)
        } catch {
            throw .usage("--command: \(error.description)")
        }
        guard let first = words.first else { throw .usage("--command is empty") }
        if first == "ddbtrail" { throw .usage("--command '\(line)': leave out the program name") }
        guard Self.commands.contains(first) else {
            throw .usage("--command '\(line)': '\(first)' is not a query command a bundle can run (use one of \(Self.commands.joined(separator: ", ")))")
        }
        for word in words.dropFirst() {
            let option = String(word.prefix { $0 != "=" })
            if Self.reservedOptions.contains(option) {
                let why = option.hasPrefix("--pseudonym") ? "give it to `bundle create` instead" : "the bundle sets it itself"
                throw .usage("--command '\(line)': leave out \(option) (\(why))")
            }
        }
        self.line = line
        self.words = words
    }

    /// `info` and `principal` print several tables; CSV holds one, so without `--section` a bundle
    /// writes one CSV per section. nil: one CSV.
    var csvSections: [String]? {
        guard !words.contains(where: { $0 == "--section" || $0.hasPrefix("--section=") }) else { return nil }
        switch name {
        case "info": return CaseInfo.sectionQueries.map(CaseInfo.key)
        case "principal": return PrincipalReport.sections
        default: return nil
        }
    }

    /// Exit status 1 is a result for these (a failed check, nothing matching), not a failure.
    var oneIsAResult: Bool { name == "verify" || name == "principal" }

    /// A file-name part from a command line: lower-case ASCII letters and digits, runs of
    /// anything else as one `-`; cut to at most 40 characters at a `-` where it can be.
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for c in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(c) || ("0"..."9").contains(c) {
                if dash && !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(c)
                dash = false
            } else {
                dash = true
            }
        }
        if out.count > 40 {
            out = String(out.prefix(41))
            out = out.lastIndex(of: "-").map { String(out[..<$0]) } ?? String(out.prefix(40))
        }
        return out.isEmpty ? "command" : out
    }
}

import ArgumentParser
import DDBTrailCore
import DDBTrailSQLite
import Foundation

/// `--db`, shared by every command.
struct CaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Case database path (default: $DDBTRAIL_DB, else ./ddbtrail.db).", valueName: "path"))
    var db: String?

    var path: String {
        db ?? ProcessInfo.processInfo.environment["DDBTRAIL_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./ddbtrail.db"
    }
}

/// Output options shared by every query command.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, json or jsonl.")
    var format: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Write results to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Leave out the header row (table and csv).")
    var noHeaders = false

    @Flag(name: .long, help: "CSV: do not prefix cells starting with = + - @ TAB or CR with an apostrophe (the default guards against spreadsheet formula injection).")
    var noFormulaGuard = false

    @Option(name: .customLong("pseudonymise"), help: ArgumentHelp("Replace personal data (item key and attribute values, people, access keys, IP addresses) by keyed pseudonyms made with the secret in this file (mode 0600; ddbtrail secret new FILE makes one).", valueName: "secret-file"))
    var pseudonymise: String?

    @Flag(name: .long, help: "Table: show every column (still fitted to the terminal), not only the command's default set.")
    var wide = false

    @Option(name: .long, help: ArgumentHelp("Show exactly these columns, in this order (every format).", valueName: "a,b,c"))
    var columns: String?

    func validate() throws {
        if let columns, columnList(columns).isEmpty { throw ValidationError("--columns expects column names, e.g. --columns severity,title") }
    }

    private func columnList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var renderOptions: RenderOptions {
        var options = RenderOptions(format: format, headers: !noHeaders, formulaGuard: !noFormulaGuard)
        options.columns = columns.map(columnList)
        options.wide = wide
        if format == .table { options.tableWidth = Self.tableWidth(toStandardOutput: output == nil) }
        return options
    }

    /// $DDBTRAIL_TABLE_WIDTH, else the terminal's width when standard output is one (its
    /// window size, else $COLUMNS, else 100); nil for pipes and files.
    static func tableWidth(toStandardOutput: Bool) -> Int? {
        let environment = ProcessInfo.processInfo.environment
        if let forced = environment["DDBTRAIL_TABLE_WIDTH"].flatMap({ Int($0) }), forced > 0 { return forced }
        guard toStandardOutput, isatty(1) == 1 else { return nil }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        return 100
    }

    /// Runs `body`, turning an unknown `--columns` name into a usage error (exit 64).
    func checkingColumns<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as UnknownColumnsError { throw ValidationError(error.description) }
    }

    /// The render options for results from this case, pseudonymised when asked.
    func renderOptions(db: Database) throws -> RenderOptions {
        var options = renderOptions
        if let pseudonymise {
            let p: Pseudonymiser
            do { p = try Pseudonymiser(secretPath: pseudonymise, db: db) } catch let refusal as Pseudonymiser.Refusal {
                throw ValidationError(refusal.description)
            }
            options.transform = { column, value in p.cell(column: column, value) }
        }
        return options
    }

    /// The sink results go to, and a closure that finishes it (reporting write errors).
    func makeSink() throws -> (sink: any OutputSink, close: () throws -> Void) {
        if let output {
            let file = try FileOutputSink(path: output)
            return (file, { try file.close() })
        }
        let out = StandardOutputSink()
        return (out, {
            out.flush()
            if let error = out.error { throw error }
        })
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Parses repeated `--param name=value` options.
func parseParameters(_ raw: [String]) throws -> [String: String] {
    var parameters: [String: String] = [:]
    for item in raw {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("--param expects name=value, got '\(item)'")
        }
        let name = String(item[..<eq]).trimmingCharacters(in: CharacterSet(charactersIn: ":@$"))
        parameters[name] = String(item[item.index(after: eq)...])
    }
    return parameters
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `--queries DIR` (repeatable) and `$DDBTRAIL_QUERIES`: the user's own query files, which
/// override the built-in ones of the same name.
struct QueryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A directory of your own .sql query files (repeatable; also $DDBTRAIL_QUERIES, colon-separated). Yours replace built-in ones of the same name.", valueName: "dir"))
    var queries: [String] = []

    func catalog() throws -> QueryCatalog {
        let fromEnvironment = (ProcessInfo.processInfo.environment["DDBTRAIL_QUERIES"] ?? "")
            .split(separator: ":").map(String.init).filter { !$0.isEmpty }
        return try QueryCatalog(userDirectories: fromEnvironment + queries)
    }
}

import DDBTrailSQLite

// MARK: - Options

/// How query results are written out.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns for reading in a terminal.
    case table
    /// RFC 4180 CSV with CRLF line endings.
    case csv
    /// One JSON array of objects.
    case json
    /// One JSON object per line.
    case jsonl
}

public struct RenderOptions: Sendable {
    public var format: OutputFormat
    /// The CSV header row and the table header; `--no-headers` turns them off.
    public var headers: Bool = true
    /// CSV only: prefix `'` to TEXT cells that a spreadsheet would run as a formula.
    public var formulaGuard: Bool = true
    /// JSON and JSON lines: TEXT values of these columns hold JSON written by ddbtrail (images,
    /// diffs) and are embedded as JSON values rather than as strings.
    public var jsonColumns: Set<String> = []
    /// Applied to every cell before it is rendered, with its column's name (pseudonymisation).
    public var transform: (@Sendable (_ column: String, _ value: SQLValue) -> SQLValue)?

    public init(format: OutputFormat, headers: Bool = true, formulaGuard: Bool = true) {
        self.format = format
        self.headers = headers
        self.formulaGuard = formulaGuard
    }
}

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
    /// `--columns`: exactly these columns, in this order, in every format.
    public var columns: [String]?
    /// `--wide`: a fitted table shows every column, not only `defaultColumns`.
    public var wide = false
    /// The columns a fitted table shows unless `wide` (nil: all of them).
    public var defaultColumns: [String]?
    /// Fit tables into this many Characters per line (nil: as wide as their cells).
    public var tableWidth: Int?

    public init(format: OutputFormat, headers: Bool = true, formulaGuard: Bool = true) {
        self.format = format
        self.headers = headers
        self.formulaGuard = formulaGuard
    }
}

extension RenderOptions {
    /// Throws when `columns` names one that is not in `available`.
    public func checkColumns(_ available: [String]) throws {
        guard let columns else { return }
        let unknown = columns.filter { !available.contains($0) }
        if !unknown.isEmpty { throw UnknownColumnsError(unknown: unknown, available: available) }
    }
}

/// `--columns` named a column the output does not have.
public struct UnknownColumnsError: Error, CustomStringConvertible, Sendable {
    public let unknown: [String]
    public let available: [String]

    public var description: String {
        "unknown column\(unknown.count == 1 ? "" : "s") for --columns: \(unknown.joined(separator: ", ")); available: \(available.joined(separator: ", "))"
    }
}

import DDBTrailSQLite

// MARK: - Renderer

/// Renders rows of a query result in one of the `OutputFormat`s.
///
/// CSV, JSON and JSON lines are streamed: each row is encoded into a byte buffer that is
/// handed to the sink whenever it passes ~64 KB. A table needs every row to size its columns,
/// so it keeps them (already cut to display width) until `finish()`.
public final class ResultRenderer {
    public let columns: [String]
    public let options: RenderOptions
    /// Rows added so far.
    public private(set) var rowCount = 0

    private let sink: any OutputSink
    private var buffer: [UInt8] = []
    private var finished = false
    /// JSON: `{"first":` and `,"next":` for each column, encoded once.
    private var jsonKeys: [[UInt8]] = []
    private var table: TableLayout?
    private var embeddedJSON: [Bool] = []

    /// The buffer is handed to the sink once it holds this many bytes.
    static let chunkSize = 64 * 1024

    /// Where each shown column is in the rows handed to `add` (nil: all, in order).
    private let projection: [Int]?
    private let inputCount: Int

    /// `columns` are the columns of the rows handed to `add`; `options` may pick some of them
    /// (`--columns`, or a fitted table's default set).
    public init(columns: [String], options: RenderOptions, sink: any OutputSink) {
        inputCount = columns.count
        let fitted = options.format == .table && options.tableWidth != nil
        var picked: [Int]?
        if let chosen = options.columns {
            picked = chosen.compactMap { columns.firstIndex(of: $0) }
        } else if fitted, !options.wide, let defaults = options.defaultColumns {
            let found = defaults.compactMap { columns.firstIndex(of: $0) }
            picked = found.isEmpty ? nil : found
        }
        projection = picked
        let allColumns = columns
        let columns = picked.map { $0.map { allColumns[$0] } } ?? allColumns
        self.columns = columns
        self.options = options
        self.sink = sink
        buffer.reserveCapacity(Self.chunkSize + Self.chunkSize / 4)

        switch options.format {
        case .csv:
            if options.headers {
                // Column names are guarded too: an alias in a user's query is just text.
                appendCSVRow(columns.map { .text(Array($0.utf8)) })
            }
        case .json, .jsonl:
            jsonKeys = columns.enumerated().map { index, name in
                var key: [UInt8] = [index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")]
                JSONText.appendString(UTF8Bytes.valid(Array(name.utf8)), to: &key)
                key.append(UInt8(ascii: ":"))
                return key
            }
            embeddedJSON = columns.map { options.jsonColumns.contains($0) }
            if options.format == .json { buffer.append(UInt8(ascii: "[")) }
        case .table:
            // Only a wide table with a default set, or one without any, may lose columns to fit.
            let defaults = options.columns == nil && options.wide ? options.defaultColumns.map(Set.init) : nil
            let droppable = columns.enumerated().map { index, name in
                options.columns == nil && (defaults.map { !$0.contains(name) } ?? (options.defaultColumns == nil && index > 0))
            }
            table = TableLayout(columns: columns, headers: options.headers,
                                width: fitted ? options.tableWidth : nil, droppable: droppable)
        }
    }

    /// Adds one row; its values are in the order of the columns given to `init`. Missing values render as
    /// NULL and extra ones are ignored.
    public func add(_ input: [SQLValue]) {
        precondition(!finished, "ResultRenderer.add(_:) called after finish()")
        assert(input.count == inputCount, "row has \(input.count) values for \(inputCount) columns")
        let original = projection.map { $0.map { $0 < input.count ? input[$0] : .null } } ?? input
        let row = options.transform.map { t in original.enumerated().map { t($0.offset < columns.count ? columns[$0.offset] : "", $0.element) } } ?? original

        switch options.format {
        case .csv:
            appendCSVRow(row)
        case .json:
            buffer.append(contentsOf: rowCount == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
            appendJSONObject(row)
        case .jsonl:
            appendJSONObject(row)
            buffer.append(0x0A)
        case .table:
            table?.add(row)
        }
        rowCount += 1
        if buffer.count >= Self.chunkSize { flushBuffer() }
    }

    /// Ends the output (closes the JSON array, lays out the table) and flushes the sink.
    /// Calling it again does nothing.
    public func finish() {
        guard !finished else { return }
        finished = true
        switch options.format {
        case .json:
            if rowCount > 0 { buffer.append(0x0A) }
            buffer.append(contentsOf: [UInt8(ascii: "]"), 0x0A])
        case .table:
            table?.render { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(0x0A)
                if buffer.count >= Self.chunkSize { flushBuffer() }
            }
            table = nil
        case .csv, .jsonl:
            break
        }
        flushBuffer()
        sink.flush()
    }

    private func flushBuffer() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { sink.write(utf8: $0) }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: CSV

    private func appendCSVRow(_ row: [SQLValue]) {
        for index in columns.indices {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            switch index < row.count ? row[index] : .null {
            case .null:
                break
            case .integer(let value):
                NumberText.appendInteger(value, to: &buffer)
            case .real(let value):
                NumberText.appendReal(value, to: &buffer)
            case .text(let bytes):
                CSVField.append(UTF8Bytes.valid(bytes), guardFormula: options.formulaGuard, to: &buffer)
            case .blob(let bytes):
                // Base64 never needs quoting; it is not guarded (it is not TEXT).
                Base64.append(bytes, to: &buffer)
            }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
    }

    // MARK: JSON

    private func appendJSONObject(_ row: [SQLValue]) {
        if columns.isEmpty {
            buffer.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            return
        }
        for index in columns.indices {
            buffer.append(contentsOf: jsonKeys[index])
            if embeddedJSON[index], index < row.count, case .text(let json) = row[index], !json.isEmpty {
                buffer.append(contentsOf: json)
                continue
            }
            switch index < row.count ? row[index] : .null {
            case .null:
                buffer.append(contentsOf: JSONText.null)
            case .integer(let value):
                NumberText.appendInteger(value, to: &buffer)
            case .real(let value):
                if value.isFinite {
                    NumberText.appendReal(value, to: &buffer)
                } else {
                    buffer.append(contentsOf: JSONText.null)
                }
            case .text(let bytes):
                JSONText.appendString(UTF8Bytes.valid(bytes), to: &buffer)
            case .blob(let bytes):
                buffer.append(UInt8(ascii: "\""))
                Base64.append(bytes, to: &buffer)
                buffer.append(UInt8(ascii: "\""))
            }
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

// `stdout` is a C global; the preconcurrency import lets Swift 6 code take its address.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
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

    public init(format: OutputFormat, headers: Bool = true, formulaGuard: Bool = true) {
        self.format = format
        self.headers = headers
        self.formulaGuard = formulaGuard
    }
}

// MARK: - Sinks

/// Where rendered output goes. Core never writes to the terminal by itself; the CLI hands
/// it a sink.
public protocol OutputSink: AnyObject {
    func write(_ text: String)
    /// Writes bytes that are valid UTF-8. The default turns them into a `String`; file sinks
    /// write them as they are.
    func write(utf8 bytes: UnsafeBufferPointer<UInt8>)
    /// Pushes out anything the sink buffers itself. The default does nothing.
    func flush()
}

extension OutputSink {
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        write(String(decoding: bytes, as: UTF8.self))
    }

    public func flush() {}
}

/// Collects everything in memory; for tests and small outputs.
public final class StringOutputSink: OutputSink {
    public private(set) var text = ""

    public init() {}

    public func write(_ text: String) { self.text += text }
}

public enum OutputSinkError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "cannot open '\(path)' for writing: \(String(cString: strerror(code)))"
        case .writeFailed(let path, let code):
            return "write to '\(path)' failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Writes through a C `FILE*` (which buffers) and remembers the first failure, so a full disk
/// or closed pipe is reported instead of producing a silently short export.
private struct CFileWriter {
    let file: UnsafeMutablePointer<FILE>
    let name: String
    var error: OutputSinkError?

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard error == nil, let base = bytes.baseAddress, bytes.count > 0 else { return }
        if fwrite(base, 1, bytes.count, file) != bytes.count {
            error = .writeFailed(path: name, errno: errno)
        }
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    mutating func flush() {
        guard error == nil else { return }
        if fflush(file) != 0 { error = .writeFailed(path: name, errno: errno) }
    }
}

/// Writes to a file, created or truncated on open.
public final class FileOutputSink: OutputSink {
    private var writer: CFileWriter
    private var isClosed = false
    public let path: String

    public init(path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw OutputSinkError.cannotOpen(path: path, errno: errno)
        }
        self.path = path
        writer = CFileWriter(file: file, name: path)
        // A large stdio buffer: exports are written in ~64 KB pieces anyway.
        setvbuf(file, nil, _IOFBF, 1 << 16)
    }

    deinit {
        if !isClosed { fclose(writer.file) }
    }

    /// The first write error, if any.
    public var error: OutputSinkError? { writer.error }

    public func write(_ text: String) { writer.write(text) }
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { writer.write(bytes) }
    public func flush() { writer.flush() }

    /// Flushes and closes the file; throws if any write or the close failed.
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        writer.flush()
        if fclose(writer.file) != 0, writer.error == nil {
            writer.error = .writeFailed(path: path, errno: errno)
        }
        if let error = writer.error { throw error }
    }
}

/// Writes to the process's standard output through the C `stdout` stream, so it stays in
/// order with anything else written there.
public final class StandardOutputSink: OutputSink {
    private var writer: CFileWriter

    public init() {
        writer = CFileWriter(file: stdout, name: "<stdout>")
    }

    /// The first write error, if any (for example a closed pipe).
    public var error: OutputSinkError? { writer.error }

    public func write(_ text: String) { writer.write(text) }
    public func write(utf8 bytes: UnsafeBufferPointer<UInt8>) { writer.write(bytes) }
    public func flush() { writer.flush() }
}

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

    public init(columns: [String], options: RenderOptions, sink: any OutputSink) {
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
            table = TableLayout(columns: columns, headers: options.headers)
        }
    }

    /// Adds one row; its values are in the order of `columns`. Missing values render as
    /// NULL and extra ones are ignored.
    public func add(_ row: [SQLValue]) {
        precondition(!finished, "ResultRenderer.add(_:) called after finish()")
        assert(row.count == columns.count, "row has \(row.count) values for \(columns.count) columns")

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

// MARK: - Table layout

// The helpers below are nested in `ResultRenderer` so their short names cannot clash with
// other types in DDBTrailCore.
extension ResultRenderer {
    /// The rows of a table, kept as display strings until the column widths are known.
    struct TableLayout {
        /// A cell as shown: escaped, cut to `maxWidth`, with its width in Characters.
        struct Cell {
            var text: String
            var width: Int
        }

        static let maxWidth = 80
        static let separator = "  "

        var header: [Cell]
        var showHeader: Bool
        var rows: [[Cell]] = []
        var widths: [Int]
        /// Per column: a number was seen / something other than a number or NULL was seen.
        /// Columns holding only numbers are right-aligned.
        var sawNumber: [Bool]
        var sawOther: [Bool]

        init(columns: [String], headers: Bool) {
            header = columns.map { Self.cell($0) }
            showHeader = headers
            widths = headers ? header.map(\.width) : Array(repeating: 0, count: columns.count)
            sawNumber = Array(repeating: false, count: columns.count)
            sawOther = sawNumber
        }

        mutating func add(_ row: [SQLValue]) {
            var cells: [Cell] = []
            cells.reserveCapacity(widths.count)
            for index in widths.indices {
                let cell: Cell
                switch index < row.count ? row[index] : .null {
                case .null:
                    cell = Cell(text: "", width: 0)
                case .integer(let value):
                    sawNumber[index] = true
                    let text = String(value)
                    cell = Cell(text: text, width: text.count)
                case .real(let value):
                    sawNumber[index] = true
                    let text = NumberText.realText(value)
                    cell = Cell(text: text, width: text.count)
                case .text(let bytes):
                    sawOther[index] = true
                    cell = Self.cell(String(decoding: bytes, as: UTF8.self))
                case .blob(let bytes):
                    sawOther[index] = true
                    // As an SQLite hex literal; only the start can be shown anyway.
                    let hex = bytes.prefix(Self.maxWidth / 2).map { NumberText.hex(UInt32($0)) }.joined()
                    cell = Self.cell("x'" + hex + "'")
                }
                widths[index] = max(widths[index], cell.width)
                cells.append(cell)
            }
            rows.append(cells)
        }

        /// Produces the lines of the table (without line endings).
        func render(_ emit: (String) -> Void) {
            let rightAligned = widths.indices.map { sawNumber[$0] && !sawOther[$0] }
            if showHeader {
                emit(line(header, rightAligned: rightAligned))
                emit(widths.map { String(repeating: "-", count: $0) }.joined(separator: Self.separator))
            }
            if rows.isEmpty { emit("(no rows)") }
            for row in rows { emit(line(row, rightAligned: rightAligned)) }
        }

        private func line(_ cells: [Cell], rightAligned: [Bool]) -> String {
            var line = ""
            line.reserveCapacity(widths.reduce(0, +) + widths.count * 2)
            for (index, cell) in cells.enumerated() {
                if index > 0 { line += Self.separator }
                let padding = String(repeating: " ", count: widths[index] - cell.width)
                line += rightAligned[index] ? padding + cell.text : cell.text + padding
            }
            // No trailing blanks (a row of NULLs becomes an empty line).
            while line.last == " " { line.removeLast() }
            return line
        }

        /// Display form of a text: line breaks, tabs and other control characters written as
        /// escapes (so one row stays one line and terminal escape sequences are not run), then cut
        /// to `maxWidth` Characters with a trailing `…`.
        static func cell(_ text: String) -> Cell {
            // Escaping never shortens a Character, so `maxWidth + 1` source Characters are enough
            // to know whether the result must be cut.
            var shown = ""
            for scalar in text.prefix(maxWidth + 1).unicodeScalars {
                switch scalar.value {
                case 0x0A: shown += "\\n"
                case 0x0D: shown += "\\r"
                case 0x09: shown += "\\t"
                case 0x00..<0x20, 0x7F..<0xA0:
                    shown += "\\x" + NumberText.hex(scalar.value)
                default: shown.unicodeScalars.append(scalar)
                }
            }
            guard let limit = shown.index(shown.startIndex, offsetBy: maxWidth, limitedBy: shown.endIndex),
                  limit != shown.endIndex
            else {
                return Cell(text: shown, width: shown.count)
            }
            let cut = shown.index(shown.startIndex, offsetBy: maxWidth - 1)
            return Cell(text: String(shown[..<cut]) + "…", width: maxWidth)
        }
    }

    // MARK: - Encoding helpers

    /// UTF-8 validation, so TEXT that is not UTF-8 is repaired once and then copied byte for byte.
    enum UTF8Bytes {
        /// `bytes` itself when it is valid UTF-8 (no copy), otherwise its decoding with every
        /// invalid sequence replaced by U+FFFD.
        static func valid(_ bytes: [UInt8]) -> [UInt8] {
            if bytes.withUnsafeBufferPointer(isValid) { return bytes }
            return Array(String(decoding: bytes, as: UTF8.self).utf8)
        }

        /// Well-formed UTF-8 per the Unicode standard (table 3-7): no overlong forms,
        /// surrogates or code points above U+10FFFF.
        static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            let count = bytes.count
            while index < count {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                // Length of the sequence and the allowed range of its second byte.
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return false
                }
                guard index + length <= count else { return false }
                let second = bytes[index + 1]
                guard second >= low, second <= high else { return false }
                for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                    return false
                }
                index += length
            }
            return true
        }
    }

    enum NumberText {
        private static let hexDigits: [Character] = Array("0123456789abcdef")

        /// Two lowercase hex digits for a value below 256.
        static func hex(_ value: UInt32) -> String {
            String(hexDigits[Int(value >> 4 & 0xF)]) + String(hexDigits[Int(value & 0xF)])
        }

        /// Decimal digits of an integer, without going through `String`.
        static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
            let start = out.count
            var magnitude = value.magnitude
            repeat {
                out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
                magnitude /= 10
            } while magnitude != 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out[start...].reverse()
        }

        /// The shortest text that reads back as the same Double ("0.1", "1e+20"); infinities as
        /// `Inf`/`-Inf` and NaN as `NaN`, as the sqlite3 shell writes them.
        static func realText(_ value: Double) -> String {
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
            return value.description
        }

        static func appendReal(_ value: Double, to out: inout [UInt8]) {
            out.append(contentsOf: realText(value).utf8)
        }
    }

    enum JSONText {
        static let null: [UInt8] = Array("null".utf8)
        private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        /// A JSON string literal for valid UTF-8 bytes. Escapes `"`, `\` and control characters
        /// below U+0020; everything else, including `/` and non-ASCII, is copied as is.
        static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
            out.append(UInt8(ascii: "\""))
            bytes.withUnsafeBufferPointer { source in
                var runStart = 0
                for index in 0..<source.count {
                    let byte = source[index]
                    let special = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    guard special else { continue }
                    if runStart < index {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                    }
                    out.append(UInt8(ascii: "\\"))
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    default:
                        out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                                hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                    }
                    runStart = index + 1
                }
                if runStart < source.count {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Standard base64 (RFC 4648, with `=` padding).
}

import DDBTrailSQLite

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

        var names: [String]
        var header: [Cell]
        var showHeader: Bool
        /// Fit into this many Characters per line (nil: no fitting, the layout of old).
        var width: Int?
        /// Per column: may be left out when the table cannot fit otherwise.
        var droppable: [Bool]
        var rows: [[Cell]] = []
        var widths: [Int]
        /// Per column: a number was seen / something other than a number or NULL was seen.
        /// Columns holding only numbers are right-aligned.
        var sawNumber: [Bool]
        var sawOther: [Bool]

        init(columns: [String], headers: Bool, width: Int? = nil, droppable: [Bool]? = nil) {
            names = columns
            header = columns.map { Self.cell($0) }
            showHeader = headers
            self.width = width
            self.droppable = droppable ?? Array(repeating: false, count: columns.count)
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
                    let text = String(decoding: bytes, as: UTF8.self)
                    cell = Self.cell(text, middle: width != nil && Self.cutsInMiddle(column: names[index], text: text))
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
            let (shown, shownWidths) = width.map(fit) ?? (Array(widths.indices), widths)
            if showHeader {
                emit(line(header, shown: shown, widths: shownWidths, rightAligned: rightAligned))
                emit(shownWidths.map { String(repeating: "-", count: $0) }.joined(separator: Self.separator))
            }
            if rows.isEmpty { emit("(no rows)") }
            for row in rows { emit(line(row, shown: shown, widths: shownWidths, rightAligned: rightAligned)) }
            if let width, shown.count < widths.count {
                let left = widths.count - shown.count
                emit(Self.cut("(\(left) more column\(left == 1 ? "" : "s") not shown: --columns or a wider terminal)", to: width, middle: false))
            }
        }

        private func line(_ cells: [Cell], shown: [Int], widths: [Int], rightAligned: [Bool]) -> String {
            var line = ""
            line.reserveCapacity(widths.reduce(0, +) + widths.count * 2)
            for (position, index) in shown.enumerated() {
                var cell = cells[index]
                let width = widths[position]
                if position > 0 { line += Self.separator }
                if cell.width > width {
                    cell = Cell(text: Self.cut(cell.text, to: width, middle: Self.cutsInMiddle(column: names[index], text: cell.text)),
                                width: width)
                }
                let padding = String(repeating: " ", count: width - cell.width)
                line += rightAligned[index] ? padding + cell.text : cell.text + padding
            }
            // No trailing blanks (a row of NULLs becomes an empty line).
            while line.last == " " { line.removeLast() }
            return line
        }

        /// Display form of a text: line breaks, tabs and other control characters written as
        /// escapes (so one row stays one line and terminal escape sequences are not run), then cut
        /// to `maxWidth` Characters with a trailing `…`.
        static func cell(_ text: String, middle: Bool = false) -> Cell {
            if middle {
                // Both ends are kept: escape the start and the end, then cut between them.
                let long = text.count > 2 * maxWidth
                let shown = long ? escaped(text.prefix(maxWidth)) + escaped(text.suffix(maxWidth)) : escaped(Substring(text))
                let kept = cut(shown, to: maxWidth, middle: true)
                return Cell(text: kept, width: kept.count)
            }
            // Escaping never shortens a Character, so `maxWidth + 1` source Characters are enough
            // to know whether the result must be cut.
            let shown = escaped(text.prefix(maxWidth + 1))
            guard let limit = shown.index(shown.startIndex, offsetBy: maxWidth, limitedBy: shown.endIndex),
                  limit != shown.endIndex
            else {
                return Cell(text: shown, width: shown.count)
            }
            let cut = shown.index(shown.startIndex, offsetBy: maxWidth - 1)
            return Cell(text: String(shown[..<cut]) + "…", width: maxWidth)
        }

        /// Control characters written as escapes.
        static func escaped(_ text: Substring) -> String {
            var shown = ""
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x0A: shown += "\\n"
                case 0x0D: shown += "\\r"
                case 0x09: shown += "\\t"
                case 0x00..<0x20, 0x7F..<0xA0:
                    shown += "\\x" + NumberText.hex(scalar.value)
                default: shown.unicodeScalars.append(scalar)
                }
            }
            return shown
        }
    }
}

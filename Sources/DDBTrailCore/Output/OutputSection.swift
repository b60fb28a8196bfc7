import DDBTrailSQLite

/// A request for output that cannot be rendered (an unknown section, several tables as CSV).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Output made of several tables (`info`, `principal`): titled tables in table format, one
/// object keyed by section in json, rows with a leading `section` column in jsonl, and one
/// section (chosen with `only`) in csv.
public struct OutputSection {
    /// The section's name: its JSON key, its jsonl `section` value, what `--section` takes.
    public var key: String
    public var title: String
    public var columns: [String]
    /// Printed under the table, in table format only.
    public var note: String?
    /// The columns a fitted table shows unless `--wide` (nil: all).
    public var defaultColumns: [String]?
    /// Hands every row to `add`.
    public var rows: (_ add: ([SQLValue]) -> Void) throws -> Void

    public init(key: String, title: String, columns: [String], note: String? = nil, defaultColumns: [String]? = nil,
                rows: @escaping (_ add: ([SQLValue]) -> Void) throws -> Void) {
        self.defaultColumns = defaultColumns
        self.key = key
        self.title = title
        self.columns = columns
        self.note = note
        self.rows = rows
    }

    /// Renders `sections`, or only the one keyed `only`; `command` names them in errors.
    public static func render(_ sections: [OutputSection], command: String, options: RenderOptions, sink: any OutputSink,
                              only: String? = nil) throws {
        let keys = sections.map(\.key).joined(separator: ", ")
        var chosen = sections.filter { only == nil || $0.key == only }
        if let only, chosen.isEmpty {
            throw OutputError("no \(command) section '\(only)'; sections: \(keys)")
        }
        if let wanted = options.columns {
            // Every name must be in some section; sections with none of them are left out.
            var available: [String] = []
            for name in chosen.flatMap(\.columns) where !available.contains(name) { available.append(name) }
            try options.checkColumns(available)
            chosen = chosen.filter { !Set($0.columns).isDisjoint(with: wanted) }
        }
        if options.format == .csv, chosen.count > 1 {
            throw OutputError("CSV holds one table: choose a section with --section (\(keys))")
        }
        if options.format == .json, only == nil { sink.write("{\n") }
        for (n, section) in chosen.enumerated() {
            switch options.format {
            case .table:
                var options = options
                if let defaults = section.defaultColumns { options.defaultColumns = defaults }
                let title = "== \(section.title) =="
                sink.write((options.tableWidth.map { ResultRenderer.TableLayout.cut(title, to: $0, middle: false) } ?? title) + "\n")
                let renderer = ResultRenderer(columns: section.columns, options: options, sink: sink)
                try section.rows(renderer.add)
                renderer.finish()
                if let note = section.note {
                    sink.write((options.tableWidth.map { Self.wrap(note, to: $0) } ?? [note]).joined(separator: "\n") + "\n")
                }
                sink.write("\n")
            case .json:
                if only == nil { sink.write("\(n == 0 ? "" : ",\n")\"\(section.key)\": ") }
                let renderer = ResultRenderer(columns: section.columns, options: options, sink: sink)
                try section.rows(renderer.add)
                renderer.finish()
            case .jsonl:
                var options = options
                options.columns = options.columns.map { ["section"] + $0 }
                let renderer = ResultRenderer(columns: ["section"] + section.columns, options: options, sink: sink)
                try section.rows { renderer.add([.string(section.key)] + $0) }
                renderer.finish()
            case .csv:
                let renderer = ResultRenderer(columns: section.columns, options: options, sink: sink)
                try section.rows(renderer.add)
                renderer.finish()
            }
        }
        if options.format == .json, only == nil { sink.write("}\n") }
    }
}

extension OutputSection {
    /// `text` in lines of at most `width` Characters, broken at spaces where it can be.
    static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
            while line.count > width {
                lines.append(String(line.prefix(width)))
                line = String(line.dropFirst(width))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

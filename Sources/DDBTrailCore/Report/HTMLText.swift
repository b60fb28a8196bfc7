import DDBTrailSQLite

/// The one HTML escaper, and a small buffer the report's sections write into.
public enum HTMLText {
    /// Text made safe for element content and quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline have no place in a page.
                if c.value < 0x20 && c != "\n" && c != "\t" { out += "&#xFFFD;" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// `s` cut to `limit` characters, with an ellipsis when cut.
    public static func shorten(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "…"
    }
}

/// HTML under construction. `text` escapes; `raw` is for markup the report itself writes.
public struct HTMLBuffer {
    public private(set) var html = ""
    /// Every displayed value passes through this (pseudonymisation), given its column name.
    let transform: (String, SQLValue) -> SQLValue

    public init(transform: @escaping (String, SQLValue) -> SQLValue = { $1 }) {
        self.transform = transform
    }

    public mutating func raw(_ s: String) { html += s }

    /// Escaped text, not transformed (the report's own words).
    public mutating func text(_ s: String) { html += HTMLText.escape(s) }

    /// A value from the evidence: transformed as `column`, then escaped.
    public mutating func value(_ v: SQLValue, column: String, limit: Int = 300) {
        html += HTMLText.escape(HTMLText.shorten(display(v, column: column), limit))
    }

    /// The displayed text of an evidence value (transformed, not escaped).
    public func display(_ v: SQLValue, column: String) -> String {
        switch transform(column, v) {
        case .null: return ""
        case .integer(let n): return String(n)
        case .real(let d): return String(d)
        case let other: return other.stringValue ?? ""
        }
    }

    /// Free text from the evidence (a title, an ARN inside a sentence).
    public func display(_ s: String) -> String { display(.string(s), column: "text") }

    public mutating func element(_ tag: String, _ content: String, class cls: String? = nil) {
        html += "<\(tag)\(cls.map { " class=\"\($0)\"" } ?? "")>\(HTMLText.escape(content))</\(tag)>"
    }

    /// A table of rows; beyond `cap` rows a note names the command that shows them all.
    public mutating func table(columns: [String], rows: [[SQLValue]], cap: Int = 50, more: String? = nil, empty: String = "none") {
        guard !rows.isEmpty else { element("p", empty, class: "empty"); return }
        raw("<table><thead><tr>")
        for c in columns { element("th", c) }
        raw("</tr></thead><tbody>")
        for row in rows.prefix(cap) {
            raw("<tr>")
            for (i, v) in row.enumerated() {
                if case .integer = v { raw("<td class=\"n\">") } else { raw("<td>") }
                value(v, column: i < columns.count ? columns[i] : "")
                raw("</td>")
            }
            raw("</tr>")
        }
        raw("</tbody></table>")
        if rows.count > cap {
            element("p", "\(rows.count - cap) more row(s) not shown" + (more.map { ": \($0) shows them all" } ?? ""), class: "more")
        }
    }

    /// A shell command, shown as code.
    public mutating func command(_ s: String) { raw("<code class=\"cmd\">\(HTMLText.escape(s))</code>") }
}

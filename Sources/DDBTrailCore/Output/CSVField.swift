/// Encoding of single CSV fields (RFC 4180) into a byte buffer, with the spreadsheet
/// formula-injection guard.
///
/// Every function appends to `out` and never allocates beyond growing it. Input bytes must
/// already be valid UTF-8 (see `ResultRenderer.UTF8Bytes.valid(_:)`).
enum CSVField {
    /// Bytes that make a spreadsheet treat a cell as a formula (or strip them and then do):
    /// `=`, `+`, `-`, `@`, TAB and CR.
    static func startsFormula(_ first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        default:
            return false
        }
    }

    /// Appends one TEXT field. `guardFormula` prefixes a `'` when the text starts like a formula;
    /// the caller passes it only for TEXT cells (and header names), never for numbers.
    static func append(_ bytes: [UInt8], guardFormula: Bool, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, guardFormula: guardFormula, to: &out) }
    }

    static func append(_ field: UnsafeBufferPointer<UInt8>, guardFormula: Bool, to out: inout [UInt8]) {
        // An empty string is written as `""` so it stays distinct from NULL (an empty field).
        guard let first = field.first, let last = field.last else {
            out.append(contentsOf: [0x22, 0x22])
            return
        }
        let prefixApostrophe = guardFormula && startsFormula(first)

        // Quote when a separator, quote or line break is inside, or when the field begins or
        // ends with a space (some readers trim unquoted spaces).
        var needsQuotes = first == 0x20 || last == 0x20
        if !needsQuotes {
            for byte in field where byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A {
                needsQuotes = true
                break
            }
        }

        if !needsQuotes {
            if prefixApostrophe { out.append(UInt8(ascii: "'")) }
            out.append(contentsOf: field)
            return
        }

        out.append(0x22)
        if prefixApostrophe { out.append(UInt8(ascii: "'")) }
        // Copy runs between quotes in one go; each quote is written twice.
        var runStart = 0
        for index in 0..<field.count where field[index] == 0x22 {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart...index]))
            out.append(0x22)
            runStart = index + 1
        }
        if runStart < field.count {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart...]))
        }
        out.append(0x22)
    }
}

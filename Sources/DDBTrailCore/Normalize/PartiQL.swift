/// Just enough PartiQL to tell what a logged statement did: its operation, its table (and index),
/// the equality literals of its `WHERE` clause, and the attributes it writes. CloudTrail redacts
/// non-key literals as `***(Redacted)`, so the literals left in clear are the key values; an
/// INSERT's values are all redacted, keys included, but its attribute names are not.
enum PartiQL {
    struct Literal: Equatable {
        var name: String
        var value: String
        var isNumber: Bool
    }

    struct Statement: Equatable {
        var operation: String      // SELECT, INSERT, UPDATE, DELETE (as PartiQL spells them)
        var table: String
        var index: String?
        var keyLiterals: [Literal]
        /// INSERT: the names of its `VALUE` tuple. UPDATE: the top-level attributes it sets or removes.
        var attributeNames: [String]? = nil
    }

    enum Token: Equatable {
        case word(String)          // keyword or bare identifier
        case quotedIdentifier(String)
        case string(String)
        case number(String)
        case symbol(String)
        case redacted
    }

    static func parse(_ text: String) -> Statement? {
        let tokens = tokenize(text)
        guard case .word(let first)? = tokens.first else { return nil }
        let op = first.uppercased()
        var i = 1
        func identifier(at k: Int) -> String? {
            guard k < tokens.count else { return nil }
            switch tokens[k] {
            case .word(let w): return w
            case .quotedIdentifier(let q): return q
            default: return nil
            }
        }
        func skip(word: String) -> Bool {
            if i < tokens.count, case .word(let w) = tokens[i], w.uppercased() == word { i += 1; return true }
            return false
        }
        switch op {
        case "SELECT":
            while i < tokens.count { if case .word(let w) = tokens[i], w.uppercased() == "FROM" { break }; i += 1 }
            guard skip(word: "FROM") else { return nil }
        case "INSERT":
            guard skip(word: "INTO") else { return nil }
        case "DELETE":
            guard skip(word: "FROM") else { return nil }
        case "UPDATE", "EXISTS":
            break
        default:
            return nil
        }
        guard let table = identifier(at: i) else { return nil }
        i += 1
        var index: String? = nil
        if i + 1 < tokens.count, tokens[i] == .symbol("."), let name = identifier(at: i + 1) {
            index = name
            i += 2
        }
        let names: [String]?
        switch op {
        case "INSERT": names = valueNames(tokens, from: i)
        case "UPDATE": names = updatedNames(tokens, from: i)
        default: names = nil
        }
        var literals: [Literal] = []
        // Find WHERE, then collect `name = literal` pairs.
        while i < tokens.count { if case .word(let w) = tokens[i], w.uppercased() == "WHERE" { break }; i += 1 }
        while i + 2 < tokens.count {
            if let name = identifier(at: i), tokens[i + 1] == .symbol("=") {
                switch tokens[i + 2] {
                case .string(let s): literals.append(Literal(name: name, value: s, isNumber: false))
                case .number(let n): literals.append(Literal(name: name, value: n, isNumber: true))
                default: break
                }
            }
            i += 1
        }
        return Statement(operation: op, table: table, index: index, keyLiterals: literals, attributeNames: names)
    }

    /// The member names of an INSERT's `VALUE {…}` tuple (nil when there is none).
    static func valueNames(_ tokens: [Token], from start: Int) -> [String]? {
        guard let open = tokens[start...].firstIndex(of: .symbol("{")) else { return nil }
        var names: [String] = []
        var depth = 0
        var k = open
        while k < tokens.count {
            switch tokens[k] {
            case .symbol("{"), .symbol("["), .symbol("("): depth += 1
            case .symbol("}"), .symbol("]"), .symbol(")"):
                depth -= 1
                if depth == 0 { return names }
            case .string(let s), .quotedIdentifier(let s), .word(let s):
                if depth == 1, k + 1 < tokens.count, tokens[k + 1] == .symbol(":") { names.append(s) }
            default: break
            }
            k += 1
        }
        return names.isEmpty ? nil : names
    }

    /// The top-level attributes an UPDATE's SET and REMOVE clauses name: the first identifier of
    /// each path (`a.b[1]` → `a`), before WHERE.
    static func updatedNames(_ tokens: [Token], from start: Int) -> [String]? {
        var names: [String] = []
        var depth = 0
        var expectingPath = false
        for token in tokens[start...] {
            switch token {
            case .word(let w) where depth == 0 && w.uppercased() == "WHERE":
                return names.isEmpty ? nil : names
            case .word(let w) where depth == 0 && (w.uppercased() == "SET" || w.uppercased() == "REMOVE"):
                expectingPath = true
                continue
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
            case .symbol(","):
                if depth == 0 { expectingPath = true; continue }
            case .word(let name), .quotedIdentifier(let name):
                if expectingPath && depth == 0 && !names.contains(name) { names.append(name) }
            default: break
            }
            expectingPath = false
        }
        return names.isEmpty ? nil : names
    }

    static func tokenize(_ text: String) -> [Token] {
        let b = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        let redacted = Array("***(Redacted)".utf8)
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1; continue }
            if b[i...].starts(with: redacted) { tokens.append(.redacted); i += redacted.count; continue }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                // Quotes are escaped by doubling.
                var out: [UInt8] = []
                i += 1
                while i < b.count {
                    if b[i] == c {
                        if i + 1 < b.count, b[i + 1] == c { out.append(c); i += 2; continue }
                        i += 1
                        break
                    }
                    out.append(b[i]); i += 1
                }
                let s = String(decoding: out, as: UTF8.self)
                tokens.append(c == UInt8(ascii: "'") ? .string(s) : .quotedIdentifier(s))
                continue
            }
            if (c >= 48 && c <= 57) || (c == UInt8(ascii: "-") && i + 1 < b.count && b[i + 1] >= 48 && b[i + 1] <= 57) {
                let start = i
                i += 1
                while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: ".") || b[i] | 0x20 == UInt8(ascii: "e")
                        || ((b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) && b[i - 1] | 0x20 == UInt8(ascii: "e")) { i += 1 }
                tokens.append(.number(String(decoding: b[start..<i], as: UTF8.self)))
                continue
            }
            if (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_") {
                let start = i
                while i < b.count, (b[i] >= 65 && b[i] <= 90) || (b[i] >= 97 && b[i] <= 122) || (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: "_") { i += 1 }
                tokens.append(.word(String(decoding: b[start..<i], as: UTF8.self)))
                continue
            }
            tokens.append(.symbol(String(UnicodeScalar(c))))
            i += 1
        }
        return tokens
    }
}

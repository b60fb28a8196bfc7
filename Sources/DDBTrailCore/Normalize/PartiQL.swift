/// Just enough PartiQL to tell what a logged statement did: its operation, its table (and index),
/// and the equality literals of its `WHERE` clause. CloudTrail redacts non-key literals as
/// `***(Redacted)`, so the literals left in clear are the key values.
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
        return Statement(operation: op, table: table, index: index, keyLiterals: literals)
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

/// Splits a command line into words the way a POSIX shell does, without expanding anything:
/// blanks separate words; single quotes keep everything up to the next one; double quotes keep
/// everything but `\` before `$` `` ` `` `"` `\` or a newline; a backslash outside quotes keeps
/// the next character (and drops a backslash-newline). `$`, `*`, `|`, `;` and the like are
/// plain characters here.
public enum ShellWords {
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func split(_ line: String) throws(SyntaxError) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false   // true once anything (even '') started a word
        var scalars = line.unicodeScalars.makeIterator()
        func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }

        while let c = scalars.next() {
            switch c {
            case _ where isBlank(c):
                if inWord { words.append(String(word)); word = .init(); inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let q = scalars.next() {
                    if q == "'" { closed = true; break }
                    word.append(q)
                }
                if !closed { throw SyntaxError(description: "unterminated single quote in: \(line)") }
            case "\"":
                inWord = true
                var closed = false
                while let q = scalars.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let next = scalars.next() else { break }
                        switch next {
                        case "$", "`", "\"", "\\": word.append(next)
                        case "\n": break
                        default: word.append("\\"); word.append(next)
                        }
                    } else {
                        word.append(q)
                    }
                }
                if !closed { throw SyntaxError(description: "unterminated double quote in: \(line)") }
            case "\\":
                guard let next = scalars.next() else {
                    throw SyntaxError(description: "a backslash ends the line, escaping nothing: \(line)")
                }
                if next != "\n" { word.append(next); inWord = true }
            default:
                word.append(c)
                inWord = true
            }
        }
        if inWord { words.append(String(word)) }
        return words
    }
}

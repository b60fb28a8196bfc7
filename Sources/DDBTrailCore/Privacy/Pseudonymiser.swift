import DDBTrailSQLite
import Foundation

/// Keyed pseudonyms for personal data in everything ddbtrail prints or bundles.
///
/// A pseudonym is `ps-` and the first 16 hex digits of HMAC-SHA-256(secret, original): without the
/// secret nobody can reverse or recompute it; with the same secret the same original always gets
/// the same pseudonym, so joins and counts still work. What is replaced is learned from the case:
/// item key values, every attribute value in change images and diffs, principal identifiers
/// (user, role and session names, principal ids, the name parts of ARNs, SAML and web identity
/// subjects, source identities, Identity Center users), access key ids and source IP addresses.
/// Kept: times, event and request ids, table, event and operation names, error codes, attribute
/// names and account ids.
///
/// Every output cell passes through `cell`: image, diff and key columns have every value replaced;
/// JSON text (raw records, evidence lists) has its string values replaced where they are, or
/// contain, a learned value; other text is cut into tokens at punctuation and each learned token
/// replaced (so an ARN, a PartiQL statement or a message that embeds a value loses it). Integers
/// outside images are kept (counts, positions); a real number that is a learned value is replaced.
/// Row counts never change.
public final class Pseudonymiser: @unchecked Sendable {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    let secret: [UInt8]
    /// Learned originals (never times, booleans or numbers shorter than 3 characters).
    var learned: Set<String> = []
    /// Learned originals holding token separators (a name with a space, a path): replaced as
    /// substrings, longest first, before the token pass.
    var compound: [String] = []
    private var memo: [String: String] = [:]

    /// Columns whose every value is personal data (images, diffs, keys).
    static let wholeValueColumns: Set<String> = ["old_image", "new_image", "diff", "keys", "item_key", "key", "key_raw", "item", "image"]

    /// Reads the secret (refusing a file others can read) and learns the case's sensitive values.
    public init(secretPath: String, db: Database) throws {
        secret = try Self.readSecret(secretPath)
        try learn(db)
    }

    /// A pseudonymiser over given originals (tests).
    init(secret: [UInt8], originals: [String]) {
        self.secret = secret
        for o in originals { add(o) }
        finishLearning()
    }

    static func readSecret(_ path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Refusal(description: "--pseudonymise: cannot read the secret file '\(path)'") }
        if info.st_mode & 0o077 != 0 {
            throw Refusal(description: "--pseudonymise: the secret file '\(path)' can be read or written by others (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 it, or make one with ddbtrail secret new")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refusal(description: "--pseudonymise: cannot read the secret file '\(path)'")
        }
        let bytes = Array(data).filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        guard bytes.count >= 16 else { throw Refusal(description: "--pseudonymise: the secret in '\(path)' is shorter than 16 characters") }
        return bytes
    }

    /// Writes a fresh secret to `path` (mode 0600); refuses an existing file.
    public static func newSecret(path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw Refusal(description: "'\(path)' exists: a secret is never overwritten") }
        var random = [UInt8](repeating: 0, count: 32)
        guard let urandom = FileHandle(forReadingAtPath: "/dev/urandom") else { throw Refusal(description: "cannot read /dev/urandom") }
        random = Array(urandom.readData(ofLength: 32))
        try urandom.close()
        guard random.count == 32 else { throw Refusal(description: "cannot read /dev/urandom") }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Refusal(description: "cannot create '\(path)'") }
        let text = Array((hexString(random) + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == text.count else { throw Refusal(description: "cannot write '\(path)'") }
    }

    /// The pseudonym of one original.
    public func pseudonym(_ original: String) -> String {
        if let known = memo[original] { return known }
        let p = "ps-" + String(hexString(Self.hmac(key: secret, message: Array(original.utf8))).prefix(16))
        memo[original] = p
        return p
    }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > 64 ? SHA256Hasher.digest(of: key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = SHA256Hasher.digest(of: k.map { $0 ^ 0x36 } + message)
        return SHA256Hasher.digest(of: k.map { $0 ^ 0x5C } + inner)
    }

    // MARK: Output

    /// A result cell, given its column name.
    public func cell(column: String, _ value: SQLValue) -> SQLValue {
        switch value {
        case .integer(let n) where Self.wholeValueColumns.contains(column): return .string(pseudonym(String(n)))
        case .real(let d):
            // An attribute value read out of an image (json_extract) is still one; counts are integers.
            let text = String(d)
            return Self.wholeValueColumns.contains(column) || learned.contains(text) ? .string(pseudonym(text)) : value
        default: break
        }
        guard case .text(let bytes) = value else { return value }
        let s = String(decoding: bytes, as: UTF8.self)
        if Self.wholeValueColumns.contains(column) { return .string(json(s, wholeValues: true) ?? pseudonym(s)) }
        return .string(text(s))
    }

    /// A stored CloudTrail record or change record (as in events.raw / changes.raw).
    public func record(_ raw: [UInt8]) -> [UInt8] {
        let s = String(decoding: raw, as: UTF8.self)
        return Array((json(s, wholeValues: false) ?? text(s)).utf8)
    }

    /// Free text: learned values, whole or as tokens, replaced.
    public func text(_ s: String) -> String {
        if let first = s.utf8.first(where: { $0 > 0x20 }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
           let replaced = json(s, wholeValues: false) {
            return replaced
        }
        var out = s
        for c in compound where out.contains(c) { out = out.replacingOccurrences(of: c, with: pseudonym(c)) }
        return tokens(out)
    }

    /// JSON text with its values replaced, or nil when it is not JSON.
    func json(_ s: String, wholeValues: Bool) -> String? {
        guard let first = s.utf8.first(where: { $0 > 0x20 }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
              let value = try? JSONParser.parse(Array(s.utf8)) else { return nil }
        return walk(value, whole: wholeValues).compactText
    }

    /// Members under which every value is an item's (stream and export records, images, diffs).
    static let wholeValueMembers: Set<String> = ["Keys", "NewImage", "OldImage", "Item", "keys", "new_image", "old_image",
                                                 "added", "removed", "changed"]

    func walk(_ value: JSON, whole: Bool) -> JSON {
        switch value {
        case .object(let o):
            var copy = o
            copy.members = o.members.map { ($0.key, walk($0.value, whole: whole || Self.wholeValueMembers.contains($0.key))) }
            return .object(copy)
        case .array(let items):
            return .array(items.map { walk($0, whole: whole) })
        case .string(let s):
            return .string(whole ? pseudonym(s) : text(s))
        case .number(let n):
            return whole ? .string(pseudonym(n)) : value
        default:
            return value
        }
    }

    /// Each token (text between separators) that is a learned value, replaced.
    func tokens(_ s: String) -> String {
        var out = ""
        var token = ""
        func flush() {
            if !token.isEmpty { out += learned.contains(token) ? pseudonym(token) : token }
            token = ""
        }
        for ch in s {
            if Self.separators.contains(ch) || (ch.asciiValue.map { $0 < 0x20 } ?? false) { flush(); out.append(ch) } else { token.append(ch) }
        }
        flush()
        return out
    }

    static let separators: Set<Character> = [" ", "\t", "\n", "\r", "\"", "'", ",", ";", ":", "=", "/", "(", ")", "[", "]",
                                              "{", "}", "<", ">", "|", "\\", "#", "`"]
}

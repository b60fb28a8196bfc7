#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Comparing JSON by content rather than by text, for copies of one record that arrived through
/// different channels (an S3 log file, CloudWatch Logs, EventBridge, lookup-events): those may
/// serialise the same value with other whitespace, member order or string escapes.
///
/// The rule: objects are equal when they have the same members whatever their order (members of
/// one name, which JSON leaves undefined, must also keep their relative order); arrays compare in
/// order; strings by their code points once escapes are decoded (no Unicode normalisation);
/// numbers by their text as written (`1.0` is not `1`); `true`, `false` and `null` by kind.
extension JSON {
    public func sameContent(as other: JSON) -> Bool { contentDifference(from: other) == nil }

    /// Where the two values first differ by the rule above, as a path such as
    /// `requestParameters.key.pk` or `resources[1]` (empty: the values as a whole); nil when
    /// they hold the same content.
    public func contentDifference(from other: JSON) -> String? {
        switch (self, other) {
        case (.deferred, _), (_, .deferred): return built.contentDifference(from: other.built)
        case (.null, .null): return nil
        case (.bool(let x), .bool(let y)): return x == y ? nil : ""
        case (.number(let x), .number(let y)): return Self.sameText(x, y) ? nil : ""
        // Swift's `==` on strings ignores canonical-equivalence differences; bytes do not.
        case (.string(let x), .string(let y)): return Self.sameText(x, y) ? nil : ""
        case (.array(let x), .array(let y)):
            for (i, (a, b)) in zip(x, y).enumerated() {
                if let inner = a.contentDifference(from: b) { return Self.path("[\(i)]", inner) }
            }
            return x.count == y.count ? nil : "[\(min(x.count, y.count))]"
        case (.object(let x), .object(let y)): return x.contentDifference(from: y)
        default: return ""
        }
    }

    /// `contentDifference(from:)` of two JSON texts. Identical bytes are the same without
    /// parsing. Texts that do not parse, or hold bytes that are not UTF-8 (the parser reads them
    /// as U+FFFD, which would hide a difference), are the same only when their bytes are.
    public static func contentDifference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        if a == b { return nil }
        guard ByteScan.isValidUTF8(a), ByteScan.isValidUTF8(b),
              let x = try? JSONParser.parse(a), let y = try? JSONParser.parse(b) else { return "" }
        return x.contentDifference(from: y)
    }

    static func path(_ step: String, _ inner: String) -> String {
        inner.isEmpty ? step : step + (inner.hasPrefix("[") ? inner : "." + inner)
    }

    /// Whether two strings have the same UTF-8 bytes, compared in place (the `utf8` view's
    /// generic `elementsEqual` cost several times more).
    static func sameText(_ a: String, _ b: String) -> Bool {
        let n = a.utf8.count
        guard n == b.utf8.count else { return false }
        let same = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in n == 0 || memcmp(x.baseAddress!, y.baseAddress!, n) == 0 }
        }
        return (same ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }
}

extension JSONObject {
    /// Members compared by name, ignoring their order (`==` on objects keeps it): the name of
    /// the first member whose value differs or that only one side has.
    public func contentDifference(from other: JSONObject) -> String? {
        let x = members, y = other.members
        // Each member of `x` is paired with the first unpaired member of `y` of its name, so the
        // n-th member of a name meets the n-th of that name on the other side. Members before
        // `low` are all paired: an unchanged order costs one comparison per member.
        var paired = [Bool](repeating: false, count: y.count)
        var low = 0
        for a in x {
            guard let j = (low..<y.count).first(where: { !paired[$0] && JSON.sameText(a.key, y[$0].key) }) else { return a.key }
            paired[j] = true
            while low < y.count && paired[low] { low += 1 }
            if let inner = a.value.contentDifference(from: y[j].value) { return JSON.path(a.key, inner) }
        }
        return y.indices.first { !paired[$0] }.map { y[$0].key }
    }
}

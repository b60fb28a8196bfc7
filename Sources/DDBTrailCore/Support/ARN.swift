import Foundation

/// Cheap ARN field access (`arn:partition:service:region:account:resource`) without allocating
/// the pieces.
enum ARN {
    /// The six fields as substrings, or nil if the text is not an ARN.
    static func fields(_ arn: String) -> (service: Substring, region: Substring, account: Substring, resource: Substring)? {
        var arn = arn
        guard let r = arn.withUTF8(fieldRanges) else { return nil }
        // Colons are one byte, so every range bound is a character boundary.
        let utf8 = arn.utf8
        func slice(_ range: Range<Int>) -> Substring {
            arn[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
        }
        return (slice(r.service), slice(r.region), slice(r.account), slice(r.resource))
    }

    /// Byte ranges of the fields of `arn:partition:service:region:account:resource` in UTF-8 text.
    static func fieldRanges(_ b: UnsafeBufferPointer<UInt8>) -> (service: Range<Int>, region: Range<Int>, account: Range<Int>, resource: Range<Int>)? {
        guard b.count >= 4, b[0] == UInt8(ascii: "a"), b[1] == UInt8(ascii: "r"), b[2] == UInt8(ascii: "n"),
              b[3] == UInt8(ascii: ":") else { return nil }
        var colons = (0, 0, 0, 0)
        var found = 0
        var i = 4
        while found < 4, i < b.count {
            if b[i] == UInt8(ascii: ":") {
                switch found {
                case 0: colons.0 = i
                case 1: colons.1 = i
                case 2: colons.2 = i
                default: colons.3 = i
                }
                found += 1
            }
            i += 1
        }
        guard found == 4 else { return nil }
        return (colons.0 + 1..<colons.1, colons.1 + 1..<colons.2, colons.2 + 1..<colons.3, colons.3 + 1..<b.count)
    }

    static func resource(_ arn: String) -> Substring? { fields(arn)?.resource }
}

import DDBTrailSQLite

extension Attribution {
    /// Reads `item_accesses.attribute_names`: a JSON array (PutItem `item`, a PartiQL INSERT's
    /// names), an object with the update expression and the names it maps (UpdateItem), an
    /// object `{"touches": [names]}` (PartiQL UPDATE), or an item logged as a map of its attributes.
    static func declared(_ json: JSON?) -> Declared {
        switch json {
        case .array(let names)?:
            let set = Set(names.compactMap(\.string))
            return set.isEmpty ? .unknown : .wholeItem(set)
        case .object(let o)?:
            if let touched = o["touches"]?.array {
                let set = Set(touched.compactMap(\.string))
                return set.isEmpty ? .unknown : .touches(set)
            }
            guard let expression = o["updateExpression"]?.string else {
                // An item map: its member names are the item's attributes.
                return o.members.isEmpty || o["names"] != nil ? .unknown : .wholeItem(Set(o.keys))
            }
            var names = Set((o["names"]?.array ?? []).compactMap(\.string))
            // Bare attribute names written in the expression itself: words that are not
            // placeholders (#n, :v), keywords, numbers or nested member names (after a dot).
            let keywords: Set<String> = ["SET", "REMOVE", "ADD", "DELETE", "if_not_exists", "list_append", "AND"]
            // A word: letters, digits, `_` and any non-ASCII byte; `#` or `:` only first.
            func isWordByte(_ c: UInt8) -> Bool {
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c >= 0x80
            }
            let bytes = Array(expression.utf8)
            var start = 0
            while start < bytes.count {
                let first = bytes[start]
                guard isWordByte(first) || first == 0x23 || first == 0x3A else { start += 1; continue }
                var end = start + 1
                while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
                let afterDot = start > 0 && bytes[start - 1] == 0x2E
                if first != 0x23, first != 0x3A, !(first >= 0x30 && first <= 0x39), !afterDot {
                    let word = String(decoding: bytes[start..<end], as: UTF8.self)
                    if !keywords.contains(word) { names.insert(word) }
                }
                start = end
            }
            return names.isEmpty ? .unknown : .touches(names)
        default:
            return .unknown
        }
    }
}

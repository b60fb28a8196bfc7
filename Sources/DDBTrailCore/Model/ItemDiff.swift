/// Paths to values inside an item: attribute names joined with `.`, list indexes as `[i]`.
/// A name that is empty or contains `.`, `[`, `]`, `"`, whitespace or a control character is
/// written as a JSON string (`"na.me"`), so every path reads back one way only.
public enum AttributePath {
    /// `parent.name` (or just `name` at the top), quoting the name when needed.
    public static func member(_ parent: String, _ name: String) -> String {
        let component = quotedIfNeeded(name)
        return parent.isEmpty ? component : parent + "." + component
    }

    /// `parent[index]`.
    public static func index(_ parent: String, _ index: Int) -> String {
        parent + "[" + String(index) + "]"
    }

    /// The name as it appears in a path.
    public static func quotedIfNeeded(_ name: String) -> String {
        let needsQuotes = name.isEmpty || name.unicodeScalars.contains { u in
            if u.isASCII {
                // ASCII: the delimiters, space and control characters (no Unicode tables needed).
                return u == "." || u == "[" || u == "]" || u == "\"" || u.value <= 0x20 || u.value == 0x7F
            }
            return u.properties.isWhitespace || u.value < 0xA0
        }
        return needsQuotes ? jsonString(name) : name
    }
}

/// What changed between two images of one item (stream OldImage/NewImage, or two exports).
public struct ItemDiff: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        /// Where the value sits, in `AttributePath` syntax (e.g. `address."zip code"`).
        public var path: String
        /// The value before; nil for an added value.
        public var old: AttributeValue?
        /// The value after; nil for a removed value.
        public var new: AttributeValue?

        public init(path: String, old: AttributeValue?, new: AttributeValue?) {
            self.path = path
            self.old = old
            self.new = new
        }
    }

    public var added: [Change]
    public var removed: [Change]
    public var changed: [Change]

    public init(added: [Change] = [], removed: [Change] = [], changed: [Change] = []) {
        self.added = added
        self.removed = removed
        self.changed = changed
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Compares two images. A missing image (INSERT has no old one, REMOVE no new one) counts
    /// as an empty item. Attributes only in `new` are added, only in `old` removed, in both but
    /// not equal (`AttributeValue.isEqual`) changed. Where both sides are maps the comparison
    /// goes inside and reports nested paths; lists and sets are compared whole. Each list is
    /// sorted by path (UTF-8 byte order). For duplicate names the first one counts.
    public static func between(old: [(String, AttributeValue)]?, new: [(String, AttributeValue)]?) -> ItemDiff {
        var diff = ItemDiff()
        compare(old ?? [], new ?? [], path: "", into: &diff)
        let byPath: (Change, Change) -> Bool = { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        diff.added.sort(by: byPath)
        diff.removed.sort(by: byPath)
        diff.changed.sort(by: byPath)
        return diff
    }

    private static func compare(_ old: [(String, AttributeValue)], _ new: [(String, AttributeValue)],
                                path: String, into diff: inout ItemDiff) {
        // Items are small: linear searches by name beat building dictionaries.
        for (i, (name, newValue)) in new.enumerated() where AttributeValue.firstIndex(of: name, in: new) == i {
            guard let j = AttributeValue.firstIndex(of: name, in: old) else {
                diff.added.append(Change(path: AttributePath.member(path, name), old: nil, new: newValue))
                continue
            }
            let oldValue = old[j].1
            if oldValue.isEqual(to: newValue) { continue }
            if case .m(let oldMembers) = oldValue, case .m(let newMembers) = newValue {
                compare(oldMembers, newMembers, path: AttributePath.member(path, name), into: &diff)
            } else {
                diff.changed.append(Change(path: AttributePath.member(path, name), old: oldValue, new: newValue))
            }
        }
        for (i, (name, oldValue)) in old.enumerated()
        where AttributeValue.firstIndex(of: name, in: old) == i && AttributeValue.firstIndex(of: name, in: new) == nil {
            diff.removed.append(Change(path: AttributePath.member(path, name), old: oldValue, new: nil))
        }
    }

    /// `{"added":{path:value,…},"removed":{path:value,…},"changed":{path:{"old":…,"new":…},…}}`
    /// with values in `AttributeValue.plainJSON` form and paths in sorted order.
    public var json: String {
        var out = Array(#"{"added":"#.utf8)
        func section(_ changes: [Change], _ render: (Change, inout [UInt8]) -> Void) {
            out.append(0x7B)
            for (i, change) in changes.enumerated() {
                if i > 0 { out.append(0x2C) }
                appendJSONString(change.path, to: &out)
                out.append(0x3A)
                render(change, &out)
            }
            out.append(0x7D)
        }
        func value(_ v: AttributeValue?, _ out: inout [UInt8]) {
            if let v { v.writePlain(into: &out) } else { out += "null".utf8 }
        }
        section(added) { value($0.new, &$1) }
        out += #","removed":"#.utf8
        section(removed) { value($0.old, &$1) }
        out += #","changed":"#.utf8
        section(changed) { change, out in
            out += #"{"old":"#.utf8
            value(change.old, &out)
            out += #","new":"#.utf8
            value(change.new, &out)
            out.append(0x7D)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}

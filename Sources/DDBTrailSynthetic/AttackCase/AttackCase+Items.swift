import DDBTrailCore

extension AttackCase {
    enum Table: Int, CaseIterable {
        case orders, customers, ledger, sessions

        var name: String { ["Orders", "Customers", "Ledger", "Sessions"][rawValue] }
        var keyNames: [String] {
            switch self {
            case .orders: ["customerId", "orderId"]
            case .customers: ["customerId"]
            case .ledger: ["accountId", "entryId"]
            case .sessions: ["sessionId"]
            }
        }
        /// Labels of the streams (created long before the evidence starts); Customers has none.
        var streamLabel: String? {
            switch self {
            case .orders: "2026-03-02T09:41:17.522"
            case .customers: nil
            case .ledger: "2026-03-02T09:44:03.107"
            case .sessions: "2026-05-19T14:20:51.940"
            }
        }
        var creationTime: Int {
            switch self {
            case .orders, .customers, .ledger: UTC.seconds(2026, 3, 2, 9, 41 + rawValue, 9 + 7 * rawValue)
            case .sessions: UTC.seconds(2026, 5, 19, 14, 20, 37)
            }
        }
        /// Rough size, for table descriptions.
        var itemCount: Int { [2_418_337, 150_000, 5_804_112, 1_264][rawValue] }
        var itemBytes: Int { [412, 366, 231, 143][rawValue] }
    }

    struct Item {
        /// Key values in key-schema order.
        var key: [String]
        /// Every attribute, keys included, as typed JSON (`{"S":"…"}`).
        var attributes: [String: String]
        var created: Int
        var lastWrite: Int
    }

    /// The live items of a table, with O(1) random picks.
    struct Store {
        private(set) var items: [String: Item] = [:]
        private(set) var ids: [String] = []
        private var slots: [String: Int] = [:]

        var count: Int { ids.count }

        static func id(_ key: [String]) -> String { key.joined(separator: "\u{1F}") }

        subscript(id: String) -> Item? { items[id] }

        mutating func set(_ item: Item) {
            let id = Self.id(item.key)
            if items[id] == nil {
                slots[id] = ids.count
                ids.append(id)
            }
            items[id] = item
        }

        @discardableResult
        mutating func remove(_ id: String) -> Item? {
            guard let item = items.removeValue(forKey: id), let slot = slots.removeValue(forKey: id) else { return nil }
            let last = ids.removeLast()
            if slot < ids.count {
                ids[slot] = last
                slots[last] = slot
            }
            return item
        }

        func random(_ rng: inout SplitMix64) -> Item? { ids.isEmpty ? nil : items[ids[rng.below(ids.count)]] }
    }

    /// Min-heap of pending TTL deletions: (time, tiebreak, session id).
    struct ExpiryHeap {
        private var heap: [(time: Int, order: Int, id: String)] = []
        private var order = 0

        var next: Int? { heap.first?.time }

        mutating func push(_ time: Int, _ id: String) {
            heap.append((time, order, id))
            order += 1
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard less(i, parent) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> (time: Int, id: String) {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < heap.count && less(l, m) { m = l }
                    if r < heap.count && less(r, m) { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
            return (top.time, top.id)
        }

        private func less(_ a: Int, _ b: Int) -> Bool { (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order) }
    }

    // MARK: - Values

    static func s(_ value: String) -> String { #"{"S":\#(jsonString(value))}"# }
    static func n(_ value: String) -> String { #"{"N":"\#(value)"}"# }

    /// Cents as DynamoDB returns a number: no trailing zeros in the fraction.
    static func decimal(cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let whole = abs(cents) / 100, fraction = abs(cents) % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static let conditionFailed = APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")
    static let throttled = APIError(
        code: "ProvisionedThroughputExceededException",
        message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
}

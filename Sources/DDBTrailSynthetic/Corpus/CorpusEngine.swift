/// The world a corpus is drawn from (accounts, regions, tables, principals) and the mutable
/// state of each log stream.
struct CorpusEngine {
    /// One CloudTrail log stream: what a multi-region trail delivers for one account + region.
    final class Stream: Sendable {
        let account: String
        let region: String
        let weight: Double
        let tables: [DeployedTable]
        let tableWeights: Weighted<Int>
        let buckets: [String]
        let principals: AccountPrincipals
        let dynamoHost: String, stsHost: String, ec2Host: String
        /// Mean time between records in milliseconds; busier streams have shorter gaps so that
        /// all stream clocks advance at about the same pace.
        let meanGapMs: Double

        init(account: String, region: String, weight: Double, tables: [DeployedTable], buckets: [String], principals: AccountPrincipals) {
            self.account = account
            self.region = region
            self.weight = weight
            self.tables = tables
            tableWeights = Weighted(tables.enumerated().map { ($0.offset, $0.element.model.weight) })
            self.buckets = buckets
            self.principals = principals
            dynamoHost = "dynamodb.\(region).amazonaws.com"
            stsHost = "sts.\(region).amazonaws.com"
            ec2Host = "ec2.\(region).amazonaws.com"
            // 150 ms at weight 1: the busiest stream (weight 0.5) delivers 1,000 records in about 5 minutes.
            meanGapMs = 150 / weight
        }
    }

    struct StreamState {
        var clockMs: Int
        /// Records sampled from earlier files, candidates for duplicate delivery.
        var reservoir: [[UInt8]] = []
        /// CreateTable events still to emit at the start of the stream.
        var pendingCreates: [Int]
    }

    struct RenderedFile {
        var folder: String
        var name: String
        var bytes: [UInt8]
        var duplicates: Int
    }

    static let duplicateRate = 0.005
    static let errorRate = 0.02
    static let dataShare = 0.7
    static let start = UTC.seconds(2026, 10, 1)

    var rng: SplitMix64
    let streams: [Stream]
    let streamWeights: Weighted<Int>
    var states: [StreamState]
    /// The Orders stream still owes its guaranteed read of the hot key.
    var hotKeyPending = true

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let first = AccountPrincipals(account: "111122223333", rng: &rng)
        let second = AccountPrincipals(account: "444455556666", rng: &rng)
        func deploy(_ names: [String], _ account: String, _ region: String) -> [DeployedTable] {
            names.map { name in
                DeployedTable(model: CorpusEngine.tableModels.first { $0.name == name }!, account: account,
                              region: region, tableId: rng.uuid())
            }
        }
        streams = [
            Stream(account: "111122223333", region: "eu-west-1", weight: 0.5,
                   tables: deploy(["Orders", "Customers", "Payments", "Carts"], "111122223333", "eu-west-1"),
                   buckets: ["orders-exports-111122223333", "app-assets-eu-west-1-111122223333"], principals: first),
            Stream(account: "111122223333", region: "us-east-1", weight: 0.2,
                   tables: deploy(["Sessions", "FeatureFlags"], "111122223333", "us-east-1"),
                   buckets: ["cloudtrail-111122223333-us-east-1"], principals: first),
            Stream(account: "444455556666", region: "us-west-2", weight: 0.25,
                   tables: deploy(["Inventory", "Products", "AuditLog"], "444455556666", "us-west-2"),
                   buckets: ["inventory-feeds-444455556666"], principals: second),
            Stream(account: "444455556666", region: "us-east-1", weight: 0.05,
                   tables: deploy(["Shipments"], "444455556666", "us-east-1"),
                   buckets: ["shipping-labels-444455556666"], principals: second),
        ]
        streamWeights = Weighted(streams.enumerated().map { ($0.offset, $0.element.weight) })
        states = streams.enumerated().map { index, stream in
            StreamState(clockMs: (Self.start + index * 7) * 1000, pendingCreates: Array(stream.tables.indices))
        }
        self.rng = rng
    }

    static let tableModels: [TableModel] = [
        TableModel(name: "Orders",
                   hashKey: KeyAttribute(name: "customerId", prefix: "C-", base: 1001, modulus: 3000),
                   rangeKey: KeyAttribute(name: "orderId", prefix: "O-", base: 77),
                   items: 200_000, weight: 5,
                   attributes: ["status", "total", "currency", "createdAt", "updatedAt", "lineItems", "shippingAddress", "paymentId"],
                   index: "status-createdAt-index"),
        TableModel(name: "Customers", hashKey: KeyAttribute(name: "customerId", prefix: "C-", base: 1001),
                   items: 50_000, weight: 2,
                   attributes: ["email", "name", "tier", "createdAt", "marketingOptIn", "defaultAddress"], index: "email-index"),
        TableModel(name: "Payments", hashKey: KeyAttribute(name: "paymentId", prefix: "PAY-", base: 1, width: 8),
                   items: 150_000, weight: 1.5,
                   attributes: ["orderId", "amount", "currency", "status", "provider", "capturedAt"], index: "orderId-index",
                   streamLabel: "2026-06-01T08:15:30.123"),
        TableModel(name: "Carts", hashKey: KeyAttribute(name: "userId", prefix: "U-", base: 500_000),
                   items: 30_000, weight: 1.5, attributes: ["lines", "updatedAt", "expiresAt", "couponCode"]),
        TableModel(name: "Sessions", hashKey: KeyAttribute(name: "sessionId", prefix: "s-", base: 10_000_000),
                   items: 100_000, weight: 3, attributes: ["userId", "issuedAt", "expiresAt", "ip", "userAgent"]),
        TableModel(name: "FeatureFlags", hashKey: KeyAttribute(name: "flagName", prefix: "flag-", base: 1, width: 3),
                   items: 200, weight: 1, attributes: ["enabled", "rollout", "updatedBy", "updatedAt"]),
        TableModel(name: "Inventory",
                   hashKey: KeyAttribute(name: "sku", prefix: "SKU-", base: 10_000, modulus: 40_000),
                   rangeKey: KeyAttribute(name: "warehouseId", prefix: nil, base: 1, modulus: 12),
                   items: 120_000, weight: 3, attributes: ["onHand", "reserved", "updatedAt", "bin"]),
        TableModel(name: "Products", hashKey: KeyAttribute(name: "productId", prefix: nil, base: 100_000),
                   items: 40_000, weight: 2, attributes: ["title", "price", "category", "brand", "updatedAt"],
                   index: "category-index"),
        TableModel(name: "AuditLog",
                   hashKey: KeyAttribute(name: "tenantId", prefix: "T-", base: 1, modulus: 250, width: 4),
                   rangeKey: KeyAttribute(name: "seq", prefix: nil, base: 1_000_000),
                   items: 500_000, weight: 1.5, attributes: ["actor", "action", "target", "at"]),
        TableModel(name: "Shipments", hashKey: KeyAttribute(name: "shipmentId", prefix: "SHP-", base: 1, width: 7),
                   items: 60_000, weight: 1, attributes: ["orderId", "carrier", "trackingNumber", "status", "updatedAt"],
                   index: "orderId-index"),
    ]

    // MARK: Files

    mutating func renderFile(records count: Int) -> RenderedFile {
        // The first file comes from the Orders stream, so that even a tiny corpus holds the hot key.
        let s = hotKeyPending ? streams.firstIndex { $0.tables.contains { $0.model.name == "Orders" } }! : streamWeights.pick(&rng)
        let stream = streams[s]
        // Decide which slots redeliver an earlier record; each sampled record is redelivered once.
        var duplicateSlots = [Bool](repeating: false, count: count)
        var available = states[s].reservoir.count
        var duplicates = 0
        for i in 0..<count where available > 0 && rng.chance(Self.duplicateRate) {
            duplicateSlots[i] = true
            available -= 1
            duplicates += 1
        }
        // Event times of the fresh records: a Poisson process on the stream's clock, then a few
        // local swaps, since records inside a log file are not sorted.
        var times: [Int] = []
        times.reserveCapacity(count - duplicates)
        var clock = states[s].clockMs
        for _ in 0..<(count - duplicates) {
            clock += Int(rng.exponential(mean: stream.meanGapMs))
            times.append(clock / 1000)
        }
        states[s].clockMs = clock
        for i in times.indices where rng.chance(0.08) {
            times.swapAt(i, min(times.count - 1, i + 1 + rng.below(6)))
        }
        var out = RecordWriter(capacity: count * 1_500 + 64)
        out.raw(#"{"Records":["#)
        var sampled: [[UInt8]] = []
        var next = 0
        for i in 0..<count {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            if duplicateSlots[i] {
                let pick = rng.below(states[s].reservoir.count)
                states[s].reservoir.swapAt(pick, states[s].reservoir.count - 1)
                out.raw(states[s].reservoir.removeLast())
            } else {
                let begin = out.bytes.count
                freshRecord(stream: stream, streamIndex: s, time: times[next], into: &out)
                next += 1
                if rng.chance(0.02) { sampled.append(Array(out.bytes[begin...])) }
            }
        }
        out.raw("]}")
        // Only records of finished files become duplicate candidates, so a duplicate always lands
        // in a later file than its original. The pool is capped, replacing at random once full.
        for record in sampled {
            if states[s].reservoir.count < 2_000 {
                states[s].reservoir.append(record)
            } else {
                states[s].reservoir[rng.below(2_000)] = record
            }
        }
        // The file name carries the delivery time: a few minutes after its newest record.
        let delivered = (times.max() ?? clock / 1000) + 60 + rng.below(300)
        let name = "\(stream.account)_CloudTrail_\(stream.region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: Alphabet.alphanumerics)).json.gz"
        let folder = "AWSLogs/\(stream.account)/CloudTrail/\(stream.region)/\(UTC.folder(delivered))"
        return RenderedFile(folder: folder, name: name, bytes: out.bytes, duplicates: duplicates)
    }

    mutating func freshRecord(stream: Stream, streamIndex: Int, time: Int, into out: inout RecordWriter) {
        if let table = states[streamIndex].pendingCreates.first {
            // The trail starts as the tables are created: these CreateTable events are the
            // corpus's only record of each table's key schema (DescribeTable responses are not logged).
            states[streamIndex].pendingCreates.removeFirst()
            createTable(stream: stream, table: stream.tables[table], time: time, into: &out)
        } else if hotKeyPending, let orders = stream.tables.firstIndex(where: { $0.model.name == "Orders" }) {
            hotKeyPending = false
            dataEvent(stream: stream, time: time, forced: (.getItem, orders, 0), into: &out)
        } else if rng.chance(Self.dataShare) {
            dataEvent(stream: stream, time: time, into: &out)
        } else {
            managementEvent(stream: stream, time: time, into: &out)
        }
    }
}

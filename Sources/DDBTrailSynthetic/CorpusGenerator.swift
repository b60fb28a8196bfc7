import DDBTrailCore
import Foundation

// Synthetic CloudTrail evidence: a large, reproducible corpus for benchmarks and the small
// scripted demo incident that ships with the tool.
//
// Records are written as JSON text by hand (not JSONSerialization/Codable): that keeps CloudTrail's
// field order, which reviewers and some parsers rely on, and is fast enough for a million records.
// Field names, order and value shapes follow shared/formats.md sections 1–2 and the AWS sample
// events in shared/samples/.

/// What `CorpusGenerator.writeCorpus` wrote.
public struct CorpusSummary: Sendable, Equatable {
    /// Log files written.
    public var files = 0
    /// Records written, duplicates included.
    public var records = 0
    /// Records that repeat an earlier record (same eventID) from an earlier file.
    public var duplicates = 0
    /// Size of the `.json.gz` files on disk.
    public var bytes = 0
    /// Size of the JSON before compression.
    public var uncompressedBytes = 0

    public init() {}
}

/// Deterministic generator of CloudTrail log files: the same seed always yields the same bytes.
public struct CorpusGenerator {
    private var engine: CorpusEngine

    public init(seed: UInt64) {
        engine = CorpusEngine(seed: seed)
    }

    /// Writes S3-delivered CloudTrail log files: gzip of `{"Records":[…]}` in the real key layout
    /// `<dir>/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz`.
    ///
    /// Every file holds `recordsPerFile` records (the last one possibly fewer). Each log stream
    /// (account + region) has its own clock, so time advances independently per stream; records
    /// inside a file are slightly out of order, and about 0.5% of records repeat a record from an
    /// earlier file of the same stream, as CloudTrail's at-least-once delivery does. The table
    /// `Orders` key `{"customerId":"C-1001","orderId":"O-77"}` is the hottest key and always
    /// appears, so benchmarks have a known item to look up. Calling again continues the history.
    public mutating func writeCorpus(to directory: String, records: Int, recordsPerFile: Int = 1000) throws -> CorpusSummary {
        precondition(records >= 0, "records must not be negative")
        precondition(recordsPerFile > 0, "recordsPerFile must be positive")
        var summary = CorpusSummary()
        var madeDirectories = Set<String>()
        var remaining = records
        // Rendering stays on this thread (it drives the one random stream, so the bytes depend only
        // on the seed); gzip, about four fifths of the work, runs on worker threads meanwhile. The
        // semaphore bounds the files in flight, and so the memory, to one per processor.
        let queue = DispatchQueue(label: "ddbtrail.corpus.gzip", attributes: .concurrent)
        let group = DispatchGroup()
        let inFlight = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))
        let outcomes = Outcomes()
        while remaining > 0 && !outcomes.hasFailed {
            let count = min(recordsPerFile, remaining)
            let file = engine.renderFile(records: count)
            remaining -= count
            summary.files += 1
            summary.records += count
            summary.duplicates += file.duplicates
            let folder = directory + "/" + file.folder
            if madeDirectories.insert(folder).inserted {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    group.wait()
                    throw GzipWriterError(path: folder, message: "cannot create directory: \(error.localizedDescription)")
                }
            }
            let index = summary.files
            inFlight.wait()
            queue.async(group: group) {
                defer { inFlight.signal() }
                outcomes.record(index, Result {
                    let writer = try GzipWriter(path: folder + "/" + file.name)
                    try writer.write(file.bytes)
                    try writer.close()
                    return (writer.compressedCount, writer.uncompressedCount)
                })
            }
        }
        group.wait()
        let (compressed, uncompressed) = try outcomes.totals()
        summary.bytes = compressed
        summary.uncompressedBytes = uncompressed
        return summary
    }

    /// Results of the gzip workers, collected under a lock.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var compressed = 0, uncompressed = 0
        private var failures: [(index: Int, error: Error)] = []

        var hasFailed: Bool { lock.withLock { !failures.isEmpty } }

        func record(_ index: Int, _ result: Result<(Int, Int), Error>) {
            lock.withLock {
                switch result {
                case .success(let (c, u)): compressed += c; uncompressed += u
                case .failure(let error): failures.append((index, error))
                }
            }
        }

        /// Byte totals, or the error of the earliest file that failed.
        func totals() throws -> (Int, Int) {
            try lock.withLock {
                if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
                return (compressed, uncompressed)
            }
        }
    }

    /// Writes the bundled demo incident into `directory` and returns the relative paths written:
    /// the CloudTrail log files (uncompressed, named like real log files but ending `.json`), one
    /// digest file listing them, and `lookup-events.json` (an `aws cloudtrail lookup-events` dump
    /// of the incident's management events, which repeats records from the log files).
    public static func writeDemoIncident(to directory: String) throws -> [String] {
        var written: [String] = []
        var files = DemoIncidentScript.files().map { (path: $0.path, bytes: $0.bytes) }
        files.append(DemoStream.file(from: DemoIncidentScript.render()))
        for file in files {
            let path = directory + "/" + file.path
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            } catch {
                throw GzipWriterError(path: path, message: "cannot write demo file: \(error.localizedDescription)")
            }
            written.append(file.path)
        }
        return written
    }
}

// Everything below is an implementation detail, nested in CorpusGenerator so that its names
// (Principal, Resources, …) cannot clash with the importer's types in this module.
extension CorpusGenerator {
    // MARK: - Random numbers

    /// SplitMix64 (Steele, Lea and Flood): small, fast and fully determined by its seed on every
    /// platform. The standard library's generators and `random(in:using:)` algorithms are not used,
    /// since their output is not promised to stay the same across Swift versions.
    struct SplitMix64 {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in `0..<n` by multiply-shift; the bias (below 2^-40 for our n) does not matter here.
        mutating func below(_ n: Int) -> Int {
            Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
        }

        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

        mutating func chance(_ probability: Double) -> Bool { unit() < probability }

        /// An index in `0..<n` skewed toward 0: with u uniform, ⌊n·u³⌋ gives index 0 a share of
        /// n^(-1/3) (about 1.7% of picks for 200,000 items) and a long cold tail — the hot-key pattern.
        mutating func skewed(_ n: Int) -> Int {
            let u = unit()
            return min(n - 1, Int(Double(n) * u * u * u))
        }

        /// Exponential gap with the given mean: arrivals of a Poisson process.
        mutating func exponential(mean: Double) -> Double { -log(1 - unit()) * mean }

        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

        mutating func characters(_ count: Int, from alphabet: StaticString) -> String {
            let letters = alphabet.utf8Start
            let size = alphabet.utf8CodeUnitCount
            return String(unsafeUninitializedCapacity: count) { buffer in
                for i in 0..<count { buffer[i] = letters[below(size)] }
                return count
            }
        }

        /// A random (version 4) UUID in lower case, the form of `eventID`.
        mutating func uuid() -> String {
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            let high = next(), low = next()
            return String(unsafeUninitializedCapacity: 36) { buffer in
                var n = 0
                for i in 0..<32 {
                    var nibble = Int(((i < 16 ? high : low) >> (UInt64(15 - i % 16) * 4)) & 0xF)
                    if i == 12 { nibble = 4 }                  // version 4
                    if i == 16 { nibble = 8 | (nibble & 3) }   // RFC 4122 variant
                    if i == 8 || i == 12 || i == 16 || i == 20 { buffer[n] = UInt8(ascii: "-"); n += 1 }
                    buffer[n] = digits[nibble]
                    n += 1
                }
                return n
            }
        }

        /// DynamoDB's request id: 52 upper-case alphanumerics.
        mutating func dynamoRequestID() -> String { characters(52, from: upperAlphanumerics) }
    }

    static let upperAlphanumerics: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    static let alphanumerics: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    /// IAM key and unique-id suffixes use the base32 alphabet.
    static let base32: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

    /// A value picked with relative weights.
    struct Weighted<Value: Sendable>: Sendable {
        private let values: [Value]
        private let cumulative: [Double]

        init(_ pairs: [(Value, Double)]) {
            values = pairs.map(\.0)
            var sum = 0.0
            cumulative = pairs.map { sum += $0.1; return sum }
        }

        func pick(_ rng: inout SplitMix64) -> Value {
            let target = rng.unit() * cumulative[cumulative.count - 1]
            var i = 0
            while i < cumulative.count - 1 && cumulative[i] <= target { i += 1 }
            return values[i]
        }
    }

    // MARK: - JSON text

    /// A byte buffer for writing JSON by hand. `raw` appends trusted JSON fragments as they are;
    /// `string` and `escaped` apply JSON string escaping.
    struct JSONText {
        var bytes: [UInt8] = []

        init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

        mutating func byte(_ value: UInt8) { bytes.append(value) }

        /// A quoted, escaped JSON string.
        mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            escaped(text)
            bytes.append(UInt8(ascii: "\""))
        }

        /// The JSON-escaped content of a string, without quotes.
        mutating func escaped(_ text: String) {
            escaped(text.utf8)
        }

        mutating func escaped<S: Sequence>(_ utf8: S) where S.Element == UInt8 {
            for b in utf8 {
                switch b {
                case UInt8(ascii: "\""): raw(#"\""#)
                case UInt8(ascii: "\\"): raw(#"\\"#)
                case UInt8(ascii: "\n"): raw(#"\n"#)
                case UInt8(ascii: "\r"): raw(#"\r"#)
                case UInt8(ascii: "\t"): raw(#"\t"#)
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    raw(#"\u00"#)
                    bytes.append(hex.utf8Start[Int(b >> 4)])
                    bytes.append(hex.utf8Start[Int(b & 0xF)])
                default: bytes.append(b)
                }
            }
        }

        mutating func int(_ value: Int) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            padded(Int(value.magnitude), width: 1)
        }

        /// A non-negative number, zero-padded to `width` digits.
        mutating func padded(_ value: Int, width: Int) {
            var digits = 1, limit = 10
            while value >= limit && digits < 18 { digits += 1; limit *= 10 }
            digits = max(digits, width)
            let end = bytes.count + digits
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
            var v = value, i = end - 1
            while v > 0 { bytes[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; i -= 1 }
        }

        /// `YYYY-MM-DDTHH:MM:SSZ` (unquoted), CloudTrail's eventTime format.
        mutating func isoTime(_ time: Int) {
            let c = UTC.components(time)
            padded(c.year, width: 4); byte(UInt8(ascii: "-"))
            padded(c.month, width: 2); byte(UInt8(ascii: "-"))
            padded(c.day, width: 2); byte(UInt8(ascii: "T"))
            padded(c.hour, width: 2); byte(UInt8(ascii: ":"))
            padded(c.minute, width: 2); byte(UInt8(ascii: ":"))
            padded(c.second, width: 2); byte(UInt8(ascii: "Z"))
        }

        /// Java's `MMM d, yyyy, h:mm:ss a` (unquoted), the style of dates inside responseElements.
        mutating func javaTime(_ time: Int) {
            let c = UTC.components(time)
            raw(UTC.monthNames[c.month - 1]); byte(UInt8(ascii: " "))
            int(c.day); raw(", "); int(c.year); raw(", ")
            int(c.hour % 12 == 0 ? 12 : c.hour % 12); byte(UInt8(ascii: ":"))
            padded(c.minute, width: 2); byte(UInt8(ascii: ":"))
            padded(c.second, width: 2)
            raw(c.hour < 12 ? " AM" : " PM")
        }
    }

    // MARK: - Time

    /// Conversions between Unix seconds and civil UTC dates (proleptic Gregorian, after
    /// H. Hinnant's days-from-civil algorithms), so no DateFormatter or time zone is involved.
    enum UTC {
        static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

        static func seconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int {
            Int(Timestamp.days(fromCivil: Int64(year), month, day)) * 86_400 + hour * 3_600 + minute * 60 + second
        }

        static func components(_ time: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            let days = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
            let secondOfDay = time - days * 86_400
            let (year, month, day) = Timestamp.civil(fromDays: Int64(days))
            return (Int(year), month, day, secondOfDay / 3_600, secondOfDay % 3_600 / 60, secondOfDay % 60)
        }

        /// `YYYY/MM/DD`, the date folders of the S3 key layout.
        static func folder(_ time: Int) -> String {
            var text = JSONText(capacity: 10)
            let c = components(time)
            text.padded(c.year, width: 4); text.byte(UInt8(ascii: "/"))
            text.padded(c.month, width: 2); text.byte(UInt8(ascii: "/"))
            text.padded(c.day, width: 2)
            return String(decoding: text.bytes, as: UTF8.self)
        }

        /// `YYYYMMDDTHHmmZ` (log file names) or `YYYYMMDDTHHmmssZ` (digest file names).
        static func compact(_ time: Int, seconds withSeconds: Bool) -> String {
            var text = JSONText(capacity: 16)
            let c = components(time)
            text.padded(c.year, width: 4); text.padded(c.month, width: 2); text.padded(c.day, width: 2)
            text.byte(UInt8(ascii: "T"))
            text.padded(c.hour, width: 2); text.padded(c.minute, width: 2)
            if withSeconds { text.padded(c.second, width: 2) }
            text.byte(UInt8(ascii: "Z"))
            return String(decoding: text.bytes, as: UTF8.self)
        }

        static func iso(_ time: Int) -> String {
            var text = JSONText(capacity: 20)
            text.isoTime(time)
            return String(decoding: text.bytes, as: UTF8.self)
        }
    }

    // MARK: - Principals

    /// TLS parameters a client negotiates, rendered as `tlsDetails`.
    struct TLSProfile: Sendable {
        var version: String
        var cipherSuite: String
        /// Only written on eventVersion 1.11 records, where CloudTrail added `keyExchange`.
        var keyExchange: String?

        static let modern = TLSProfile(version: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", keyExchange: "X25519MLKEM768")
        static let tls13 = TLSProfile(version: "TLSv1.3", cipherSuite: "TLS_AES_256_GCM_SHA384", keyExchange: "x25519")
        static let tls12 = TLSProfile(version: "TLSv1.2", cipherSuite: "ECDHE-RSA-AES128-GCM-SHA256", keyExchange: nil)
    }

    /// Who made a call: the `userIdentity` object plus the client details that go with it.
    final class Principal: Sendable {
        enum Kind: Sendable { case iamUser, assumedRole, awsService }

        let kind: Kind
        let account: String
        /// Empty for AWS services.
        let arn: String
        /// `AKIA…` (IAM user) or `ASIA…` (role session); empty for AWS services.
        let accessKeyId: String
        /// The user or session name, as lookup-events shows it in `Username`.
        let displayName: String
        let sourceIP: String
        let userAgent: String
        /// The AWS CLI appends the command to its user agent; such principals get it per event.
        let isCLI: Bool
        let tls: TLSProfile?
        let vpcEndpointId: String?
        /// Some SDK configurations pass the table ARN where a table name is expected.
        let usesTableARN: Bool
        // Role sessions only.
        let roleName: String
        let roleArn: String
        let roleId: String
        let sessionName: String
        /// The service that assumes the role for this session (`lambda.amazonaws.com`), if any.
        let launchedBy: String?
        /// Credentials are refreshed hourly at this many seconds past the hour (the creationDate)…
        let refreshOffset: Int
        /// …unless the session has one fixed start.
        let sessionStart: Int?
        // The userIdentity JSON around the session's creationDate (which changes with time).
        private let identityHead: [UInt8]
        private let identityTail: [UInt8]

        init(kind: Kind, account: String, arn: String = "", accessKeyId: String = "", displayName: String,
             sourceIP: String, userAgent: String, isCLI: Bool = false, tls: TLSProfile?, vpcEndpointId: String? = nil,
             usesTableARN: Bool = false, principalId: String = "", roleName: String = "", roleId: String = "",
             sessionName: String = "", launchedBy: String? = nil, refreshOffset: Int = 0, sessionStart: Int? = nil, extraContext: String = "",
             inScopeOf: String? = nil) {
            self.kind = kind
            self.account = account
            self.arn = arn
            self.accessKeyId = accessKeyId
            self.displayName = displayName
            self.sourceIP = sourceIP
            self.userAgent = userAgent
            self.isCLI = isCLI
            self.tls = tls
            self.vpcEndpointId = vpcEndpointId
            self.usesTableARN = usesTableARN
            self.roleName = roleName
            self.roleArn = roleName.isEmpty ? "" : "arn:aws:iam::\(account):role/\(roleName)"
            self.roleId = roleId
            self.sessionName = sessionName
            self.launchedBy = launchedBy
            self.refreshOffset = refreshOffset
            self.sessionStart = sessionStart
            var head = JSONText(), tail = JSONText()
            switch kind {
            case .iamUser:
                head.raw(#"{"type":"IAMUser","principalId":"#); head.string(principalId)
                head.raw(#","arn":"#); head.string(arn)
                head.raw(#","accountId":"#); head.string(account)
                head.raw(#","accessKeyId":"#); head.string(accessKeyId)
                head.raw(#","userName":"#); head.string(displayName)
                head.raw("}")
            case .assumedRole:
                head.raw(#"{"type":"AssumedRole","principalId":"#); head.string(roleId + ":" + sessionName)
                head.raw(#","arn":"#); head.string(arn)
                head.raw(#","accountId":"#); head.string(account)
                head.raw(#","accessKeyId":"#); head.string(accessKeyId)
                head.raw(#","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"#); head.string(roleId)
                head.raw(#","arn":"#); head.string(roleArn)
                head.raw(#","accountId":"#); head.string(account)
                head.raw(#","userName":"#); head.string(roleName)
                head.raw(#"},"webIdFederationData":{},"attributes":{"creationDate":""#)
                tail.raw(#"","mfaAuthenticated":"false"}"#)
                tail.raw(extraContext)
                tail.raw("}")
                if let inScopeOf { tail.raw(#","inScopeOf":"#); tail.raw(inScopeOf) }
                tail.raw("}")
            case .awsService:
                head.raw(#"{"type":"AWSService","invokedBy":"#); head.string(displayName)
                head.raw("}")
            }
            identityHead = head.bytes
            identityTail = tail.bytes
        }

        /// An AWS service acting on the account's behalf (`userIdentity.invokedBy`).
        static func service(_ name: String, account: String) -> Principal {
            Principal(kind: .awsService, account: account, displayName: name, sourceIP: name, userAgent: name, tls: nil)
        }

        /// When the session's current credentials were issued: the latest hourly refresh at or before `time`.
        func sessionCreated(before time: Int) -> Int {
            if let sessionStart { return sessionStart }
            return time - ((time - refreshOffset) % 3_600 + 3_600) % 3_600
        }

        func appendIdentity(to out: inout JSONText, at time: Int) {
            out.raw(identityHead)
            if kind == .assumedRole {
                out.isoTime(sessionCreated(before: time))
                out.raw(identityTail)
            }
        }
    }

    // MARK: - Records

    /// An API failure as CloudTrail records it.
    struct APIError: Sendable {
        var code: String
        var message: String
    }

    /// The `resources` array of a record.
    enum Resources: Sendable {
        case none
        case one([UInt8])
        case many([[UInt8]])
    }

    // MARK: - Tables

    /// One key attribute and how index numbers map to its values.
    struct KeyAttribute: Sendable {
        var name: String
        /// String attributes are `prefix` + number; nil means a number (N) attribute, which
        /// CloudTrail's untyped key rendering shows as a JSON number.
        var prefix: String?
        var base: Int
        /// Values cycle with this period (0: every index has its own value).
        var modulus = 0
        /// Zero-padding of the numeric part of string values.
        var width = 1

        func number(_ index: Int) -> Int { base + (modulus > 0 ? index % modulus : index) }

        func appendJSON(_ index: Int, to out: inout JSONText) {
            if let prefix {
                out.byte(UInt8(ascii: "\"")); out.raw(prefix); out.padded(number(index), width: width); out.byte(UInt8(ascii: "\""))
            } else {
                out.int(number(index))
            }
        }

        /// The literal as PartiQL writes it: 'C-1001' or 42.
        func appendPartiQL(_ index: Int, to out: inout JSONText) {
            if let prefix {
                out.byte(UInt8(ascii: "'")); out.raw(prefix); out.padded(number(index), width: width); out.byte(UInt8(ascii: "'"))
            } else {
                out.int(number(index))
            }
        }
    }

    struct TableModel: Sendable {
        var name: String
        var hashKey: KeyAttribute
        var rangeKey: KeyAttribute?
        /// Size of the key pool; index 0 is the hottest item.
        var items: Int
        /// Share of the stream's data events.
        var weight: Double
        /// Non-key attribute names (their values are never logged).
        var attributes: [String]
        var index: String?
        /// Tables with a stream list an `AWS::DynamoDB::Stream` resource too.
        var streamLabel: String?
    }

    /// A table deployed in one account and region, with its pre-rendered JSON pieces.
    final class DeployedTable: Sendable {
        let model: TableModel
        let account: String
        let region: String
        let arn: String
        let tableId: String
        let resources: Resources
        let nameJSON: [UInt8]
        let arnJSON: [UInt8]

        init(model: TableModel, account: String, region: String, tableId: String) {
            self.model = model
            self.account = account
            self.region = region
            arn = "arn:aws:dynamodb:\(region):\(account):table/\(model.name)"
            self.tableId = tableId
            var entry = JSONText()
            entry.raw(#"{"accountId":"#); entry.string(account)
            entry.raw(#","type":"AWS::DynamoDB::Table","ARN":"#); entry.string(arn); entry.raw("}")
            if let label = model.streamLabel {
                var stream = JSONText()
                stream.raw(#"{"accountId":"#); stream.string(account)
                stream.raw(#","type":"AWS::DynamoDB::Stream","ARN":"#); stream.string(arn + "/stream/" + label); stream.raw("}")
                resources = .many([entry.bytes, stream.bytes])
            } else {
                resources = .one(entry.bytes)
            }
            var name = JSONText(), arnText = JSONText()
            name.string(model.name)
            arnText.string(arn)
            nameJSON = name.bytes
            arnJSON = arnText.bytes
        }

        func appendKey(_ index: Int, to out: inout JSONText) {
            out.raw(#"{""#); out.raw(model.hashKey.name); out.raw(#"":"#)
            model.hashKey.appendJSON(index, to: &out)
            if let range = model.rangeKey {
                out.raw(#",""#); out.raw(range.name); out.raw(#"":"#)
                range.appendJSON(index, to: &out)
            }
            out.byte(UInt8(ascii: "}"))
        }

        /// `WHERE pk = 'v' AND sk = 'w'` for PartiQL statements (inside a JSON string).
        func appendWhere(_ index: Int, to out: inout JSONText) {
            out.raw(" WHERE "); out.raw(model.hashKey.name); out.raw(" = ")
            model.hashKey.appendPartiQL(index, to: &out)
            if let range = model.rangeKey {
                out.raw(" AND "); out.raw(range.name); out.raw(" = ")
                range.appendPartiQL(index, to: &out)
            }
        }

        /// keySchema and attributeDefinitions members, as CreateTable/UpdateTable show them.
        func appendSchema(to out: inout JSONText) {
            out.raw(#""attributeDefinitions":["#)
            for (i, key) in [model.hashKey, model.rangeKey].compactMap({ $0 }).enumerated() {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw(#"{"attributeName":"#); out.string(key.name)
                out.raw(key.prefix == nil ? #","attributeType":"N"}"# : #","attributeType":"S"}"#)
            }
            out.raw(#"],"keySchema":[{"attributeName":"#); out.string(model.hashKey.name); out.raw(#","keyType":"HASH"}"#)
            if let range = model.rangeKey {
                out.raw(#",{"attributeName":"#); out.string(range.name); out.raw(#","keyType":"RANGE"}"#)
            }
            out.byte(UInt8(ascii: "]"))
        }
    }

    // MARK: - The corpus

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
            var out = JSONText(capacity: count * 1_500 + 64)
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
            let name = "\(stream.account)_CloudTrail_\(stream.region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: alphanumerics)).json.gz"
            let folder = "AWSLogs/\(stream.account)/CloudTrail/\(stream.region)/\(UTC.folder(delivered))"
            return RenderedFile(folder: folder, name: name, bytes: out.bytes, duplicates: duplicates)
        }

        mutating func freshRecord(stream: Stream, streamIndex: Int, time: Int, into out: inout JSONText) {
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

        // MARK: Data events

        enum DataOperation: String, Sendable {
            case getItem = "GetItem", putItem = "PutItem", updateItem = "UpdateItem", deleteItem = "DeleteItem"
            case query = "Query", scan = "Scan", batchGetItem = "BatchGetItem", batchWriteItem = "BatchWriteItem"
            case transactWriteItems = "TransactWriteItems", transactGetItems = "TransactGetItems"
            case executeStatement = "ExecuteStatement"

            var readOnly: Bool {
                switch self {
                case .getItem, .query, .scan, .batchGetItem, .transactGetItems: true
                // AWS's ExecuteStatement example shows readOnly false even for a SELECT.
                default: false
                }
            }
        }

        static let dataOperations = Weighted<DataOperation>([
            (.getItem, 30), (.query, 18), (.putItem, 12), (.updateItem, 12), (.deleteItem, 3), (.scan, 2),
            (.batchGetItem, 6), (.batchWriteItem, 4), (.transactWriteItems, 4), (.transactGetItems, 2),
            (.executeStatement, 7),
        ])

        mutating func dataEvent(stream: Stream, time: Int, forced: (DataOperation, Int, Int)? = nil, into out: inout JSONText) {
            var principal = stream.principals.dataCaller(&rng)
        // The guaranteed hot-key read names the table plainly (some callers use its ARN).
        while forced != nil && principal.usesTableARN { principal = stream.principals.dataCaller(&rng) }
            let operation = forced?.0 ?? Self.dataOperations.pick(&rng)
            let table = stream.tables[forced?.1 ?? stream.tableWeights.pick(&rng)]
            let keyIndex = forced?.2 ?? rng.skewed(table.model.items)

            var error: APIError?
            var conditional = rng.chance(0.15)
            if forced == nil && rng.chance(Self.errorRate) {
                switch (operation, rng.below(2)) {
                case (.putItem, 0), (.updateItem, 0), (.deleteItem, 0):
                    conditional = true
                    error = APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")
                case (.transactWriteItems, 0):
                    error = APIError(code: "TransactionCanceledException",
                                     message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
                default:
                    error = capacityOrAccessError(operation.rawValue, principal: principal, resource: table.arn)
                }
            }

            out.beginRecord(version: "1.09", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                            name: operation.rawValue, region: stream.region, error: error)
            var resources = table.resources
            switch operation {
            case .getItem:
                tableAndKey(table, keyIndex, principal, &out)
                if rng.chance(0.3) { out.raw(#","consistentRead":true"#) }
                if rng.chance(0.25) { projection(table, &out) }
                out.byte(UInt8(ascii: "}"))
            case .putItem:
                tableAndKey(table, keyIndex, principal, &out)
                out.raw(#","item":["#)
                attributeNames(table, all: true, &out)
                out.byte(UInt8(ascii: "]"))
                if conditional {
                    out.raw(##","conditionExpression":"attribute_not_exists(#k)","expressionAttributeNames":{"#k":"##)
                    out.string((table.model.rangeKey ?? table.model.hashKey).name)
                    out.byte(UInt8(ascii: "}"))
                }
                if rng.chance(0.3) { out.raw(#","returnConsumedCapacity":"TOTAL""#) }
                out.byte(UInt8(ascii: "}"))
            case .updateItem:
                tableAndKey(table, keyIndex, principal, &out)
                updateExpression(table, conditional: conditional, &out)
                if rng.chance(0.4) { out.raw(#","returnValues":"ALL_NEW""#) }
                out.byte(UInt8(ascii: "}"))
            case .deleteItem:
                tableAndKey(table, keyIndex, principal, &out)
                if conditional { out.raw(#","conditionExpression":"attribute_exists(status)""#) }
                if rng.chance(0.2) { out.raw(#","returnValues":"ALL_OLD""#) }
                out.byte(UInt8(ascii: "}"))
            case .query:
                out.raw(#"{"tableName":"#); tableName(table, principal, &out)
                let byIndex = table.model.index != nil && rng.chance(0.3)
                if byIndex, let index = table.model.index { out.raw(#","indexName":"#); out.string(index) }
                out.raw(##","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"##)
                out.string(byIndex ? table.model.attributes[0] : table.model.hashKey.name)
                out.byte(UInt8(ascii: "}"))
                if rng.chance(0.5) { out.raw(#","limit":"#); out.int([10, 25, 50, 100][rng.below(4)]) }
                if rng.chance(0.3) { out.raw(#","scanIndexForward":false"#) }
                out.byte(UInt8(ascii: "}"))
            case .scan:
                out.raw(#"{"tableName":"#); tableName(table, principal, &out)
                if rng.chance(0.4) {
                    let segments = [4, 8, 16][rng.below(3)]
                    out.raw(#","segment":"#); out.int(rng.below(segments))
                    out.raw(#","totalSegments":"#); out.int(segments)
                }
                if rng.chance(0.5) { out.raw(#","limit":1000"#) }
                out.byte(UInt8(ascii: "}"))
            case .batchGetItem, .batchWriteItem:
                // requestItems is a map keyed by table name (or ARN) whose values hold per-item keys.
                let tables = batchTables(stream, first: table)
                resources = combined(tables)
                out.raw(#"{"requestItems":{"#)
                for (t, other) in tables.enumerated() {
                    if t > 0 { out.byte(UInt8(ascii: ",")) }
                    tableName(other, principal, &out)
                    let count = 1 + rng.below(operation == .batchGetItem ? 10 : 8)
                    if operation == .batchGetItem {
                        out.raw(#":{"keys":["#)
                        for i in 0..<count {
                            if i > 0 { out.byte(UInt8(ascii: ",")) }
                            other.appendKey(t == 0 && i == 0 ? keyIndex : rng.skewed(other.model.items), to: &out)
                        }
                        out.byte(UInt8(ascii: "]"))
                        if rng.chance(0.2) { out.raw(#","consistentRead":true"#) }
                        out.byte(UInt8(ascii: "}"))
                    } else {
                        out.raw(":[")
                        for i in 0..<count {
                            if i > 0 { out.byte(UInt8(ascii: ",")) }
                            let key = t == 0 && i == 0 ? keyIndex : rng.skewed(other.model.items)
                            if rng.chance(0.75) {
                                out.raw(#"{"putRequest":{"key":"#); other.appendKey(key, to: &out)
                                out.raw(#","item":["#); attributeNames(other, all: true, &out); out.raw("]}}")
                            } else {
                                out.raw(#"{"deleteRequest":{"key":"#); other.appendKey(key, to: &out); out.raw("}}")
                            }
                        }
                        out.byte(UInt8(ascii: "]"))
                    }
                }
                out.byte(UInt8(ascii: "}"))
                if rng.chance(0.3) { out.raw(#","returnConsumedCapacity":"TOTAL""#) }
                out.byte(UInt8(ascii: "}"))
            case .transactWriteItems, .transactGetItems:
                // requestItems is a flat array, one object per action naming its table and key.
                let tables = batchTables(stream, first: table)
                resources = combined(tables)
                let count = 2 + rng.below(4)
                out.raw(#"{"requestItems":["#)
                for i in 0..<count {
                    if i > 0 { out.byte(UInt8(ascii: ",")) }
                    let target = i == 0 ? table : tables[rng.below(tables.count)]
                    let key = i == 0 ? keyIndex : rng.skewed(target.model.items)
                    if operation == .transactGetItems {
                        out.raw(#"{"operation":"Get","tableName":"#); tableName(target, principal, &out)
                        out.raw(#","key":"#); target.appendKey(key, to: &out)
                        out.byte(UInt8(ascii: "}"))
                        continue
                    }
                    let action = ["Put", "Update", "Update", "Delete", "ConditionCheck"][rng.below(5)]
                    out.raw(#"{"operation":"#); out.string(action)
                    out.raw(#","tableName":"#); tableName(target, principal, &out)
                    out.raw(#","key":"#); target.appendKey(key, to: &out)
                    switch action {
                    case "Put":
                        out.raw(#","items":["#); attributeNames(target, all: true, &out); out.byte(UInt8(ascii: "]"))
                    case "Update":
                        updateExpression(target, conditional: false, &out)
                    case "Delete":
                        out.raw(#","conditionExpression":"attribute_exists(status)""#)
                    default:
                        out.raw(##","conditionExpression":"#v = :v","expressionAttributeNames":{"#v":"##)
                        out.string(target.model.attributes[0]); out.byte(UInt8(ascii: "}"))
                    }
                    out.raw(#","returnValuesOnConditionCheckFailure":"ALL_OLD"}"#)
                }
                out.byte(UInt8(ascii: "]"))
                if operation == .transactWriteItems && rng.chance(0.5) {
                    out.raw(#","returnConsumedCapacity":"TOTAL","returnItemCollectionMetrics":"SIZE""#)
                }
                out.byte(UInt8(ascii: "}"))
            case .executeStatement:
                // PartiQL: key literals stay in clear in WHERE; every other literal is redacted.
                out.raw(#"{"statement":""#)
                let quoted = rng.chance(0.5)
                func from() {
                    if quoted { out.raw(#"\""#); out.raw(table.model.name); out.raw(#"\""#) } else { out.raw(table.model.name) }
                }
                switch rng.below(20) {
                case 0..<10:
                    out.raw("SELECT * FROM "); from(); table.appendWhere(keyIndex, to: &out)
                    if rng.chance(0.2) { out.raw(" AND "); out.raw(table.model.attributes[0]); out.raw(" = ***(Redacted)") }
                case 10..<15:
                    out.raw("UPDATE "); from(); out.raw(" SET "); out.raw(table.model.attributes[0])
                    out.raw(" = ***(Redacted)"); table.appendWhere(keyIndex, to: &out)
                case 15..<18:
                    out.raw("DELETE FROM "); from(); table.appendWhere(keyIndex, to: &out)
                default:
                    // INSERT redacts even the key values, so such events name no item.
                    out.raw("INSERT INTO "); from(); out.raw(" VALUE {'"); out.raw(table.model.hashKey.name)
                    out.raw("' : ***(Redacted)")
                    if let range = table.model.rangeKey { out.raw(", '"); out.raw(range.name); out.raw("' : ***(Redacted)") }
                    out.raw(", '"); out.raw(table.model.attributes[0]); out.raw("' : ***(Redacted)}")
                }
                out.raw(#""}"#)
            }
            out.beginResponseElements()
            out.raw("null")
            out.endRecord(version: "1.09", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                          readOnly: operation.readOnly, resources: resources, apiVersion: "2012-08-10", management: false,
                          recipient: stream.account, tlsHost: stream.dynamoHost, vpcEndpointId: principal.vpcEndpointId)
        }

        private mutating func capacityOrAccessError(_ action: String, principal: Principal, resource: String) -> APIError {
            switch rng.below(10) {
            case 0..<3:
                return APIError(code: "AccessDeniedException",
                                message: "User: \(principal.arn) is not authorized to perform: dynamodb:\(action) on resource: \(resource) because no identity-based policy allows the dynamodb:\(action) action")
            case 3..<7:
                return APIError(code: "ProvisionedThroughputExceededException",
                                message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
            default:
                return APIError(code: "ThrottlingException",
                                message: "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.")
            }
        }

        private func tableName(_ table: DeployedTable, _ principal: Principal, _ out: inout JSONText) {
            out.raw(principal.usesTableARN ? table.arnJSON : table.nameJSON)
        }

        private func tableAndKey(_ table: DeployedTable, _ key: Int, _ principal: Principal, _ out: inout JSONText) {
            out.raw(#"{"tableName":"#); tableName(table, principal, &out)
            out.raw(#","key":"#); table.appendKey(key, to: &out)
        }

        /// Key attribute names, then (when `all`) a leading run of the other attributes.
        private mutating func attributeNames(_ table: DeployedTable, all: Bool, _ out: inout JSONText) {
            out.string(table.model.hashKey.name)
            if let range = table.model.rangeKey { out.byte(UInt8(ascii: ",")); out.string(range.name) }
            let count = all ? 1 + rng.below(table.model.attributes.count) : 0
            for name in table.model.attributes.prefix(count) { out.byte(UInt8(ascii: ",")); out.string(name) }
        }

        private mutating func projection(_ table: DeployedTable, _ out: inout JSONText) {
            let attributes = table.model.attributes
            let first = rng.below(attributes.count), second = (first + 1) % attributes.count
            out.raw(##","projectionExpression":"#p0, #p1","expressionAttributeNames":{"#p0":"##)
            out.string(attributes[first]); out.raw(##","#p1":"##); out.string(attributes[second]); out.byte(UInt8(ascii: "}"))
        }

        private mutating func updateExpression(_ table: DeployedTable, conditional: Bool, _ out: inout JSONText) {
            let attributes = table.model.attributes
            let count = 1 + rng.below(min(3, attributes.count))
            let first = rng.below(attributes.count)
            out.raw(#","updateExpression":"SET "#)
            for i in 0..<count {
                if i > 0 { out.raw(", ") }
                out.raw("#a"); out.int(i); out.raw(" = :v"); out.int(i)
            }
            out.byte(UInt8(ascii: "\""))
            if conditional { out.raw(#","conditionExpression":"attribute_exists("#); out.raw(table.model.hashKey.name); out.raw(#")""#) }
            out.raw(#","expressionAttributeNames":{"#)
            for i in 0..<count {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw(##""#a"##); out.int(i); out.raw(#"":"#); out.string(attributes[(first + i) % attributes.count])
            }
            out.byte(UInt8(ascii: "}"))
        }

        private mutating func batchTables(_ stream: Stream, first: DeployedTable) -> [DeployedTable] {
            guard stream.tables.count > 1, rng.chance(0.25) else { return [first] }
            let other = stream.tables[stream.tableWeights.pick(&rng)]
            return other === first ? [first] : [first, other]
        }

        private func combined(_ tables: [DeployedTable]) -> Resources {
            if tables.count == 1 { return tables[0].resources }
            return .many(tables.flatMap { table -> [[UInt8]] in
                switch table.resources {
                case .none: []
                case .one(let entry): [entry]
                case .many(let entries): entries
                }
            })
        }

        // MARK: Management events

        enum ManagementKind: Sendable {
            case describeTable, listTables, describeContinuousBackups, describeTimeToLive, listTagsOfResource
            case updateTable, updateContinuousBackups, assumeRole, getCallerIdentity, iam, ec2, s3
        }

        static let managementKinds = Weighted<ManagementKind>([
            (.describeTable, 22), (.listTables, 6), (.describeContinuousBackups, 3), (.describeTimeToLive, 3),
            (.listTagsOfResource, 3), (.updateTable, 1), (.updateContinuousBackups, 0.5), (.assumeRole, 25),
            (.getCallerIdentity, 5), (.iam, 8), (.ec2, 14), (.s3, 8),
        ])

        mutating func managementEvent(stream: Stream, time: Int, into out: inout JSONText) {
            var kind = Self.managementKinds.pick(&rng)
            // IAM is a global service: its events are delivered with the us-east-1 logs.
            if kind == .iam && stream.region != "us-east-1" { kind = .ec2 }
            switch kind {
            case .describeTable, .describeContinuousBackups, .describeTimeToLive, .listTagsOfResource, .listTables,
                 .updateTable, .updateContinuousBackups:
                dynamoManagement(kind, stream: stream, time: time, into: &out)
            case .assumeRole:
                assumeRole(stream: stream, time: time, into: &out)
            case .getCallerIdentity:
                let principal = stream.principals.managementCaller(&rng)
                out.beginRecord(version: "1.08", identity: principal, time: time, source: "sts.amazonaws.com",
                                name: "GetCallerIdentity", region: stream.region)
                out.raw("null")
                out.beginResponseElements(); out.raw("null")
                out.endRecord(version: "1.08", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                              resources: .none, apiVersion: nil, management: true, recipient: stream.account, tlsHost: stream.stsHost)
            case .iam:
                iamEvent(stream: stream, time: time, into: &out)
            case .ec2:
                ec2Event(stream: stream, time: time, into: &out)
            case .s3:
                s3Event(stream: stream, time: time, into: &out)
            }
        }

        private mutating func dynamoManagement(_ kind: ManagementKind, stream: Stream, time: Int, into out: inout JSONText) {
            let writes = kind == .updateTable || kind == .updateContinuousBackups
            let principal = writes ? stream.principals.adminCaller(&rng) : stream.principals.managementCaller(&rng)
            let table = stream.tables[stream.tableWeights.pick(&rng)]
            let name: String
            switch kind {
            case .describeTable: name = "DescribeTable"
            case .listTables: name = "ListTables"
            case .describeContinuousBackups: name = "DescribeContinuousBackups"
            case .describeTimeToLive: name = "DescribeTimeToLive"
            case .listTagsOfResource: name = "ListTagsOfResource"
            case .updateTable: name = "UpdateTable"
            default: name = "UpdateContinuousBackups"
            }
            let error = rng.chance(Self.errorRate)
                ? APIError(code: "AccessDeniedException",
                           message: "User: \(principal.arn) is not authorized to perform: dynamodb:\(name) on resource: \(table.arn) because no identity-based policy allows the dynamodb:\(name) action")
                : nil
            out.beginRecord(version: "1.11", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                            name: name, region: stream.region, error: error)
            var enablePITR = true
            switch kind {
            case .listTables:
                if rng.chance(0.2) { out.raw(#"{"limit":100}"#) } else { out.raw("null") }
            case .listTagsOfResource:
                out.raw(#"{"resourceArn":"#); out.raw(table.arnJSON); out.byte(UInt8(ascii: "}"))
            case .updateTable:
                out.raw(#"{"tableName":"#); out.raw(table.nameJSON)
                out.raw(#","provisionedThroughput":{"readCapacityUnits":"#); out.int(50 * (1 + rng.below(20)))
                out.raw(#","writeCapacityUnits":"#); out.int(25 * (1 + rng.below(20))); out.raw("}}")
            case .updateContinuousBackups:
                // Mostly enabling point-in-time recovery; rarely switching it off, as an attacker would.
                enablePITR = !rng.chance(0.1)
                out.raw(#"{"tableName":"#); out.raw(table.nameJSON)
                out.raw(enablePITR ? #","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":true}}"#
                                   : #","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"#)
            default:
                out.raw(#"{"tableName":"#); out.raw(table.nameJSON); out.byte(UInt8(ascii: "}"))
            }
            out.beginResponseElements()
            if error == nil && kind == .updateTable {
                out.raw(#"{"tableDescription":{"#); table.appendSchema(to: &out)
                out.raw(#","tableName":"#); out.raw(table.nameJSON)
                out.raw(#","tableStatus":"UPDATING","creationDateTime":""#); out.javaTime(Self.start)
                out.raw(#"","tableSizeBytes":"#); out.int(table.model.items * 310)
                out.raw(#","itemCount":"#); out.int(table.model.items)
                out.raw(#","tableArn":"#); out.raw(table.arnJSON)
                out.raw(#","tableId":"#); out.string(table.tableId); out.raw("}}")
            } else if error == nil && kind == .updateContinuousBackups {
                out.raw(enablePITR
                    ? #"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"ENABLED"}}}"#
                    : #"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}}"#)
            } else {
                out.raw("null")
            }
            out.endRecord(version: "1.11", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                          readOnly: !writes, resources: kind == .listTables ? .none : table.resources,
                          apiVersion: "2012-08-10", management: true, recipient: stream.account, tlsHost: stream.dynamoHost,
                          vpcEndpointId: principal.vpcEndpointId)
        }

        mutating func createTable(stream: Stream, table: DeployedTable, time: Int, into out: inout JSONText) {
            let principal = stream.principals.terraform
            out.beginRecord(version: "1.11", identity: principal, time: time, source: "dynamodb.amazonaws.com",
                            name: "CreateTable", region: stream.region)
            out.byte(UInt8(ascii: "{")); table.appendSchema(to: &out)
            out.raw(#","tableName":"#); out.raw(table.nameJSON)
            out.raw(#","billingMode":"PAY_PER_REQUEST","sSESpecification":{"enabled":true}"#)
            if let label = table.model.streamLabel, !label.isEmpty {
                out.raw(#","streamSpecification":{"streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}"#)
            }
            out.byte(UInt8(ascii: "}"))
            out.beginResponseElements()
            out.raw(#"{"tableDescription":{"#); table.appendSchema(to: &out)
            out.raw(#","tableName":"#); out.raw(table.nameJSON)
            out.raw(#","tableStatus":"CREATING","creationDateTime":""#); out.javaTime(time)
            out.raw(#"","tableSizeBytes":0,"itemCount":0,"tableArn":"#); out.raw(table.arnJSON)
            out.raw(#","tableId":"#); out.string(table.tableId)
            out.raw(#","billingModeSummary":{"billingMode":"PAY_PER_REQUEST"}}}"#)
            out.endRecord(version: "1.11", identity: principal, requestID: rng.dynamoRequestID(), eventID: rng.uuid(),
                          readOnly: false, resources: table.resources, apiVersion: "2012-08-10", management: true,
                          recipient: stream.account, tlsHost: stream.dynamoHost)
        }

        /// A service (or an automation user) assuming a role for one of the account's sessions; the
        /// response names the session's ASIA key, which links the session's later calls to this event.
        private mutating func assumeRole(stream: Stream, time: Int, into out: inout JSONText) {
            let session = stream.principals.assumable(&rng)
            let caller = session.launchedBy.map { stream.principals.service($0) } ?? stream.principals.terraform
            out.beginRecord(version: "1.08", identity: caller, time: time, source: "sts.amazonaws.com",
                            name: "AssumeRole", region: stream.region)
            out.raw(#"{"roleArn":"#); out.string(session.roleArn)
            out.raw(#","roleSessionName":"#); out.string(session.sessionName)
            out.raw(#","durationSeconds":3600}"#)
            out.beginResponseElements()
            out.raw(#"{"credentials":{"accessKeyId":"#); out.string(session.accessKeyId)
            out.raw(#","sessionToken":"IQoJb3JpZ2luX2VjE"#); out.raw(rng.characters(96, from: alphanumerics))
            out.raw(#"","expiration":""#); out.javaTime(time + 3_600)
            out.raw(#""},"assumedRoleUser":{"assumedRoleId":"#); out.string(session.roleId + ":" + session.sessionName)
            out.raw(#","arn":"#); out.string(session.arn); out.raw("}}")
            var resource = JSONText()
            resource.raw(#"{"accountId":"#); resource.string(stream.account)
            resource.raw(#","type":"AWS::IAM::Role","ARN":"#); resource.string(session.roleArn); resource.raw("}")
            out.endRecord(version: "1.08", identity: caller, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                          resources: .one(resource.bytes), apiVersion: nil, management: true, recipient: stream.account,
                          tlsHost: stream.stsHost)
        }

        private mutating func iamEvent(stream: Stream, time: Int, into out: inout JSONText) {
            let principal = stream.principals.adminCaller(&rng)
            let (name, parameter, value): (StaticString, StaticString, String) = switch rng.below(5) {
            case 0: ("GetUser", "userName", stream.principals.userNames[rng.below(stream.principals.userNames.count)])
            case 1: ("ListAccessKeys", "userName", stream.principals.userNames[rng.below(stream.principals.userNames.count)])
            case 2: ("GetRole", "roleName", stream.principals.roleNames[rng.below(stream.principals.roleNames.count)])
            case 3: ("ListAttachedRolePolicies", "roleName", stream.principals.roleNames[rng.below(stream.principals.roleNames.count)])
            default: ("ListRoles", "", "")
            }
            let error = rng.chance(Self.errorRate)
                ? APIError(code: "AccessDenied",
                           message: "User: \(principal.arn) is not authorized to perform: iam:\(name) because no identity-based policy allows the iam:\(name) action")
                : nil
            out.beginRecord(version: "1.09", identity: principal, time: time, source: "iam.amazonaws.com",
                            name: "\(name)", region: "us-east-1", error: error)
            if value.isEmpty {
                out.raw(#"{"maxItems":100}"#)
            } else {
                out.raw(#"{""#); out.raw(parameter); out.raw(#"":"#); out.string(value); out.byte(UInt8(ascii: "}"))
            }
            out.beginResponseElements(); out.raw("null")
            out.endRecord(version: "1.09", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                          resources: .none, apiVersion: nil, management: true, recipient: stream.account,
                          tlsHost: "iam.amazonaws.com")
        }

        private mutating func ec2Event(stream: Stream, time: Int, into out: inout JSONText) {
            let principal = stream.principals.managementCaller(&rng)
            let (name, parameters): (StaticString, StaticString) = switch rng.below(4) {
            case 0: ("DescribeInstances", #"{"instancesSet":{},"filterSet":{}}"#)
            case 1: ("DescribeSecurityGroups", #"{"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{}}"#)
            case 2: ("DescribeVpcs", #"{"vpcSet":{},"filterSet":{}}"#)
            default: ("DescribeRegions", #"{"regionSet":{}}"#)
            }
            let error = rng.chance(Self.errorRate)
                ? APIError(code: "Client.UnauthorizedOperation", message: "You are not authorized to perform this operation.")
                : nil
            out.beginRecord(version: "1.10", identity: principal, time: time, source: "ec2.amazonaws.com",
                            name: "\(name)", region: stream.region, error: error)
            out.raw(parameters)
            out.beginResponseElements(); out.raw("null")
            out.endRecord(version: "1.10", identity: principal, requestID: rng.uuid(), eventID: rng.uuid(), readOnly: true,
                          resources: .none, apiVersion: nil, management: true, recipient: stream.account, tlsHost: stream.ec2Host)
        }

        private mutating func s3Event(stream: Stream, time: Int, into out: inout JSONText) {
            let principal = stream.principals.managementCaller(&rng)
            let bucket = stream.buckets[rng.below(stream.buckets.count)]
            let host = "\(bucket).s3.\(stream.region).amazonaws.com"
            let (name, subresource): (StaticString, StaticString) = switch rng.below(4) {
            case 0: ("GetBucketAcl", "acl")
            case 1: ("GetBucketPolicy", "policy")
            case 2: ("GetBucketLocation", "location")
            default: ("GetBucketEncryption", "encryption")
            }
            let error = rng.chance(Self.errorRate) ? APIError(code: "AccessDenied", message: "Access Denied") : nil
            out.beginRecord(version: "1.10", identity: principal, time: time, source: "s3.amazonaws.com",
                            name: "\(name)", region: stream.region, error: error)
            out.raw(#"{"bucketName":"#); out.string(bucket)
            out.raw(#","Host":"#); out.string(host)
            out.raw(#",""#); out.raw(subresource); out.raw(#"":""}"#)
            out.beginResponseElements(); out.raw("null")
            var extra = JSONText()
            extra.raw(#"{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":""#)
            extra.raw(rng.characters(76, from: alphanumerics))
            extra.raw(#"","bytesTransferredOut":"#); extra.int(200 + rng.below(1_200)); extra.byte(UInt8(ascii: "}"))
            var resource = JSONText()
            resource.raw(#"{"accountId":"#); resource.string(stream.account)
            resource.raw(#","type":"AWS::S3::Bucket","ARN":"#); resource.string("arn:aws:s3:::" + bucket); resource.raw("}")
            out.endRecord(version: "1.10", identity: principal, additionalEventData: String(decoding: extra.bytes, as: UTF8.self),
                          requestID: rng.characters(16, from: "0123456789ABCDEF"), eventID: rng.uuid(), readOnly: true,
                          resources: .one(resource.bytes), apiVersion: nil, management: true, recipient: stream.account,
                          tlsHost: host)
        }
    }

    // MARK: - Principals of one account

    /// The few hundred principals of an account and who tends to make which kind of call.
    final class AccountPrincipals: Sendable {
        let account: String
        let all: [Principal]
        let userNames: [String]
        let roleNames: [String]
        let terraform: Principal
        private let services: [String: Principal]
        // Indices into `all`, repeated by weight: picking uniformly from these gives a few busy
        // principals and a long tail, as in real traffic.
        private let dataPool: [Int]
        private let managementPool: [Int]
        private let adminPool: [Int]
        private let assumablePool: [Int]

        func dataCaller(_ rng: inout SplitMix64) -> Principal { all[dataPool[rng.below(dataPool.count)]] }
        func managementCaller(_ rng: inout SplitMix64) -> Principal { all[managementPool[rng.below(managementPool.count)]] }
        func adminCaller(_ rng: inout SplitMix64) -> Principal { all[adminPool[rng.below(adminPool.count)]] }
        func assumable(_ rng: inout SplitMix64) -> Principal { all[assumablePool[rng.below(assumablePool.count)]] }
        func service(_ name: String) -> Principal { services[name] ?? Principal.service(name, account: account) }

        private enum Agent { case cli, boto3, java, node, go, terraform }

        init(account: String, rng: inout SplitMix64) {
            self.account = account
            var all: [Principal] = []
            var data: [Int] = [], management: [Int] = [], admin: [Int] = [], assumablePool: [Int] = []

            func agent(_ kind: Agent, lambda: String? = nil) -> String {
                switch kind {
                case .cli:
                    return "aws-cli/2.\(13 + rng.below(5)).\(rng.below(40)) Python/3.11.\(rng.below(9)) Linux/6.\(rng.below(9)).0-10\(rng.below(60))-aws exe/x86_64.ubuntu.22 prompt/off"
                case .boto3:
                    let version = "1.34.\(rng.below(160))"
                    let env = lambda == "python" ? " exec-env/AWS_Lambda_python3.12" : ""
                    return "Boto3/\(version) md/Botocore#\(version) ua/2.0 os/linux#5.10.\(200 + rng.below(30))-2\(rng.below(40)).amzn2.x86_64 md/arch#x86_64 lang/python#3.12.\(rng.below(5)) md/pyimpl#CPython\(env) cfg/retry-mode#legacy Botocore/\(version)"
                case .java:
                    return "aws-sdk-java/2.25.\(rng.below(70)) Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy"
                case .node:
                    let version = "3.5\(rng.below(10))\(rng.below(10)).0"
                    return "aws-sdk-js/\(version) ua/2.0 os/linux#5.10.216-225.855.amzn2.x86_64 lang/js md/nodejs#20.13.1 api/dynamodb#\(version) exec-env/AWS_Lambda_nodejs20.x"
                case .go:
                    return "aws-sdk-go-v2/1.26.\(rng.below(3)) os/linux lang/go#1.22.\(rng.below(5)) md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.31.\(rng.below(9))"
                case .terraform:
                    return "APN/1.0 HashiCorp/1.0 Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.54.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.27.2 ua/2.0 os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.32.9"
                }
            }
            func add(_ principal: Principal, data d: Int = 0, management m: Int = 0, admin a: Int = 0, assumable: Bool = false) {
                let index = all.count
                all.append(principal)
                data.append(contentsOf: repeatElement(index, count: d))
                management.append(contentsOf: repeatElement(index, count: m))
                admin.append(contentsOf: repeatElement(index, count: a))
                if assumable { assumablePool.append(index) }
            }
            func office() -> String { "198.51.100.\(10 + rng.below(90))" }
            func privateIP() -> String { "10.\(rng.below(4)).\(rng.below(256)).\(1 + rng.below(254))" }
            func lambdaIP() -> String { "\(["3.250", "34.243", "52.212", "54.171"][rng.below(4)]).\(rng.below(256)).\(1 + rng.below(254))" }
            let vpce = "vpce-0\(rng.characters(16, from: "0123456789abcdef"))"
        // Where the account's functions and instances run (they also call other regions).
        let homeRegion = account == "111122223333" ? "eu-west-1" : "us-west-2"

            // IAM users with long-term AKIA keys: people at desks and a few automation identities.
            let people = ["alice", "bob.ops", "carol", "dave.dba", "erin", "frank.sre", "grace", "heidi"]
            let automation = ["svc-reporting", "svc-etl", "ci-deployer", "terraform", "backup-admin", "data-export", "legacy-batch"]
            var terraformUser: Principal?
            for name in people + automation {
                let isPerson = people.contains(name)
                let kind: Agent = isPerson ? (rng.chance(0.7) ? .cli : .boto3)
                    : name == "terraform" ? .terraform : [.java, .boto3, .go][rng.below(3)]
                let user = Principal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/\(name)",
                                     accessKeyId: "AKIA" + rng.characters(16, from: base32), displayName: name,
                                     sourceIP: isPerson ? (rng.chance(0.6) ? office() : "192.0.2.\(1 + rng.below(250))") : "198.51.100.\(200 + rng.below(50))",
                                     userAgent: agent(kind), isCLI: kind == .cli, tls: rng.chance(0.8) ? .modern : .tls12,
                                     usesTableARN: kind == .go && rng.chance(0.5),
                                     principalId: "AIDA" + rng.characters(17, from: base32))
                let adminWeight = ["alice", "dave.dba", "frank.sre", "ci-deployer", "terraform", "backup-admin"].contains(name) ? 3 : 0
                add(user, data: isPerson ? 1 : 6, management: isPerson ? 4 : 2, admin: adminWeight)
                if name == "terraform" { terraformUser = user }
            }
            terraform = terraformUser!

            // Roles and their sessions: each session is one principal with its own ASIA key.
            struct RoleSpec {
                var name: String
                var sessions: Int
                var launchedBy: String?
                var data: Int, management: Int, admin: Int
            }
            let roles = [
                RoleSpec(name: "app-backend", sessions: 10, launchedBy: "lambda.amazonaws.com", data: 40, management: 3, admin: 0),
                RoleSpec(name: "orders-worker", sessions: 30, launchedBy: "ecs-tasks.amazonaws.com", data: 12, management: 1, admin: 0),
                RoleSpec(name: "inventory-sync", sessions: 25, launchedBy: "ec2.amazonaws.com", data: 10, management: 2, admin: 0),
                RoleSpec(name: "reporting-etl", sessions: 10, launchedBy: nil, data: 8, management: 1, admin: 0),
                RoleSpec(name: "AWSReservedSSO_AdministratorAccess_3f2a9c1d7b6e5a40", sessions: 8, launchedBy: nil, data: 1, management: 4, admin: 3),
                RoleSpec(name: "AWSReservedSSO_ReadOnlyAccess_8d1e4b7c2a9f6e30", sessions: 15, launchedBy: nil, data: 1, management: 3, admin: 0),
                RoleSpec(name: "github-actions-deploy", sessions: 20, launchedBy: nil, data: 0, management: 2, admin: 2),
            ]
            let functions = ["orders-api", "cart-api", "customers-api", "checkout-api", "payments-api", "refunds-api",
                             "search-indexer", "notifications", "invoice-renderer", "session-cleaner"]
            let firstNames = ["jane", "omar", "li", "sofia", "raj", "emma", "noah", "mia", "lucas", "ana", "ken", "zoe", "ivan", "leah", "sam"]
            let lastNames = ["doe", "haddad", "wei", "rossi", "patel", "martin", "kim", "silva", "novak", "berg"]
            for role in roles {
                let roleId = "AROA" + rng.characters(17, from: base32)
                for n in 0..<role.sessions {
                    var session: String, ip: String, userAgent: String, isCLI = false
                    var extraContext = "", inScopeOf: String?, vpcEndpoint: String?
                    switch role.name {
                    case "app-backend":
                        session = functions[n % functions.count]
                        ip = lambdaIP()
                        userAgent = agent(n % 2 == 0 ? .node : .boto3, lambda: "python")
                        inScopeOf = #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:\#(homeRegion):\#(account):function:\#(session)"}"#
                    case "orders-worker":
                        session = rng.characters(32, from: "0123456789abcdef")
                        ip = privateIP(); vpcEndpoint = vpce
                        userAgent = agent(.java)
                    case "inventory-sync":
                        session = "i-0" + rng.characters(16, from: "0123456789abcdef")
                        ip = privateIP(); vpcEndpoint = vpce
                        userAgent = agent(.go)
                        extraContext = #","ec2RoleDelivery":"2.0""#
                        inScopeOf = #"{"issuerType":"AWS::EC2::Instance","credentialsIssuedTo":"arn:aws:ec2:\#(homeRegion):\#(account):instance/\#(session)"}"#
                    case "reporting-etl":
                        session = "etl-run-\(20_261_001 + n)"
                        ip = "198.51.100.\(200 + rng.below(50))"
                        userAgent = agent(.boto3)
                    case "github-actions-deploy":
                        session = "GitHubActions-\(9_000_000_000 + rng.below(900_000_000))"
                        ip = "192.0.2.\(1 + rng.below(250))"
                        userAgent = agent(.terraform)
                    default:
                        session = "\(firstNames[rng.below(firstNames.count)]).\(lastNames[rng.below(lastNames.count)])@example.com"
                        ip = rng.chance(0.5) ? office() : "192.0.2.\(1 + rng.below(250))"
                        isCLI = rng.chance(0.7)
                        userAgent = agent(isCLI ? .cli : .boto3)
                    }
                    let principal = Principal(
                        kind: .assumedRole, account: account,
                        arn: "arn:aws:sts::\(account):assumed-role/\(role.name)/\(session)",
                        accessKeyId: "ASIA" + rng.characters(16, from: base32), displayName: session,
                        sourceIP: ip, userAgent: userAgent, isCLI: isCLI,
                        tls: [TLSProfile.modern, .tls13, .tls12][rng.below(3)], vpcEndpointId: vpcEndpoint,
                        usesTableARN: rng.chance(0.04), roleName: role.name, roleId: roleId, sessionName: session,
                        launchedBy: role.launchedBy, refreshOffset: rng.below(3_600), extraContext: extraContext,
                        inScopeOf: inScopeOf)
                    // Within a role, earlier sessions are busier.
                    let busier = n < role.sessions / 3 ? 2 : 1
                    add(principal, data: role.data * busier, management: role.management, admin: role.admin,
                        assumable: role.launchedBy != nil || role.name == "reporting-etl")
                }
            }
            self.all = all
            self.dataPool = data
            self.managementPool = management
            self.adminPool = admin
            self.assumablePool = assumablePool
            userNames = people + automation
            roleNames = roles.map(\.name)
            var services: [String: Principal] = [:]
            for name in ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] {
                services[name] = Principal.service(name, account: account)
            }
            self.services = services
        }
    }

    // MARK: - SHA-256

    /// Lower-case hex SHA-256, as digest files record log file hashes.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        hexString(SHA256Hasher.digest(of: bytes))
    }

    // MARK: - The demo incident

    /// A small scripted incident in account 111122223333, eu-west-1, on 2026-11-03 between 01:00
    /// and 04:00 UTC. Tables: `Orders` (customerId S + orderId S) and `Customers` (customerId S).
    ///
    /// Normal traffic comes from Lambda sessions of role `app-backend` and from the admin `alice`.
    /// From 02:41 someone uses the leaked long-term key of IAM user `svc-reporting` from
    /// 203.0.113.66 with boto3: reconnaissance, a Scan and reads of Orders, a refund planted on
    /// C-1001/O-77 (then a failed conditional retry), two deleted orders, a BatchWriteItem, and
    /// finally point-in-time recovery on Orders switched off (after an AccessDenied on Customers).
    /// The same key's legitimate use (a Java reporting job on 198.51.100.200) precedes it.
    enum DemoIncidentScript {
        struct File {
            var path: String
            var bytes: [UInt8]
        }

        static let account = "111122223333"
        static let region = "eu-west-1"
        static let day = UTC.seconds(2026, 11, 3)
        static let bucket = "aws-cloudtrail-logs-111122223333-7c1e2f0a"

        enum Actor { case lambdaService, ordersAPI, refundsAPI, customersAPI, alice, reportingJob, attacker }

        struct Event {
            var at: String
            var actor: Actor
            var name: String
            var table: String? = nil
            /// requestParameters as JSON text; nil is written as null.
            var parameters: String? = nil
            var response: String? = nil
            var error: APIError? = nil
            /// CloudTrail delivers this record a second time in a later file.
            var redelivered = false
            /// The item writes the call asks for (its parameters are written from them).
            var writes: [Write] = []

            /// A PutItem, UpdateItem or DeleteItem call, after the write's kind.
            static func write(_ at: String, _ actor: Actor, _ write: Write, table: String = "Orders",
                              error: APIError? = nil, redelivered: Bool = false) -> Event {
                let name = switch write.kind { case .put: "PutItem"; case .update: "UpdateItem"; case .delete: "DeleteItem" }
                return Event(at: at, actor: actor, name: name, table: table, parameters: write.parameters(table: table),
                             error: error, redelivered: redelivered, writes: [write])
            }

            /// A BatchWriteItem of puts and deletes.
            static func batchWrite(_ at: String, _ actor: Actor, _ writes: [Write], table: String = "Orders") -> Event {
                Event(at: at, actor: actor, name: "BatchWriteItem", table: table,
                      parameters: Write.batchParameters(writes, table: table), writes: writes)
            }
        }

        /// One item write as the script states it. Both sides of the evidence come from it: the
        /// call's requestParameters in CloudTrail and, when the call succeeds, the change it causes
        /// in the stream (`DemoStream`), which is therefore never read back out of the CloudTrail.
        struct Write {
            enum Kind {
                /// The item's attribute names, keys included (CloudTrail logs the names only).
                case put(item: [String])
                /// `SET #p = :p, …`: (placeholder, attribute name) pairs in expression order.
                case update(set: [(placeholder: String, name: String)])
                case delete
            }

            var kind: Kind
            /// Key attributes in request order; every value a string (S).
            var key: [(name: String, value: String)]
            var condition: String? = nil

            static func put(_ key: [(name: String, value: String)], item: [String], condition: String? = nil) -> Write {
                Write(kind: .put(item: item), key: key, condition: condition)
            }

            static func update(_ key: [(name: String, value: String)], set: [(placeholder: String, name: String)],
                               condition: String? = nil) -> Write {
                Write(kind: .update(set: set), key: key, condition: condition)
            }

            static func delete(_ key: [(name: String, value: String)]) -> Write { Write(kind: .delete, key: key) }

            /// The key as CloudTrail logs it: `{"customerId":"C-1001","orderId":"O-77"}`.
            var keyJSON: String { "{" + key.map { jsonString($0.name) + ":" + jsonString($0.value) }.joined(separator: ",") + "}" }

            /// requestParameters of the single-item call.
            func parameters(table: String) -> String {
                var text = #"{"tableName":"# + jsonString(table) + #","key":"# + keyJSON
                switch kind {
                case .put(let item):
                    text += #","item":["# + item.map(jsonString).joined(separator: ",") + "]"
                case .update(let set):
                    let expression = "SET " + set.map { "\($0.placeholder) = :\($0.placeholder.dropFirst())" }.joined(separator: ", ")
                    text += #","updateExpression":"# + jsonString(expression)
                case .delete:
                    break
                }
                if let condition { text += #","conditionExpression":"# + jsonString(condition) }
                if case .update(let set) = kind {
                    text += #","expressionAttributeNames":{"# + set.map { jsonString($0.placeholder) + ":" + jsonString($0.name) }.joined(separator: ",") + "}"
                }
                return text + "}"
            }

            /// requestParameters of a BatchWriteItem (puts and deletes only).
            static func batchParameters(_ writes: [Write], table: String) -> String {
                let requests = writes.map { write in
                    switch write.kind {
                    case .put(let item):
                        #"{"putRequest":{"key":"# + write.keyJSON + #","item":["# + item.map(jsonString).joined(separator: ",") + "]}}"
                    case .delete:
                        #"{"deleteRequest":{"key":"# + write.keyJSON + "}}"
                    case .update:
                        preconditionFailure("BatchWriteItem has no updates")
                    }
                }
                return #"{"requestItems":{"# + jsonString(table) + ":[" + requests.joined(separator: ",") + "]}}"
            }
        }

        static func order(_ customerId: String, _ orderId: String) -> [(name: String, value: String)] {
            [("customerId", customerId), ("orderId", orderId)]
        }

        /// The attributes of a new order.
        static let newOrder = ["customerId", "orderId", "status", "total", "currency", "createdAt"]

        static let script: [Event] = [
            Event(at: "01:02:11", actor: .lambdaService, name: "AssumeRole",
                  parameters: ##"{"roleArn":"arn:aws:iam::111122223333:role/app-backend","roleSessionName":"orders-api","durationSeconds":43200}"##,
                  response: ##"{"credentials":{"accessKeyId":"ASIA3XKQ7PZ2OA4LRM5Q","sessionToken":"IQoJb3JpZ2luX2VjEPb//////////wEaCWV1LXdlc3QtMSJHMEUCIQDdemoOnlyNotARealToken","expiration":"Nov 3, 2026, 1:02:11 PM"},"assumedRoleUser":{"assumedRoleId":"AROA3XKQ7PZ2MBV4HJT6N:orders-api","arn":"arn:aws:sts::111122223333:assumed-role/app-backend/orders-api"}}"##),
            Event(at: "01:02:14", actor: .ordersAPI, name: "GetItem", table: "Customers",
                  parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1001"},"projectionExpression":"#e, #t","expressionAttributeNames":{"#e":"email","#t":"tier"}}"##),
            .write("01:02:15", .ordersAPI, .put(order("C-1001", "O-77"), item: newOrder, condition: "attribute_not_exists(orderId)")),
            Event(at: "01:04:40", actor: .ordersAPI, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"},"consistentRead":true}"##),
            Event(at: "01:07:02", actor: .ordersAPI, name: "Query", table: "Orders",
                  parameters: ##"{"tableName":"Orders","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"customerId"},"limit":25}"##),
            .write("01:09:30", .ordersAPI, .put(order("C-1002", "O-78"), item: newOrder, condition: "attribute_not_exists(orderId)")),
            .write("01:12:48", .ordersAPI, .update(order("C-1002", "O-78"), set: [("#st", "status"), ("#u", "updatedAt")])),
            Event(at: "01:15:05", actor: .lambdaService, name: "AssumeRole",
                  parameters: ##"{"roleArn":"arn:aws:iam::111122223333:role/app-backend","roleSessionName":"refunds-api","durationSeconds":43200}"##,
                  response: ##"{"credentials":{"accessKeyId":"ASIA3XKQ7PZ2RFD2WKEJ","sessionToken":"IQoJb3JpZ2luX2VjEPb//////////wEaCWV1LXdlc3QtMSJGMEQCIBdemoOnlyNotARealToken","expiration":"Nov 3, 2026, 1:15:05 PM"},"assumedRoleUser":{"assumedRoleId":"AROA3XKQ7PZ2MBV4HJT6N:refunds-api","arn":"arn:aws:sts::111122223333:assumed-role/app-backend/refunds-api"}}"##),
            Event(at: "01:15:09", actor: .refundsAPI, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1003","orderId":"O-91"}}"##),
            .write("01:21:33", .ordersAPI, .put(order("C-1004", "O-102"), item: newOrder, condition: "attribute_not_exists(orderId)")),
            Event(at: "01:24:10", actor: .alice, name: "DescribeTable", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "01:24:25", actor: .alice, name: "DescribeContinuousBackups", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "01:24:51", actor: .alice, name: "ListTables"),
            Event(at: "01:31:00", actor: .reportingJob, name: "Query", table: "Orders",
                  parameters: ##"{"tableName":"Orders","indexName":"status-createdAt-index","keyConditionExpression":"#s = :s AND #c BETWEEN :from AND :to","expressionAttributeNames":{"#s":"status","#c":"createdAt"}}"##),
            Event(at: "01:31:02", actor: .reportingJob, name: "Query", table: "Orders",
                  parameters: ##"{"tableName":"Orders","indexName":"status-createdAt-index","keyConditionExpression":"#s = :s AND #c BETWEEN :from AND :to","expressionAttributeNames":{"#s":"status","#c":"createdAt"},"limit":500}"##),
            Event(at: "01:38:44", actor: .customersAPI, name: "GetItem", table: "Customers",
                  parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1003"}}"##),
            .write("01:47:19", .ordersAPI, .update(order("C-1003", "O-91"), set: [("#st", "status"), ("#u", "updatedAt")])),
            Event(at: "02:05:13", actor: .ordersAPI, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
            .write("02:12:40", .ordersAPI, .put(order("C-1005", "O-118"), item: newOrder, condition: "attribute_not_exists(orderId)")),
            Event(at: "02:26:05", actor: .ordersAPI, name: "BatchGetItem", table: "Orders",
                  parameters: ##"{"requestItems":{"Orders":{"keys":[{"customerId":"C-1001","orderId":"O-77"},{"customerId":"C-1002","orderId":"O-78"}]}}}"##),
            Event(at: "02:33:57", actor: .customersAPI, name: "GetItem", table: "Customers",
                  parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1005"}}"##),
            // The leaked svc-reporting key, used from 203.0.113.66 with boto3.
            Event(at: "02:41:07", actor: .attacker, name: "GetCallerIdentity"),
            Event(at: "02:41:29", actor: .attacker, name: "ListTables"),
            Event(at: "02:41:45", actor: .attacker, name: "DescribeTable", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "02:41:52", actor: .attacker, name: "DescribeTable", table: "Customers",
                  parameters: ##"{"tableName":"Customers"}"##),
            Event(at: "02:42:30", actor: .attacker, name: "Scan", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "02:43:02", actor: .attacker, name: "Scan", table: "Customers",
                  parameters: ##"{"tableName":"Customers"}"##),
            Event(at: "02:44:10", actor: .attacker, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
            Event(at: "02:44:18", actor: .attacker, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1002","orderId":"O-78"}}"##),
            Event(at: "02:44:25", actor: .attacker, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1003","orderId":"O-91"}}"##),
            Event(at: "02:44:40", actor: .attacker, name: "GetItem", table: "Customers",
                  parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1001"}}"##),
            .write("02:47:12", .attacker, .update(order("C-1001", "O-77"), set: [("#rs", "refundStatus"), ("#ra", "refundAmount")]),
                   redelivered: true),
            .write("02:47:58", .attacker, .update(order("C-1001", "O-77"), set: [("#rs", "refundStatus"), ("#ra", "refundAmount")], condition: "attribute_not_exists(#rs)"),
                   error: APIError(code: "ConditionalCheckFailedException", message: "The conditional request failed")),
            .write("02:49:31", .attacker, .delete(order("C-1002", "O-78"))),
            .write("02:49:36", .attacker, .delete(order("C-1003", "O-91"))),
            .batchWrite("02:51:02", .attacker, [
                .put(order("C-1001", "O-80"), item: ["customerId", "orderId", "status", "total", "refundStatus", "refundAmount"]),
                .delete(order("C-1004", "O-102")),
            ]),
            Event(at: "02:55:14", actor: .attacker, name: "UpdateContinuousBackups", table: "Customers",
                  parameters: ##"{"tableName":"Customers","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"##,
                  error: APIError(code: "AccessDeniedException",
                                  message: "User: arn:aws:iam::111122223333:user/svc-reporting is not authorized to perform: dynamodb:UpdateContinuousBackups on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/Customers because no identity-based policy allows the dynamodb:UpdateContinuousBackups action")),
            Event(at: "02:56:40", actor: .attacker, name: "UpdateContinuousBackups", table: "Orders",
                  parameters: ##"{"tableName":"Orders","pointInTimeRecoverySpecification":{"pointInTimeRecoveryEnabled":false}}"##,
                  response: ##"{"continuousBackupsDescription":{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}}"##),
            // Business as usual afterwards; alice notices point-in-time recovery is off.
            Event(at: "03:02:19", actor: .ordersAPI, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
            Event(at: "03:10:45", actor: .ordersAPI, name: "Query", table: "Orders",
                  parameters: ##"{"tableName":"Orders","keyConditionExpression":"#pk = :pk","expressionAttributeNames":{"#pk":"customerId"},"limit":25}"##),
            .write("03:18:05", .ordersAPI, .update(order("C-1005", "O-118"), set: [("#st", "status"), ("#u", "updatedAt")])),
            Event(at: "03:29:30", actor: .customersAPI, name: "GetItem", table: "Customers",
                  parameters: ##"{"tableName":"Customers","key":{"customerId":"C-1005"}}"##),
            .write("03:41:12", .ordersAPI, .put(order("C-1006", "O-131"), item: newOrder, condition: "attribute_not_exists(orderId)")),
            Event(at: "03:52:37", actor: .alice, name: "DescribeContinuousBackups", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "03:53:02", actor: .alice, name: "DescribeTable", table: "Orders",
                  parameters: ##"{"tableName":"Orders"}"##),
            Event(at: "03:58:41", actor: .ordersAPI, name: "GetItem", table: "Orders",
                  parameters: ##"{"tableName":"Orders","key":{"customerId":"C-1001","orderId":"O-77"}}"##),
        ]

        static let dataEvents: Set<String> = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                                              "BatchGetItem", "BatchWriteItem"]

        static func principal(_ actor: Actor) -> Principal {
            switch actor {
            case .lambdaService:
                return Principal.service("lambda.amazonaws.com", account: account)
            case .ordersAPI, .refundsAPI, .customersAPI:
                let (session, key, ip, agent, started): (String, String, String, String, Int) = switch actor {
                case .ordersAPI:
                    ("orders-api", "ASIA3XKQ7PZ2OA4LRM5Q", "3.250.41.17",
                     "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 lang/js md/nodejs#20.15.1 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                     day + 3_600 + 2 * 60 + 11)
                case .refundsAPI:
                    ("refunds-api", "ASIA3XKQ7PZ2RFD2WKEJ", "54.171.20.93",
                     "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145",
                     day + 3_600 + 15 * 60 + 5)
                default:
                    ("customers-api", "ASIA3XKQ7PZ2CU5TQ7MA", "34.243.7.201",
                     "aws-sdk-js/3.637.0 ua/2.0 os/linux#5.10.224-233.877.amzn2.x86_64 lang/js md/nodejs#20.15.1 api/dynamodb#3.637.0 exec-env/AWS_Lambda_nodejs20.x",
                     day + 41 * 60 + 37)
                }
                return Principal(kind: .assumedRole, account: account,
                                 arn: "arn:aws:sts::\(account):assumed-role/app-backend/\(session)", accessKeyId: key,
                                 displayName: session, sourceIP: ip, userAgent: agent, tls: .tls13, roleName: "app-backend",
                                 roleId: "AROA3XKQ7PZ2MBV4HJT6N", sessionName: session, launchedBy: "lambda.amazonaws.com",
                                 // Lambda credentials last 12 hours: the creationDate stays at the AssumeRole time.
                                 sessionStart: started,
                                 inScopeOf: #"{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:eu-west-1:111122223333:function:\#(session)"}"#)
            case .alice:
                return Principal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/alice",
                                 accessKeyId: "AKIA3XKQ7PZ2ALICE4WQ", displayName: "alice", sourceIP: "198.51.100.23",
                                 userAgent: "aws-cli/2.17.42 Python/3.12.6 Darwin/23.6.0 exe/x86_64 prompt/off", isCLI: true,
                                 tls: .modern, principalId: "AIDA3XKQ7PZ2ALC5E8N1Q")
            case .reportingJob, .attacker:
                return Principal(kind: .iamUser, account: account, arn: "arn:aws:iam::\(account):user/svc-reporting",
                                 accessKeyId: "AKIA3XKQ7PZ2SVCREPTQ", displayName: "svc-reporting",
                                 sourceIP: actor == .attacker ? "203.0.113.66" : "198.51.100.200",
                                 userAgent: actor == .attacker
                                    ? "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
                                    : "aws-sdk-java/2.25.60 Linux/5.15.0-1066-aws OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/legacy",
                                 tls: actor == .attacker ? .modern : .tls12, principalId: "AIDA3XKQ7PZ2SVC9RPT4K")
            }
        }

        struct Rendered {
            var event: Event
            var time: Int
            var bytes: [UInt8]
            var eventID: String
            var principal: Principal
            var management: Bool
            var readOnly: Bool
        }

        static func render() -> [Rendered] {
            var rng = SplitMix64(seed: 0x2026_1103_0203_0066)
            let tables = [
                "Orders": DeployedTable(model: CorpusEngine.tableModels[0], account: account, region: region, tableId: ""),
                "Customers": DeployedTable(model: CorpusEngine.tableModels[1], account: account, region: region, tableId: ""),
            ]
            return script.map { event in
                let parts = event.at.split(separator: ":").compactMap { Int($0) }
                let time = day + parts[0] * 3_600 + parts[1] * 60 + parts[2]
                let principal = principal(event.actor)
                let isData = dataEvents.contains(event.name)
                let sts = event.name == "AssumeRole" || event.name == "GetCallerIdentity"
                let readOnly = ["Get", "Query", "Scan", "BatchGet", "Describe", "List", "AssumeRole"].contains { event.name.hasPrefix($0) }
                let version: StaticString = isData ? "1.09" : sts ? "1.08" : "1.11"
                var resources = Resources.none
                if let name = event.table, let table = tables[name] { resources = table.resources }
                if event.name == "AssumeRole" {
                    resources = .one(Array(#"{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/app-backend"}"#.utf8))
                }
                let eventID = rng.uuid()
                var out = JSONText(capacity: 2_048)
                out.beginRecord(version: version, identity: principal, time: time,
                                source: sts ? "sts.amazonaws.com" : "dynamodb.amazonaws.com", name: event.name,
                                region: region, error: event.error)
                out.raw(event.parameters ?? "null")
                out.beginResponseElements()
                out.raw(event.response ?? "null")
                out.endRecord(version: version, identity: principal, requestID: sts ? rng.uuid() : rng.dynamoRequestID(),
                              eventID: eventID, readOnly: readOnly, resources: resources,
                              apiVersion: sts ? nil : "2012-08-10", management: !isData, recipient: account,
                              tlsHost: sts ? "sts.eu-west-1.amazonaws.com" : "dynamodb.eu-west-1.amazonaws.com")
                return Rendered(event: event, time: time, bytes: out.bytes, eventID: eventID, principal: principal,
                                management: !isData, readOnly: readOnly)
            }
        }

        static func files() -> [File] {
            var rng = SplitMix64(seed: 0x0D15_C0DE)
            let records = render()
            // Log files: one per 15-minute window with activity, delivered a few minutes after it.
            var windows: [(start: Int, records: [Rendered])] = []
            for record in records {
                let start = record.time - record.time % 900
                if windows.last?.start == start { windows[windows.count - 1].records.append(record) } else { windows.append((start, [record])) }
            }
            // Records inside a log file are not sorted: swap a few neighbours.
            for w in windows.indices where windows[w].records.count >= 3 {
                if rng.chance(0.5) { windows[w].records.swapAt(0, 1) }
                if rng.chance(0.5) { windows[w].records.swapAt(windows[w].records.count - 2, windows[w].records.count - 1) }
            }
            // At-least-once delivery: a redelivered record reappears, byte for byte, two files later.
            let redeliveries = windows.indices.flatMap { w in
                windows[w].records.filter { $0.event.redelivered && w + 2 < windows.count }.map { (w + 2, $0) }
            }
            for (w, record) in redeliveries { windows[w].records.insert(record, at: 1) }
            var files: [File] = []
            var digestEntries: [(path: String, hash: String, newest: Int, oldest: Int)] = []
            for window in windows {
                let delivered = window.start + 900 + 120 + rng.below(180)
                let path = "AWSLogs/\(account)/CloudTrail/\(region)/\(UTC.folder(delivered))/\(account)_CloudTrail_\(region)_\(UTC.compact(delivered, seconds: false))_\(rng.characters(16, from: alphanumerics)).json"
                // One record per line so the committed copies review well; still one JSON object.
                var out = JSONText()
                out.raw("{\"Records\":[\n")
                for (i, record) in window.records.enumerated() {
                    if i > 0 { out.raw(",\n") }
                    out.raw(record.bytes)
                }
                out.raw("\n]}\n")
                files.append(File(path: path, bytes: out.bytes))
                let times = window.records.map(\.time)
                digestEntries.append((path, sha256Hex(out.bytes), times.max()!, times.min()!))
            }
            files.append(digest(digestEntries))
            files.append(lookupEvents(records.filter(\.management)))
            return files
        }

        /// A starting digest (all `previous*` fields null). Real trails write one digest per hour;
        /// the demo folds the incident's hours into one so that a single digest covers every log file.
        /// Log files are named by their keys as written (`.json`), and each hash is the SHA-256 of
        /// the file's (uncompressed) bytes, which is what CloudTrail hashes too.
        static func digest(_ entries: [(path: String, hash: String, newest: Int, oldest: Int)]) -> File {
            let end = day + 4 * 3_600 + 35 * 60 + 12
            let start = end - 4 * 3_600
            let path = "AWSLogs/\(account)/CloudTrail-Digest/\(region)/\(UTC.folder(end))/\(account)_CloudTrail-Digest_\(region)_ddb-audit_\(region)_\(UTC.compact(end, seconds: true)).json"
            var out = JSONText()
            func field(_ name: String, _ value: String?, last: Bool = false) {
                out.raw("  "); out.string(name); out.raw(": ")
                if let value { out.string(value) } else { out.raw("null") }
                out.raw(last ? "\n" : ",\n")
            }
            out.raw("{\n")
            field("awsAccountId", account)
            field("digestStartTime", UTC.iso(start))
            field("digestEndTime", UTC.iso(end))
            field("digestS3Bucket", bucket)
            field("digestS3Object", path)
            field("digestPublicKeyFingerprint", "5d9a3c0e7b41f28a6c1d9e0b3f7a2c64")
            field("digestSignatureAlgorithm", "SHA256withRSA")
            field("newestEventTime", UTC.iso(entries.map(\.newest).max()!))
            field("oldestEventTime", UTC.iso(entries.map(\.oldest).min()!))
            field("previousDigestS3Bucket", nil)
            field("previousDigestS3Object", nil)
            field("previousDigestHashValue", nil)
            field("previousDigestHashAlgorithm", nil)
            field("previousDigestSignature", nil)
            out.raw("  \"logFiles\": [\n")
            // Newest first, as in AWS's examples.
            for (i, entry) in entries.reversed().enumerated() {
                if i > 0 { out.raw(",\n") }
                out.raw(#"    {"s3Bucket":"#); out.string(bucket)
                out.raw(#","s3Object":"#); out.string(entry.path)
                out.raw(#","hashValue":"#); out.string(entry.hash)
                out.raw(#","hashAlgorithm":"SHA-256","newestEventTime":"#); out.string(UTC.iso(entry.newest))
                out.raw(#","oldestEventTime":"#); out.string(UTC.iso(entry.oldest)); out.byte(UInt8(ascii: "}"))
            }
            out.raw("\n  ]\n}\n")
            return File(path: path, bytes: out.bytes)
        }

        /// `aws cloudtrail lookup-events` output (AWS CLI v1 style: EventTime in epoch seconds),
        /// newest first. Event history holds management events only, each with the full record as
        /// a JSON string in CloudTrailEvent.
        static func lookupEvents(_ records: [Rendered]) -> File {
            var out = JSONText()
            out.raw("{\"Events\":[\n")
            for (i, record) in records.sorted(by: { $0.time > $1.time }).enumerated() {
                if i > 0 { out.raw(",\n") }
                out.raw(#"{"EventId":"#); out.string(record.eventID)
                out.raw(#","EventName":"#); out.string(record.event.name)
                out.raw(#","ReadOnly":"#); out.string(record.readOnly ? "true" : "false")
                if !record.principal.accessKeyId.isEmpty {
                    out.raw(#","AccessKeyId":"#); out.string(record.principal.accessKeyId)
                }
                out.raw(#","EventTime":"#); out.int(record.time); out.raw(".0")
                out.raw(#","EventSource":"#)
                out.string(record.event.name == "AssumeRole" || record.event.name == "GetCallerIdentity" ? "sts.amazonaws.com" : "dynamodb.amazonaws.com")
                if record.principal.kind != .awsService {
                    out.raw(#","Username":"#); out.string(record.principal.displayName)
                }
                out.raw(#","Resources":["#)
                if record.event.name == "AssumeRole" {
                    out.raw(#"{"ResourceType":"AWS::IAM::Role","ResourceName":"arn:aws:iam::111122223333:role/app-backend"}"#)
                } else if let table = record.event.table {
                    out.raw(#"{"ResourceType":"AWS::DynamoDB::Table","ResourceName":"#); out.string(table); out.byte(UInt8(ascii: "}"))
                }
                out.raw(#"],"CloudTrailEvent":""#); out.escaped(record.bytes); out.raw(#""}"#)
            }
            out.raw("\n]}\n")
            return File(path: "lookup-events.json", bytes: out.bytes)
        }
    }
}

/// What the record writer needs of a caller: its rendered `userIdentity` and how its requests
/// look (address, user agent, TLS). `CorpusGenerator.Principal` and `AttackCase.Actor` are callers.
protocol RecordCaller {
    var sourceIP: String { get }
    var userAgent: String { get }
    /// aws-cli callers get the command appended to their user agent.
    var isCLI: Bool { get }
    /// nil for AWS services calling on the account's behalf: their records carry no tlsDetails.
    var tls: CorpusGenerator.TLSProfile? { get }
    var account: String { get }
    func appendIdentity(to out: inout CorpusGenerator.JSONText, at time: Int)
}

extension CorpusGenerator.Principal: RecordCaller {}

/// Writes one CloudTrail record in the field order of eventVersion 1.08–1.11 records:
/// `begin` writes everything up to `"requestParameters":`, the caller writes the parameters
/// (or `null`), `responseElements` its key, the caller the response, and `end` the rest.
extension CorpusGenerator.JSONText {
    mutating func beginRecord(version: StaticString, identity: some RecordCaller, time: Int, source: String, name: String,
                              region: String, sourceIP: String? = nil, userAgent: String? = nil, error: CorpusGenerator.APIError? = nil) {
        raw(#"{"eventVersion":""#); raw(version)
        raw(#"","userIdentity":"#); identity.appendIdentity(to: &self, at: time)
        raw(#","eventTime":""#); isoTime(time)
        raw(#"","eventSource":""#); raw(source)
        raw(#"","eventName":""#); raw(name)
        raw(#"","awsRegion":""#); raw(region)
        raw(#"","sourceIPAddress":""#); escaped(sourceIP ?? identity.sourceIP)
        raw(#"","userAgent":""#); escaped(userAgent ?? identity.userAgent)
        if identity.isCLI && userAgent == nil {
            // aws-cli v2 ends its user agent with the command, e.g. `command/dynamodb.get-item`.
            raw(" command/"); raw(String(source.prefix { $0 != "." })); byte(UInt8(ascii: "."))
            for (i, ch) in name.utf8.enumerated() {
                if ch >= UInt8(ascii: "A") && ch <= UInt8(ascii: "Z") {
                    if i > 0 { byte(UInt8(ascii: "-")) }
                    byte(ch + 32)
                } else {
                    byte(ch)
                }
            }
        }
        byte(UInt8(ascii: "\""))
        if let error {
            raw(#","errorCode":"#); string(error.code)
            raw(#","errorMessage":"#); string(error.message)
        }
        raw(#","requestParameters":"#)
    }

    mutating func beginResponseElements() { raw(#","responseElements":"#) }

    mutating func endRecord(version: StaticString, identity: some RecordCaller, additionalEventData: String? = nil,
                            requestID: String, eventID: String, readOnly: Bool?, resources: CorpusGenerator.Resources,
                            apiVersion: String?, management: Bool, recipient: String, tlsHost: String?,
                            vpcEndpointId: String? = nil) {
        if let additionalEventData { raw(#","additionalEventData":"#); raw(additionalEventData) }
        raw(#","requestID":"#); string(requestID)
        raw(#","eventID":"#); string(eventID)
        if let readOnly { raw(readOnly ? #","readOnly":true"# : #","readOnly":false"#) }
        switch resources {
        case .none: break
        case .one(let entry): raw(#","resources":["#); raw(entry); byte(UInt8(ascii: "]"))
        case .many(let entries):
            raw(#","resources":["#)
            for (i, entry) in entries.enumerated() {
                if i > 0 { byte(UInt8(ascii: ",")) }
                raw(entry)
            }
            byte(UInt8(ascii: "]"))
        }
        raw(#","eventType":"AwsApiCall""#)
        if let apiVersion { raw(#","apiVersion":"#); string(apiVersion) }
        raw(management ? #","managementEvent":true"# : #","managementEvent":false"#)
        raw(#","recipientAccountId":"#); string(recipient)
        if let vpce = vpcEndpointId {
            raw(#","vpcEndpointId":"#); string(vpce)
            raw(#","vpcEndpointAccountId":"#); string(identity.account)
        }
        raw(management ? #","eventCategory":"Management""# : #","eventCategory":"Data""#)
        // Calls an AWS service makes on your behalf carry no tlsDetails.
        if let tls = identity.tls, let tlsHost {
            raw(#","tlsDetails":{"tlsVersion":"#); string(tls.version)
            raw(#","cipherSuite":"#); string(tls.cipherSuite)
            raw(#","clientProvidedHostHeader":"#); string(tlsHost)
            // keyExchange is new: only eventVersion 1.11 records carry it.
            if let exchange = tls.keyExchange, version.description == "1.11" {
                raw(#","keyExchange":"#); string(exchange)
            }
            byte(UInt8(ascii: "}"))
        }
        byte(UInt8(ascii: "}"))
    }
}

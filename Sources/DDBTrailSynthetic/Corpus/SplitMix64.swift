import Foundation

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
    mutating func dynamoRequestID() -> String { characters(52, from: Alphabet.upperAlphanumerics) }
}

/// The alphabets of generated identifiers.
enum Alphabet {
    static let upperAlphanumerics: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    static let alphanumerics: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    /// IAM key and unique-id suffixes use the base32 alphabet.
    static let base32: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
}

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

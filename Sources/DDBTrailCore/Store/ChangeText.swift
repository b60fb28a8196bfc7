import DDBTrailSQLite
import Foundation

/// The stored text forms of a change (queryable images, diff, canonical key), computed on the
/// reading thread so the writing thread only inserts.
struct ChangeText: Sendable {
    /// Nil when the key must be picked out of the item by the table's key schema (full-export items).
    var canonicalKey: String?
    var keysJSON: String
    var oldImage: String?
    var newImage: String?
    var diff: String?
    /// 16 bytes of SHA-256 of the stream eventID and sequence number (a redelivery repeats
    /// both), or of the raw record when it has no eventID (export lines).
    var dedupe: [UInt8]
    /// The sequence number zero-padded to 40 digits, so that text order is numeric order.
    var paddedSequence: String?

    init(_ c: ChangeRecord, raw: [UInt8]) {
        let identity = c.eventID.map { Array("stream:\($0)|\(c.sequenceNumber ?? "")".utf8) }
        dedupe = Array(SHA256Hasher.digest(of: identity ?? raw).prefix(16))
        paddedSequence = c.sequenceNumber.map { s in
            s.utf8.count >= 40 ? s : String(decoding: [UInt8](repeating: 0x30, count: 40 - s.utf8.count) + s.utf8, as: UTF8.self)
        }
        canonicalKey = c.keys.isEmpty ? nil : ChangeWriter.canonical(c.keys)
        keysJSON = AttributeValue.plainJSON(item: c.keys)
        oldImage = c.oldImage.map { AttributeValue.plainJSON(item: $0) }
        newImage = c.newImage.map { AttributeValue.plainJSON(item: $0) }
        diff = c.changeType == "SNAPSHOT" ? nil : ItemDiff.between(old: c.oldImage, new: c.newImage).json
    }
}

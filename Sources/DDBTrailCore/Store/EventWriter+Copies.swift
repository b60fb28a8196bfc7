import DDBTrailSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventWriter {
    /// What a record whose insert changed nothing met: the stored event with its dedupe key.
    /// Either this very record (an interrupted import of this file being completed), or an
    /// earlier copy: then this one is listed in `event_copies`, as a plain duplicate when its
    /// content is the stored record's (`JSON.contentDifference`), else as a conflicting copy
    /// with its bytes.
    func storeCopy(_ pending: Pending, dedupe: [UInt8], fileID: Int64) throws -> CaseWriter.Outcome {
        let element = pending.element, raw = pending.raw
        // Most copies are byte-identical re-deliveries, which then cost no parse.
        let statement = try db.cached("SELECT id, source_file_id, record_index, record_digest FROM events WHERE dedupe_key = ?")
        try statement.bind([.blob(dedupe)])
        guard try statement.step() else {
            preconditionFailure("an insert was ignored on a dedupe key no stored event has")
        }
        let id = statement.int64(at: 0), storedFile = statement.int64(at: 1), storedIndex = statement.int64(at: 2)
        let storedDigest: [UInt8]? = statement.isNull(at: 3) ? nil : statement.withBytes(at: 3) { Array($0) }
        statement.reset()
        if storedFile == fileID, storedIndex == Int64(element.index) {
            return .alreadyFromThisFile(id)
        }
        // Equal digests: the same bytes. Otherwise the stored record is read back and compared.
        var storedRaw: [UInt8]? = nil
        if storedDigest != (pending.event.digest ?? NormalisedEvent.recordDigest(raw: raw)) {
            let stored = try store.files.record(.event, id: id) ?? []
            storedRaw = ByteScan.same(stored, raw) ? nil : stored
        }
        let difference = storedRaw.flatMap { JSON.contentDifference($0, raw) }
        try db.run("""
            INSERT OR IGNORE INTO event_copies(event_id, source_file_id, record_index, record_offset, record_length, raw, conflicting)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.integer(id), .integer(fileID), .integer(Int64(element.index)), .integer(element.offset),
                  .integer(Int64(element.bytes.count)), difference == nil ? .null : .text(raw), .integer(difference == nil ? 0 : 1)])
        guard let difference else { return .duplicate(id) }
        let path = try db.scalar("SELECT path FROM source_files WHERE id = ?", [.integer(storedFile)]).stringValue ?? ""
        let at = difference.isEmpty ? "" : ", first at \(difference)"
        let reason = "eventID \(pending.event.eventID ?? "(none)"): content differs from the stored copy at \(path)#\(storedIndex) "
            + "(source file \(storedFile))\(at); this copy is kept in event_copies.raw and both are flagged conflicting "
            + "(tampering, or a tool that rewrote the record?)"
        return .conflictingCopy(id, reason: reason)
    }
}

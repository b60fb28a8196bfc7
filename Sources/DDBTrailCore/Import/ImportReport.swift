import DDBTrailSQLite
import Foundation

/// Per-file accounting, printed at the end of every import.
public struct FileSummary: Sendable {
    public var path: String
    public var status: FileStatus
    public var format: String?
    public var detail: String?
    public var recordsRead = 0
    public var imported = 0
    public var duplicates = 0
    /// Duplicates whose content differs from the stored event's (each also counted in
    /// `duplicates` and `warnings`): `event_copies.conflicting`.
    public var conflicting = 0
    public var rejected = 0
    public var warnings = 0
    /// Change records stored without a table (no context file, no --table): not usable until supplied.
    public var tableUnknown = 0
    /// True when some input in this file was not imported (rejected records, unreadable or
    /// unrecognised file, damage).
    public var hadRejections: Bool { rejected > 0 || tableUnknown > 0 || [.unrecognised, .unsupported, .unreadable].contains(status) }
}

public struct ImportReport: Sendable {
    public var files: [FileSummary] = []
    public var keysRecanonicalised = 0
    /// Changes (re)attributed by this import to the CloudTrail call that caused them.
    public var changesAttributed = 0
    public var seconds: Double = 0
    public var records: Int { files.reduce(0) { $0 + $1.recordsRead } }
    public var imported: Int { files.reduce(0) { $0 + $1.imported } }
    public var duplicates: Int { files.reduce(0) { $0 + $1.duplicates } }
    public var conflicting: Int { files.reduce(0) { $0 + $1.conflicting } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var anyRejected: Bool { files.contains { $0.hadRejections } }
}

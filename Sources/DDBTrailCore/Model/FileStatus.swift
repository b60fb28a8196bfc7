/// What an import made of one evidence file, stored in `source_files.status` as its raw value.
public enum FileStatus: String, Sendable {
    /// Being read (a file left in this state was interrupted; re-running the import completes it).
    case importing
    case imported
    /// A CloudTrail digest file: catalogued, it holds no records.
    case digest
    /// The same bytes (SHA-256) are already in the case.
    case alreadyImported = "already-imported"
    case empty
    case unrecognised
    /// Recognised, but not evidence this version imports.
    case unsupported
    case unreadable
}

import DDBTrailSQLite
import Foundation

/// A problem found while importing, positioned like a compiler diagnostic:
/// `path#record: warning: message [reader]`.
public struct Diagnostic: Sendable, CustomStringConvertible {
    public typealias Severity = DDBTrailCore.Severity
    public var path: String
    public var record: Int?
    public var line: Int?
    public var severity: Severity
    public var message: String
    public var reader: String?

    public var description: String {
        var position = path
        if let line { position += ":\(line)" } else if let record { position += "#\(record)" }
        return "\(position): \(severity.rawValue): \(message)" + (reader.map { " [\($0)]" } ?? "")
    }
}
/// Receives progress and diagnostics while an import runs (the CLI prints them; tests collect them).
public protocol ImportObserver: AnyObject {
    func importing(file: String, index: Int, of total: Int)
    func progress(records: Int, bytes: Int64)
    func diagnostic(_ diagnostic: Diagnostic)
    func finished(file: FileSummary)
}

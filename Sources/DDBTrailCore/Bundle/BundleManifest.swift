/// `manifest.json` of a bundle: what it holds and where it came from, and every other file of it
/// with its SHA-256 and size. Keys are snake_case and written in a fixed order.
public struct BundleManifest: Sendable {
    public static let fileName = "manifest.json"
    public static let formatVersion = 1

    public struct Command: Sendable {
        public var command: String
        public var results: [String]
        public var exitStatus: Int32
        public var rows: Int
        public var note: String?

        public init(command: String, results: [String], exitStatus: Int32, rows: Int, note: String? = nil) {
            self.command = command
            self.results = results
            self.exitStatus = exitStatus
            self.rows = rows
            self.note = note
        }
    }

    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int64

        public init(path: String, sha256: String, bytes: Int64) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    /// An original evidence file copied into `evidence/`.
    public struct EvidenceFile: Sendable {
        public var path: String
        public var sourceFile: String
        public var sha256: String
    }

    public var toolVersion = ToolVersion.current
    public var createdAt: String
    public var pseudonymised: Bool
    public var caseFingerprint: String
    public var caseFiles: Int
    public var commands: [Command] = []
    public var cloudTrailRecords = 0
    public var changeRecords = 0
    public var evidenceFiles: [EvidenceFile] = []
    public var files: [File] = []

    public init(createdAt: String, pseudonymised: Bool, caseFingerprint: String, caseFiles: Int) {
        self.createdAt = createdAt
        self.pseudonymised = pseudonymised
        self.caseFingerprint = caseFingerprint
        self.caseFiles = caseFiles
    }

    /// The manifest's text: one member per line, each listed item on a line of its own.
    public func json() -> String {
        func list(_ items: [String]) -> String {
            items.isEmpty ? "[]" : "[\n    " + items.joined(separator: ",\n    ") + "\n  ]"
        }
        let commandItems = commands.map { c in
            "{\"command\": \(jsonString(c.command)), \"results\": [\(c.results.map(jsonString).joined(separator: ", "))], "
                + "\"exit_status\": \(c.exitStatus), \"rows\": \(c.rows)"
                + (c.note.map { ", \"note\": \(jsonString($0))" } ?? "") + "}"
        }
        let evidenceItems = evidenceFiles.map {
            "{\"path\": \(jsonString($0.path)), \"source_file\": \(jsonString($0.sourceFile)), \"sha256\": \(jsonString($0.sha256))}"
        }
        let fileItems = files.map { "{\"path\": \(jsonString($0.path)), \"sha256\": \(jsonString($0.sha256)), \"bytes\": \($0.bytes)}" }
        return """
            {
              "bundle_format": \(Self.formatVersion),
              "tool_version": \(jsonString(toolVersion)),
              "created_at": \(jsonString(createdAt)),
              "pseudonymised": \(pseudonymised),
              "case_fingerprint": \(jsonString(caseFingerprint)),
              "case_files": \(caseFiles),
              "commands": \(list(commandItems)),
              "records": {"cloudtrail": \(cloudTrailRecords), "changes": \(changeRecords)},
              "evidence_files": \(list(evidenceItems)),
              "files": \(list(fileItems))
            }

            """
    }

    /// The parts of a manifest that checking a bundle needs.
    public struct Listing: Sendable {
        public var files: [File]
        public var createdAt: String?
        public var toolVersion: String?
        public var pseudonymised: Bool?
    }

    /// Reads `manifest.json` of the bundle at `directory`.
    public static func load(directory: String) throws(BundleError) -> Listing {
        let path = directory + "/" + fileName
        guard BundleFiles.kind(path) == .file else {
            throw .failure("\(path): no manifest.json here: not a ddbtrail bundle, or its manifest was removed")
        }
        let json: JSON
        do {
            json = try JSONParser.parse(try readAll(path))
        } catch let error as BundleError {
            throw error
        } catch {
            throw .failure("\(path): unreadable manifest (not valid JSON: \(error))")
        }
        guard let entries = json.object?.members.first(where: { $0.key == "files" })?.value.array else {
            throw .failure("\(path): unreadable manifest (no \"files\" list)")
        }
        var files: [File] = []
        var seen = Set<String>()
        for entry in entries {
            func member(_ key: String) -> JSON? { entry.object?.members.first { $0.key == key }?.value }
            guard let relative = member("path")?.string, let sha = member("sha256")?.string,
                  case .number(let size)? = member("bytes"), let bytes = Int64(size),
                  isSafe(relative), seen.insert(relative).inserted else {
                throw .failure("\(path): unreadable manifest (a bad entry in \"files\")")
            }
            files.append(File(path: relative, sha256: sha.lowercased(), bytes: bytes))
        }
        func top(_ key: String) -> JSON? { json.object?.members.first { $0.key == key }?.value }
        var pseudonymised: Bool?
        if case .bool(let b)? = top("pseudonymised") { pseudonymised = b }
        return Listing(files: files, createdAt: top("created_at")?.string, toolVersion: top("tool_version")?.string,
                       pseudonymised: pseudonymised)
    }

    /// A listed path must stay inside the bundle and not be the manifest itself.
    static func isSafe(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && path != fileName && !parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    private static func readAll(_ path: String) throws(BundleError) -> [UInt8] {
        let input = open(path, O_RDONLY)
        guard input >= 0 else { throw .failure("\(path): cannot open the manifest: \(String(cString: strerror(errno)))") }
        defer { close(input) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .failure("\(path): cannot read the manifest: \(String(cString: strerror(errno)))") }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

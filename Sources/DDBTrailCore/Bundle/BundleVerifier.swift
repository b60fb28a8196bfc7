/// Checks a bundle against its manifest: every listed file present with its SHA-256 and size,
/// and nothing else in the folder but `manifest.json`. Needs no case database.
public enum BundleVerifier {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable { case altered, missing, extra }
        public let kind: Kind
        public let path: String
        public let detail: String

        public var description: String { "\(kind.rawValue) \(path): \(detail)" }
    }

    public struct Report: Sendable {
        public let listing: BundleManifest.Listing
        public let problems: [Problem]
        /// Files listed in the manifest.
        public var listed: Int { listing.files.count }
        public var ok: Bool { problems.isEmpty }

        public func count(_ kind: Problem.Kind) -> Int { problems.filter { $0.kind == kind }.count }
    }

    public static func verify(directory: String) throws(BundleError) -> Report {
        guard BundleFiles.kind(directory) == .directory else {
            throw .usage("\(directory): no such folder")
        }
        let listing = try BundleManifest.load(directory: directory)
        var problems: [Problem] = []
        let listed = Set(listing.files.map(\.path))
        for file in listing.files {
            let path = directory + "/" + file.path
            switch BundleFiles.kind(path) {
            case .absent:
                problems.append(Problem(kind: .missing, path: file.path, detail: "listed in manifest.json, not in the bundle"))
            case .file:
                let found: (sha256: String, bytes: Int64)
                do {
                    found = try BundleFiles.digest(path)
                } catch {
                    problems.append(Problem(kind: .altered, path: file.path, detail: "unreadable: \(error.description)"))
                    continue
                }
                if found.bytes != file.bytes {
                    problems.append(Problem(kind: .altered, path: file.path,
                                            detail: "\(found.bytes) bytes, manifest.json says \(file.bytes); SHA-256 \(found.sha256)"))
                } else if found.sha256 != file.sha256 {
                    problems.append(Problem(kind: .altered, path: file.path,
                                            detail: "SHA-256 \(found.sha256), manifest.json says \(file.sha256)"))
                }
            case .directory, .other:
                problems.append(Problem(kind: .altered, path: file.path, detail: "not a regular file"))
            }
        }
        for path in try BundleFiles.walk(directory) where path != BundleManifest.fileName && !listed.contains(path) {
            problems.append(Problem(kind: .extra, path: path, detail: "in the bundle, not listed in manifest.json"))
        }
        return Report(listing: listing, problems: problems)
    }
}

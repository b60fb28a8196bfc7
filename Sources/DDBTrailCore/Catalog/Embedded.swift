/// Files compiled into the library: the schema migrations and canned queries (the CLI embeds
/// the demo evidence itself).
public enum Embedded {
    /// Every embedded file keyed by its path ("schema/001-initial.sql", "queries/…").
    public static var files: [String: String] { EmbeddedFiles.files }

    /// Embedded files under a folder, sorted by path.
    public static func files(under folder: String) -> [(path: String, text: String)] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return EmbeddedFiles.files.filter { $0.key.hasPrefix(prefix) }
            .sorted { $0.key < $1.key }
            .map { (path: $0.key, text: $0.value) }
    }
}

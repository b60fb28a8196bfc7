import Foundation
import Testing

/// The house rules that the compiler does not check: the folders of the core library form
/// layers (docs/layers.json) whose dependencies point one way, no top-level name means two
/// things, and no Swift file grows past 600 lines.
@Suite struct LayerTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let core = repository.appendingPathComponent("Sources/DDBTrailCore")

    struct LayerMap: Decodable {
        struct Layer: Decodable { var folder: String; var holds: String }
        var layers: [Layer]
    }

    static func layers() throws -> [String] {
        let data = try Data(contentsOf: repository.appendingPathComponent("docs/layers.json"))
        return try JSONDecoder().decode(LayerMap.self, from: data).layers.map(\.folder)
    }

    /// Swift files under `directory`, as paths relative to it.
    static func swiftFiles(under directory: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".swift") { files.append(path) }
        }
        return files.sorted()
    }

    /// Source text without comments and string literals, so names in them do not count.
    static func code(_ text: String) -> String {
        var out = text.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
        out = out.replacingOccurrences(of: #"/\*[\s\S]*?\*/"#, with: "", options: .regularExpression)
        out = out.replacingOccurrences(of: ##"#*"""[\s\S]*?"""#*"##, with: "\"\"", options: .regularExpression)
        return out.replacingOccurrences(of: #""(?:\\.|[^"\\\n])*""#, with: "\"\"", options: .regularExpression)
    }

    /// Names a file declares at its top level: types, functions, constants and variables.
    static func topLevelNames(_ code: String) -> [String] {
        let pattern = #"(?m)^(?:(?:public|package|internal|private|fileprivate|final|indirect|@[A-Za-z]+(?:\([^)]*\))?)\s+)*(?:struct|class|enum|protocol|typealias|actor|func|let|var)\s+([A-Za-z_][A-Za-z0-9_]*)"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: code, range: NSRange(code.startIndex..., in: code)).map {
            String(code[Range($0.range(at: 1), in: code)!])
        }
    }

    static func identifiers(_ code: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: #"\b[A-Za-z_][A-Za-z0-9_]*\b"#)
        return Set(regex.matches(in: code, range: NSRange(code.startIndex..., in: code)).map {
            String(code[Range($0.range, in: code)!])
        })
    }

    @Test func everyFolderIsALayerAndEveryLayerAFolder() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.core.path)
            .filter { !$0.hasSuffix(".swift") && $0 != "SQL" }
        #expect(Set(folders) == Set(try Self.layers()))
        // Every Swift file of the library sits in a layer's folder.
        #expect(Self.swiftFiles(under: Self.core).filter { !$0.contains("/") } == [])
    }

    @Test func dependenciesPointDownOnly() throws {
        let layers = try Self.layers()
        let rank = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1, $0) })
        var declaredIn: [String: Set<String>] = [:]
        var codeOf: [(folder: String, file: String, code: String)] = []
        for file in Self.swiftFiles(under: Self.core) {
            let folder = String(file.prefix { $0 != "/" })
            let code = Self.code(try String(contentsOf: Self.core.appendingPathComponent(file), encoding: .utf8))
            codeOf.append((folder, file, code))
            for name in Self.topLevelNames(code) { declaredIn[name, default: []].insert(folder) }
        }
        #expect(declaredIn.count > 100, "the scan found the library's names")
        var upward: [String] = []
        for (folder, file, code) in codeOf {
            guard let mine = rank[folder] else { continue }
            for name in Self.identifiers(code) {
                for other in declaredIn[name] ?? [] where other != folder {
                    if let theirs = rank[other], theirs > mine { upward.append("\(file) uses \(name) from \(other)") }
                }
            }
        }
        #expect(upward.sorted() == [])
    }

    @Test func noTopLevelNameMeansTwoThings() throws {
        var files: [String: [String]] = [:]
        for file in Self.swiftFiles(under: Self.core) {
            let code = Self.code(try String(contentsOf: Self.core.appendingPathComponent(file), encoding: .utf8))
            // Private helpers are the file's own business.
            let visible = code.split(separator: "\n").filter { !$0.hasPrefix("private ") && !$0.hasPrefix("fileprivate ") }
            for name in Self.topLevelNames(visible.joined(separator: "\n")) { files[name, default: []].append(file) }
        }
        #expect(files.filter { $0.value.count > 1 }.mapValues { $0.sorted() } == [:])
    }

    @Test func noSwiftFileIsOver600Lines() throws {
        var long: [String] = []
        for top in ["Sources", "Tests", "Plugins", "Tools"] {
            let directory = Self.repository.appendingPathComponent(top)
            for file in Self.swiftFiles(under: directory) {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
                if lines > 600 { long.append("\(top)/\(file): \(lines) lines") }
            }
        }
        #expect(long == [])
    }
}

import Foundation

// Shared by the test files of this target, which sit in folders that mirror Sources/DDBTrailCore.

/// The committed fixture files (each folder's PROVENANCE.md says where they come from).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

/// The demo incident's evidence, committed at `demo/incident` in the repository (the CLI embeds it).
let demoIncidentFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("demo/incident").path

/// Copies the demo incident's evidence to `directory` (which must not exist); returns the files.
func copyDemoIncident(to directory: String) throws -> [String] {
    try FileManager.default.copyItem(atPath: demoIncidentFolder, toPath: directory)
    return (FileManager.default.subpaths(atPath: directory) ?? []).filter { $0.hasSuffix(".json") }.sorted()
}

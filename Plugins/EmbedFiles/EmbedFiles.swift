import Foundation
import PackagePlugin

/// Embeds a target's data files into its binary as one generated Swift file (an internal
/// `EmbeddedFiles` enum, one per module), so the executable works from any directory and `.build`
/// can be deleted. Embedded: every `.sql` file (DDBTrailCore: the schema and canned queries,
/// reached through the relative symlinks `SQL/schema` and `SQL/queries`) and every `.json` file
/// under a `Demo/` folder (ddbtrail: the demo evidence, through the symlink `Demo -> ../../demo`).
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target.sourceModule else { return [] }
        let root = module.directoryURL.standardizedFileURL.path
        let inputs = module.sourceFiles.filter { file in
            let path = file.url.path
            return path.hasSuffix(".sql") || (path.contains("/Demo/") && path.hasSuffix(".json"))
        }.map(\.url)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        var arguments = [output.path, root]
        arguments += inputs.map(\.path)
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) files into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

import Foundation
import PackagePlugin

/// Embeds the target's `.sql` files (schema and canned queries, reached through relative
/// symlinks) and the bundled demo evidence into the binary as one generated Swift file, so the
/// executable works from any directory and `.build` can be deleted.
@main
struct EmbedSQL: BuildToolPlugin {
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
                executable: try context.tool(named: "embed-sql").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

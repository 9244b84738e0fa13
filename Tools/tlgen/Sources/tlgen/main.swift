import ArgumentParser
import Foundation
import TLGenCore

/// `tlgen`: reads TL schema files and writes Swift types for every constructor and function.
struct TLGen: ParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "tlgen",
        abstract: "Generate Swift types from Telegram TL schema files.",
        discussion: """
            With no arguments, regenerates the project's own schema (schema/api.tl as namespace Api, \
            schema/mtproto.tl as namespace MT) into Sources/TLSchema/Generated, run from anywhere inside \
            the package. `swift run tlgen && git diff --exit-code` checks the committed output is current.

            FILE may be written NAMESPACE=PATH to choose the Swift namespace; otherwise it is the file \
            name in upper camel case (api.tl → Api). Files are generated together: one registry covers all.

            Exit status: 0 on success, 1 when a schema is malformed (the error names file:line:column).
            """)

    @Flag(name: .long, help: "Only validate the files and print a one-line summary for each; write nothing.")
    var check: Bool = false

    @Option(name: .long, help: "The folder to write the generated Swift files into (stale generated files there are removed).")
    var output: String?

    @Option(name: .long, help: "The API layer for files without a '// LAYER N' line.")
    var layer: Int?

    @Argument(help: "Schema files (.tl), optionally as NAMESPACE=PATH.")
    var files: [String] = []

    func run() throws {
        var specs: [(namespace: String, path: String)] = files.map(Self.parseSpec)
        var outputFolder: String? = output
        if specs.isEmpty {
            if check {
                throw ValidationError("--check needs at least one FILE")
            }
            let root: String = try Self.packageRoot()
            specs = [("Api", root + "/schema/api.tl"), ("MT", root + "/schema/mtproto.tl")]
            if outputFolder == nil { outputFolder = root + "/Sources/TLSchema/Generated" }
        }
        var inputs: [GeneratorInput] = []
        for spec in specs {
            let text: String
            do {
                text = try String(contentsOfFile: spec.path, encoding: .utf8)
            } catch {
                Self.fail("\(spec.path): error: cannot read the file as UTF-8 text")
            }
            let fileName: String = (spec.path as NSString).lastPathComponent
            switch Result(catching: { () throws(SchemaError) -> TLSchema in
                try SchemaReader.read(text: text, file: spec.path, layer: layer)
            }) {
            case .success(let schema):
                for warning in schema.warnings { Self.printError(warning.description) }
                inputs.append(GeneratorInput(namespace: spec.namespace, sourceName: fileName, schema: schema))
            case .failure(let error):
                Self.fail(error.description)
            }
        }
        if check {
            for input in inputs {
                let s: TLSchema = input.schema
                let layerText: String = s.layer.map { String($0) } ?? "none"
                print("\(input.sourceName): \(s.constructors.count) constructors, \(s.functions.count) functions, \(s.typeNames.count) types, layer \(layerText)")
            }
            return
        }
        guard let folder = outputFolder else {
            throw ValidationError("give --output DIR (or no arguments to regenerate the project's schema)")
        }
        let files: [String: String]
        switch Result(catching: { () throws(GeneratorError) -> [String: String] in try SwiftGenerator().generate(inputs) }) {
        case .success(let generated):
            files = generated
        case .failure(let error):
            Self.fail("error: \(error.description)")
        }
        let written: Int = try OutputFolder(path: folder).write(files)
        print("tlgen: \(files.count) files in \(folder) (\(written) changed)")
    }

    static func parseSpec(_ argument: String) -> (namespace: String, path: String) {
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/") {
            return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
        }
        let base: String = ((argument as NSString).lastPathComponent as NSString).deletingPathExtension
        let parts: [Substring] = base.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        var name: String = parts.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if name.isEmpty || name.first!.isNumber { name = "Schema" + name }
        return (name, argument)
    }

    /// The nearest folder upwards from the working directory that holds Package.swift and schema/.
    static func packageRoot() throws -> String {
        var folder: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let manifest: String = folder.appendingPathComponent("Package.swift").path
            let schema: String = folder.appendingPathComponent("schema/api.tl").path
            if FileManager.default.fileExists(atPath: manifest) && FileManager.default.fileExists(atPath: schema) {
                return folder.path
            }
            let parent: URL = folder.deletingLastPathComponent()
            if parent.path == folder.path {
                throw ValidationError("not inside the package (no Package.swift with schema/api.tl above the working directory)")
            }
            folder = parent
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func fail(_ text: String) -> Never {
        printError(text)
        Foundation.exit(1)
    }
}

TLGen.main()

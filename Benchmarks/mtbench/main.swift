import Foundation

// mtbench: the project's benchmark figures. `swift run -c release mtbench [--json] [--inputs DIR]`.
// Prints one line per figure; with --json, the last line is one JSON object with every figure.

let arguments: [String] = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: mtbench [--json] [--inputs DIR]
          --json        print every figure as one JSON object on the last line
          --inputs DIR  the benchmark inputs (default: Benchmarks/Inputs of this package)
        """)
    exit(0)
}
let json: Bool = arguments.contains("--json")
var inputs: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Inputs")
if let i = arguments.firstIndex(of: "--inputs"), i + 1 < arguments.count {
    inputs = URL(fileURLWithPath: arguments[i + 1])
}

var figures: [(String, Double)] = []
do {
    figures += try TLBenchmarks.run(inputs: inputs)
    figures += MTProtoBenchmarks.crypto()
    figures += try MTProtoBenchmarks.envelope(inputs: inputs)
    figures += try MTProtoBenchmarks.pqAndSRP()
    figures += try await MTProtoBenchmarks.network()
} catch {
    FileHandle.standardError.write(Data("mtbench: \(error)\n".utf8))
    exit(1)
}
for (name, value) in figures {
    print("\(name): \(String(format: "%.1f", value))")
}
if json {
    let fields: [String] = figures.map { "\"\($0.0)\": \(String(format: "%.2f", $0.1))" }
    print("{" + fields.joined(separator: ", ") + "}")
}

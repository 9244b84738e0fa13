import Foundation

// mtbench: the project's benchmark figures. `swift run -c release mtbench [--json] [--inputs DIR]`.
// Prints one line per figure; with --json, the last line is one JSON object with every figure.

let arguments: [String] = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: mtbench [--json] [--inputs DIR] [--only GROUPS] [--testdc PATH]
          --json        print every figure as one JSON object on the last line
          --inputs DIR  the benchmark inputs (default: Benchmarks/Inputs of this package)
          --only GROUPS run these groups (comma-separated): tl, crypto, rawcrypto, envelope,
                        pq, network, bot; or updates, files (not part of a full run;
                        need --testdc)
          --testdc PATH run the network figures against this testdc executable in its own
                        process (as the Telethon reference is measured)
        MTBENCH_UPDATES=N overrides the 100,000 pushed updates of each of the 5 timed updates
        runs, MTBENCH_UPDATES_WARMUP=N the 10,000 of the untimed one before them,
        MTBENCH_UPDATES_RUNS=N the 5 timed runs (Scripts/bench_compare.py alternates single runs);
        MTBENCH_UPDATES_CONSUMER=raw reads the burst with a bare MTProtoClient (decrypt, decode,
        ack; no engine or events): testdc's ceiling, reported as updates_raw_*.
        MTBENCH_PINGS=N overrides the 10,000 timed pings and MTBENCH_WARMUP=N the 100,000 untimed
        pings before them (for profiling only; report the defaults).
        --only files: MTBENCH_FILES_BYTES=N (default 64 MiB) per download and upload, MTBENCH_FILES_RUNS=N
        timed runs after the untimed one (default 3), MTBENCH_FILES_IN_FLIGHT=N parts/chunks in flight.
        """)
    exit(0)
}
let json: Bool = arguments.contains("--json")
var inputs: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Inputs")
if let i = arguments.firstIndex(of: "--inputs"), i + 1 < arguments.count {
    inputs = URL(fileURLWithPath: arguments[i + 1])
}

let only: String? = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let testdc: String? = arguments.firstIndex(of: "--testdc").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
let onlyGroups: Set<String>? = only.map { Set($0.split(separator: ",").map(String.init)) }
let selected: @Sendable (String) -> Bool = { (group: String) -> Bool in onlyGroups == nil || onlyGroups?.contains(group) == true }

var figures: [(String, Double)] = []
do {
    if selected("tl") { figures += try TLBenchmarks.run(inputs: inputs) }
    if selected("crypto") { figures += MTProtoBenchmarks.crypto() }
    if selected("rawcrypto") { figures += EnvelopeBenchmarks.rawCrypto() }
    if selected("envelope") { figures += try EnvelopeBenchmarks.run(inputs: inputs) }
    if selected("pq") { figures += try MTProtoBenchmarks.pqAndSRP() }
    if selected("network") { figures += try await MTProtoBenchmarks.network(testdc: testdc) }
    if selected("bot") { figures += try await BotBenchmarks.run() }
    if onlyGroups?.contains("updates") == true { figures += try await UpdatesBenchmark.run(testdc: testdc) }
    if onlyGroups?.contains("files") == true { figures += try await FilesBenchmark.run(testdc: testdc) }
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

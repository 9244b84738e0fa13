// swift-tools-version:6.0
// libFuzzer targets (see Scripts/fuzz.sh, which builds them with
// -sanitize=fuzzer,address and runs each for a given time). A package of its own so that the main
// package never builds with fuzzing instrumentation.
import PackageDescription

/// One libFuzzer executable: `Sources/<name>`, built on FuzzSupport and products of the main package.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name, dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "SwiftMTProto") },
        path: "Sources/\(name)")
}

let package = Package(
    name: "SwiftMTProtoFuzz",
    dependencies: [.package(name: "SwiftMTProto", path: "..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        fuzzTarget("FuzzTLDecode", ["TLSchema"]),
        fuzzTarget("FuzzTransport", ["MTProto"]),
        fuzzTarget("FuzzEnvelope", ["MTProto", "MTProtoFuzzing"]),
        fuzzTarget("FuzzHandshake", ["MTProtoFuzzing"]),
        fuzzTarget("FuzzSchemaParser", ["TLGenCore"]),
        fuzzTarget("FuzzConfigFile", ["Bot", "Telegram"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
// libFuzzer targets (see Scripts/fuzz.sh, which builds them with
// -sanitize=fuzzer,address and runs each for a given time). A package of its own so that the main
// package never builds with fuzzing instrumentation.
import PackageDescription

let package = Package(
    name: "SwiftMTProtoFuzz",
    dependencies: [.package(name: "SwiftMTProto", path: "..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        .executableTarget(
            name: "FuzzTLDecode", dependencies: ["FuzzSupport", .product(name: "TLSchema", package: "SwiftMTProto")],
            path: "Sources/FuzzTLDecode"),
        .executableTarget(
            name: "FuzzTransport", dependencies: ["FuzzSupport", .product(name: "MTProto", package: "SwiftMTProto")],
            path: "Sources/FuzzTransport"),
        .executableTarget(
            name: "FuzzEnvelope",
            dependencies: ["FuzzSupport", .product(name: "MTProto", package: "SwiftMTProto"), .product(name: "TLSchema", package: "SwiftMTProto")],
            path: "Sources/FuzzEnvelope"),
        .executableTarget(
            name: "FuzzHandshake",
            dependencies: ["FuzzSupport", .product(name: "MTProto", package: "SwiftMTProto"), .product(name: "TLSchema", package: "SwiftMTProto")],
            path: "Sources/FuzzHandshake"),
        .executableTarget(
            name: "FuzzSchemaParser", dependencies: ["FuzzSupport", .product(name: "TLGenCore", package: "SwiftMTProto")],
            path: "Sources/FuzzSchemaParser"),
        .executableTarget(
            name: "FuzzConfigFile", dependencies: ["FuzzSupport", .product(name: "Bot", package: "SwiftMTProto")],
            path: "Sources/FuzzConfigFile"),
    ],
    swiftLanguageModes: [.v6]
)

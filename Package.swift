// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftMTProto",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TLSchema", targets: ["TLSchema"]),
        .library(name: "MTProto", targets: ["MTProto"]),
        .library(name: "Bot", targets: ["Bot"]),
        .library(name: "Telegram", targets: ["Telegram"]),
        .library(name: "TLGenCore", targets: ["TLGenCore"]),
        .library(name: "MTProtoFuzzing", targets: ["MTProtoFuzzing"]),
        .executable(name: "tlgen", targets: ["tlgen"]),
        .executable(name: "tldump", targets: ["tldump"]),
        .executable(name: "mtbench", targets: ["mtbench"]),
        .executable(name: "testdc", targets: ["testdc"]),
        .executable(name: "soak", targets: ["soak"]),
        .executable(name: "mtproto-example", targets: ["MTProtoExample"]),
        .executable(name: "away-responder", targets: ["AwayResponder"]),
        .executable(name: "echo-userbot", targets: ["EchoUserbot"]),
        .executable(name: "channel-forwarder", targets: ["ChannelForwarder"]),
        .executable(name: "userbot", targets: ["userbot"]),
        .executable(name: "tg", targets: ["tg"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // zlib, from Debian's zlib1g-dev: inflate/deflate for gzip_packed.
        // System libraries are found through pkg-config where it is installed (Homebrew's on macOS),
        // else on the default search paths (Debian's).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // The TL runtime (reader, writer, protocols, gzip) plus the code tlgen generates.
        .target(name: "TLSchema", dependencies: ["CZlib"], path: "Sources/TLSchema"),

        // OpenSSL (libcrypto), from Debian's libssl-dev: hashes, AES-CTR, big numbers, random bytes.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        // SQLite, from Debian's libsqlite3-dev: the default session storage.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        // AES-256-IGE on AES-NI with a portable fallback (OpenSSL's own IGE does not use AES-NI).
        // Depends on COpenSSL for its pkg-config include and library paths (Homebrew's OpenSSL on macOS).
        .target(name: "CMTProtoCrypto", dependencies: ["COpenSSL"], path: "Sources/CMTProtoCrypto", linkerSettings: [.linkedLibrary("crypto")]),
        // MTProto: crypto, transports, key exchange, encrypted sessions (sans-IO core).
        .target(
            name: "MTProto",
            dependencies: [
                "TLSchema", "COpenSSL", "CMTProtoCrypto", "CZlib", "CSQLite",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/MTProto"
        ),
        // The server side of MTProto (key exchange, sessions, SRP checks) from the same core, for the test DC.
        .target(name: "MTProtoServer", dependencies: ["MTProto", "TLSchema"], path: "Sources/MTProtoServer"),
        // The fuzzing harnesses (a server holding the private key for the key exchange, one with requests
        // in flight for the session), shared by the Fuzz/ targets and the tests that check what they reach.
        .target(name: "MTProtoFuzzing", dependencies: ["MTProto", "TLSchema"], path: "Sources/MTProtoFuzzing"),
        // The client layer userbot authors program against: peers, messages, text formatting, storage, errors.
        .target(name: "Telegram", dependencies: ["MTProto", "TLSchema"], path: "Sources/Telegram"),
        // The userbot as a library on Telegram (whose Auth logs it in): updates, peers, context memory, OpenAI, logs and dumps.
        .target(
            name: "Bot",
            dependencies: [
                "Telegram", "MTProto", "TLSchema", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Bot"
        ),
        // The in-process test data centre: the server side of MTProto over real TCP, with scriptable
        // API handlers and fault injection.
        .target(
            name: "TestDC",
            dependencies: [
                "MTProto", "MTProtoServer", "TLSchema", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/TestDC"
        ),
        // Test support: an OpenAI-compatible chat-completions server on loopback (bot tests, the soak, local trials).
        .target(
            name: "FakeOpenAI",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Sources/FakeOpenAI"
        ),
        .executableTarget(
            name: "userbot",
            dependencies: [
                "Bot", "Telegram", "TelegramOptions", "TestDC", "MTProto", "TLSchema", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/userbot"
        ),
        // The TG_* command-line flags and the terminal login prompter userbot and tg share.
        .target(
            name: "TelegramOptions", dependencies: ["Telegram", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/Shared/TelegramOptions"),
        // `tg`: Telegram from the command line, on the Telegram library alone.
        .executableTarget(
            name: "tg",
            dependencies: [
                "Telegram", "TelegramOptions", "MTProto", "TLSchema", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/tg"
        ),
        // The README's library example, built (and run against testdc) by the test command.
        .executableTarget(name: "MTProtoExample", dependencies: ["MTProto", "TLSchema"], path: "Examples/MTProtoExample"),
        // Two small userbots on the Telegram layer, built and run against testdc by the test command.
        .executableTarget(name: "AwayResponder", dependencies: ["Telegram", "MTProto"], path: "Examples/AwayResponder"),
        .executableTarget(name: "EchoUserbot", dependencies: ["Telegram", "MTProto"], path: "Examples/EchoUserbot"),
        .executableTarget(name: "ChannelForwarder", dependencies: ["Telegram", "MTProto", "TLSchema"], path: "Examples/ChannelForwarder"),
        .executableTarget(
            name: "soak",
            dependencies: [
                "TestDC", "FakeOpenAI", "MTProto", "TLSchema", "Bot", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/soak"
        ),
        .executableTarget(
            name: "testdc",
            dependencies: [
                "TestDC", "MTProto", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/testdc"
        ),

        // The schema parser and Swift emitter; depends on nothing it generates.
        .target(name: "TLGenCore", path: "Tools/tlgen/Sources/TLGenCore"),
        .executableTarget(
            name: "tlgen",
            dependencies: ["TLGenCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/tlgen/Sources/tlgen"
        ),
        .executableTarget(
            name: "tldump",
            dependencies: ["TLSchema", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/tldump"
        ),
        .executableTarget(
            name: "mtbench",
            dependencies: ["TLSchema", "MTProto", "TestDC", "Bot", "Telegram", "COpenSSL", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/mtbench"
        ),

        .testTarget(
            name: "MTProtoTests", dependencies: ["MTProto", "MTProtoServer", "MTProtoFuzzing", "TLSchema", "TestDC"], path: "Tests/MTProtoTests",
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BotTests",
            dependencies: [
                "Bot", "Telegram", "MTProto", "TLSchema", "TestDC", "FakeOpenAI", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/BotTests"
        ),
        .testTarget(
            name: "TelegramTests", dependencies: ["Telegram", "TestDC", "MTProto", "TLSchema"], path: "Tests/TelegramTests", exclude: ["Fixtures"]),
        .testTarget(name: "TLGenTests", dependencies: ["TLGenCore"], path: "Tests/TLGenTests", exclude: ["Golden", "Fixtures"]),
        .testTarget(
            name: "TLSchemaTests",
            dependencies: ["TLSchema", "TLGenCore"],
            path: "Tests/TLSchemaTests",
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

import ArgumentParser
import Bot
import Foundation
import Logging
import MTProto
import TLSchema

/// `userbot diag`: creates a key with a DC, calls `help.getConfig` and a few pings, and prints one
/// JSON line. The first thing to run when something does not connect.
struct DiagCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "diag",
        abstract: "Check the connection to a Telegram (or test) data centre.",
        discussion: """
            Prints one JSON line: {"ok": true, "handshake_ms": …, "rtt_ms": …, "layer": …, "dc": …, "time_offset_s": …} \
            or {"ok": false, "error": "…"} with exit status 1. The api_id (TG_API_ID, from --api-id, the \
            environment or --config, like the other commands) is sent in initConnection: Telegram's servers need a \
            real one; with --server (a local testdc) it may be left out and 0 is sent.
            """)

    @Option(name: .long, help: "A configuration file of KEY=value lines; only TG_API_ID is read from it.")
    var config: String?

    @Option(name: .customLong("api-id"), help: "TG_API_ID: the api_id from my.telegram.org (required unless --server).")
    var apiID: String?

    @Option(name: .long, help: "HOST:PORT of the server (default: the DC's production or test address).")
    var server: String?

    @Option(name: .long, help: "The DC id (1 to 5).")
    var dc: Int = 2

    @Option(name: .customLong("rsa-key"), help: "A PEM file with the server's RSA public key (default: Telegram's keys).")
    var rsaKey: String?

    @Option(name: .long, help: "abridged, intermediate, padded, full or obfuscated.")
    var transport: String = "intermediate"

    @Option(name: .long, help: """
        TG_PROXY: test this proxy (socks5://[user:pass@]host:port or an MTProxy link); each step is printed \
        to standard error (TCP to the proxy, its handshake, the MTProto key exchange, pings).
        """)
    var proxy: String?

    @Flag(name: .customLong("test-dc"), help: "Use Telegram's test servers.")
    var testDC: Bool = false

    @Option(name: .long, help: "How many pings to time.")
    var pings: Int = 5

    @Option(name: .long, help: "Give up after this many seconds.")
    var timeout: Int = 20

    func run() async throws {
        LoggingSystem.bootstrap { (label: String) -> any LogHandler in
            var handler: StreamLogHandler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        do {
            let result: String = try await diagnose()
            print(result)
        } catch {
            print("{\"ok\": false, \"error\": \(Self.jsonString(String(describing: error)))}")
            throw ExitCode(1)
        }
    }

    private func diagnose() async throws -> String {
        // The same checks and defaults as the bot's TG_API_ID, TG_SERVER, TG_DC, TG_RSA_KEY, TG_TRANSPORT, TG_TEST_DC.
        let apiIDValue: String? = try mergeSettings(configPath: config, flags: ["TG_API_ID": apiID])["TG_API_ID"]
        var values: [String: String] = ["TG_DC": String(dc), "TG_TRANSPORT": transport]
        values["TG_API_ID"] = apiIDValue
        values["TG_SERVER"] = server
        values["TG_RSA_KEY"] = rsaKey
        values["TG_PROXY"] = proxy
        if testDC { values["TG_TEST_DC"] = "true" }
        let settings: BotConfiguration
        switch BotConfiguration.parse(values, for: .diagnostics) {
        case .success(let parsed): settings = parsed
        case .failure(let error): throw ValidationError(error.description)
        }
        var configuration: ClientConfiguration = try settings.clientConfiguration()
        configuration.deviceModel = "userbot diag"
        configuration.defaultTimeout = .seconds(timeout)
        if configuration.proxy != nil { try await probeProxy(configuration) }
        let client: MTProtoClient = MTProtoClient(configuration: configuration)
        // Closed on every path before the process exits (a close left running at exit can crash it).
        do {
            let line: String = try await measure(client)
            await client.close()
            return line
        } catch {
            await client.close()
            throw error
        }
    }

    /// Reaches the proxy, then opens its tunnel, printing each step (the proxy without its secret).
    private func probeProxy(_ configuration: ClientConfiguration) async throws {
        let proxy: ProxySettings = configuration.proxy!
        try await step("TCP to the proxy \(proxy.host):\(proxy.port)") {
            try await ProxyProbe.reachProxy(configuration)
        }
        try await step("proxy handshake (\(proxy)) to \(configuration.dataCentre)") {
            try await ProxyProbe.openTunnel(configuration)
        }
    }

    /// Prints `name` with its outcome on standard error; a failure is printed and rethrown.
    private func step(_ name: String, _ body: @escaping @Sendable () async throws -> Duration) async throws {
        do {
            let elapsed: Duration = try await withTimeout(.seconds(timeout), body)
            Self.report("ok    \(name) (\(String(format: "%.1f", Self.milliseconds(elapsed))) ms)")
        } catch {
            Self.report("FAIL  \(name): \(error)")
            throw error
        }
    }

    static func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func measure(_ client: MTProtoClient) async throws -> String {
        let through: Bool = await client.configuration.proxy != nil
        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        do {
            try await withTimeout(.seconds(timeout)) { try await client.connect() }
        } catch {
            if through { Self.report("FAIL  MTProto key exchange and initConnection: \(error)") }
            throw error
        }
        let handshake: Duration = clock.now - start
        if through { Self.report("ok    MTProto key exchange and initConnection (\(String(format: "%.1f", Self.milliseconds(handshake))) ms)") }
        var rtts: [Double] = []
        for i in 0 ..< max(pings, 1) {
            let sent: ContinuousClock.Instant = clock.now
            _ = try await client.invoke(MT.functions.Ping(pingId: Int64(i)))
            rtts.append(Self.milliseconds(clock.now - sent))
        }
        rtts.sort()
        if through { Self.report("ok    \(rtts.count) pings (median \(String(format: "%.2f", rtts[rtts.count / 2])) ms)") }
        let proxy: String = await client.configuration.proxy.map { ", \"proxy\": \(Self.jsonString($0.description))" } ?? ""
        let config: Api.Config? = await client.serverConfig
        let offset: Int32 = await client.authKeys[dc]?.timeOffset ?? 0
        return "{\"ok\": true, \"handshake_ms\": \(String(format: "%.1f", Self.milliseconds(handshake))), "
            + "\"rtt_ms\": \(String(format: "%.2f", rtts[rtts.count / 2])), \"layer\": \(Api.layer), "
            + "\"dc\": \(config.map { Int($0.thisDc) } ?? dc), \"time_offset_s\": \(offset)\(proxy)}"
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func jsonString(_ s: String) -> String {
        var out: String = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out += c.value < 0x20 ? String(format: "\\u%04x", c.value) : String(c)
            }
        }
        return out + "\""
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String { "timed out" }
}

/// Runs `body`, failing with ``TimedOut`` after `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { (group: inout ThrowingTaskGroup<T, any Error>) in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut()
        }
        let first: T = try await group.next()!
        group.cancelAll()
        return first
    }
}

import Foundation
import MTProto
import Telegram
import TLSchema

/// The updates figure: a `testdc` process pushes N new messages (half private, half in a
/// channel; `--bench-push-after-login`) to an account right after it logs in; a `TelegramClient`
/// takes them through its updates engine and `events(.newMessage())` to a consumer. Rate = N /
/// (last receive − first receive); latency = receive time − the push time in the text (both
/// CLOCK_MONOTONIC). One untimed run first, then the median of 5 (`MTBENCH_UPDATES_RUNS`), each with a
/// fresh testdc.
enum UpdatesBenchmark {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One run's figures.
    struct Run {
        var eventsPerSecond: Double
        var p50: Double
        var p99: Double
    }

    /// Messages per pushed `updates` (Scripts/telethon/bench_updates.py uses the same).
    static let batch: Int = 50

    static func run(testdc: String?) async throws -> [(String, Double)] {
        guard let testdc else { throw Failure(description: "--only updates needs --testdc PATH") }
        let environment: [String: String] = ProcessInfo.processInfo.environment
        let count: Int = Int(environment["MTBENCH_UPDATES"] ?? "") ?? 100_000
        let warmup: Int = Int(environment["MTBENCH_UPDATES_WARMUP"] ?? "") ?? 10_000
        let timedRuns: Int = max(1, Int(environment["MTBENCH_UPDATES_RUNS"] ?? "") ?? 5)
        if warmup > 0 { _ = try await once(testdc: testdc, count: warmup) }
        var runs: [Run] = []
        for _ in 0 ..< timedRuns { runs.append(try await once(testdc: testdc, count: count)) }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return [
            ("updates_events_per_s", median(runs.map(\.eventsPerSecond))),
            ("updates_p50_ms", median(runs.map(\.p50))),
            ("updates_p99_ms", median(runs.map(\.p99))),
        ]
    }

    /// One fresh testdc, one fresh session: log in, then receive `count` pushed messages.
    static func once(testdc: String, count: Int) async throws -> Run {
        let endpoint: (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void) = try await ExternalTestDC.start(path: testdc, arguments: [
            "--dcs", "1", "--dc", "1", "--telegram-account", "15550001000", "--telegram-user", "bench_sender",
            "--telegram-channel", "bench_channel", "--bench-push-after-login", String(count), "--bench-batch", String(batch),
        ])
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("mtbench-updates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (client, session): (TelegramClient, SQLiteSessionStorage) = try makeClient(dc: endpoint.dc, key: endpoint.key, folder: folder)
        defer { session.close() }
        let events: EventStream<MessageFilter> = client.events(.newMessage())
        do {
            try await client.start(login: .custom { (connection: MTProtoClient) async throws in try await logIn(connection) })
            let run: Run = try await receive(count, from: events, of: client)
            await client.stop()
            await endpoint.stop()
            return run
        } catch {
            await client.stop()
            await endpoint.stop()
            throw error
        }
    }

    /// A client for the testdc at `dc` with a fresh session file in `folder` (close the session after use).
    static func makeClient(dc: DataCentre, key: RSAPublicKey, folder: URL) throws -> (TelegramClient, SQLiteSessionStorage) {
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: folder.appendingPathComponent("bench.session").path)
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: dc, knownDataCentres: [dc], rsaKeys: [key], apiID: 1, defaultTimeout: .seconds(60))
        let mtproto: MTProtoClient = try MTProtoClient(configuration: configuration, storage: session)
        return (TelegramClient(mtproto: mtproto, store: try SQLiteClientStore(session: session)), session)
    }

    /// The simulated account's login: `auth.sendCode`, then `auth.signIn` with its code.
    static func logIn(_ connection: MTProtoClient) async throws {
        let phone: String = "15550001000"
        let sent: Api.auth.SentCode = try await connection.invoke(Api.functions.auth.SendCode(
            phoneNumber: phone, apiId: 1, apiHash: "0123456789abcdef0123456789abcdef", settings: Api.CodeSettings()))
        guard case .sentCode(let code) = sent else { throw Failure(description: "auth.sendCode answered \(sent)") }
        _ = try await connection.invoke(Api.functions.auth.SignIn(phoneNumber: phone, phoneCodeHash: code.phoneCodeHash, phoneCode: "12345"))
    }

    /// Reads `count` messages "bench I T": each one's latency from T, and the span from the first to the last.
    static func receive(_ count: Int, from events: EventStream<MessageFilter>, of client: TelegramClient) async throws -> Run {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var first: UInt64 = 0
        var last: UInt64 = 0
        var seen: Int = 0
        // Stopping the client ends the stream: a run that stalls fails instead of hanging.
        let watchdog: Task<Void, any Error> = Task {
            try await Task.sleep(for: .seconds(300))
            await client.stop()
        }
        defer { watchdog.cancel() }
        for await message in events {
            let now: UInt64 = monotonicNanoseconds()
            guard let pushed = pushTime(in: message.text) else { continue }
            if seen == 0 { first = now }
            last = now
            seen += 1
            latencies.append(Double(now &- pushed) / 1e6)
            if seen == count { break }
        }
        guard seen == count else { throw Failure(description: "received \(seen) of \(count) pushed messages") }
        latencies.sort()
        let span: Double = Double(last - first) / 1e9
        return Run(eventsPerSecond: Double(count) / max(span, 1e-9), p50: latencies[count / 2], p99: latencies[count * 99 / 100])
    }
}

extension UpdatesBenchmark {
    /// T of a text "bench I T" (I and T decimal), nil for any other text: the split on spaces and
    /// the checks of the Telethon handler (`split(" ")`, three parts, "bench", `int(T)`), done on the
    /// UTF-8 bytes as Python's `str.split` does in C (Swift's `split` walks grapheme clusters).
    static func pushTime(in text: String) -> UInt64? {
        let bytes: String.UTF8View = text.utf8
        guard bytes.starts(with: "bench ".utf8) else { return nil }
        let rest: Substring.UTF8View = Substring(text).utf8.dropFirst(6)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let index: Substring.UTF8View = rest[..<space]
        let time: Substring.UTF8View = rest[rest.index(after: space)...]
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard !index.isEmpty, index.allSatisfy(isDigit), !time.isEmpty, time.count <= 19, time.allSatisfy(isDigit) else { return nil }
        return time.reduce(UInt64(0)) { (value: UInt64, byte: UInt8) -> UInt64 in value * 10 + UInt64(byte - UInt8(ascii: "0")) }
    }
}

/// CLOCK_MONOTONIC in nanoseconds (testdc stamps its pushes with the same clock).
func monotonicNanoseconds() -> UInt64 {
    var now: timespec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

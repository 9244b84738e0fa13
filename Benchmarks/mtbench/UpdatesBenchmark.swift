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
        // `raw`: testdc's ceiling, read by a bare MTProtoClient (see ``rawOnce(testdc:count:)``).
        let raw: Bool = environment["MTBENCH_UPDATES_CONSUMER"] == "raw"
        let one: @Sendable (String, Int) async throws -> Run = { (path: String, n: Int) async throws -> Run in
            if raw { return try await rawOnce(testdc: path, count: n) }
            return try await once(testdc: path, count: n)
        }
        if warmup > 0 { _ = try await one(testdc, warmup) }
        var runs: [Run] = []
        for _ in 0 ..< timedRuns { runs.append(try await one(testdc, count)) }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let prefix: String = raw ? "updates_raw" : "updates"
        return [
            ("\(prefix)_events_per_s", median(runs.map(\.eventsPerSecond))),
            ("\(prefix)_p50_ms", median(runs.map(\.p50))),
            ("\(prefix)_p99_ms", median(runs.map(\.p99))),
        ]
    }

    /// A fresh testdc that pushes `count` messages after the account's first `updates.getState`.
    static func startTestDC(_ testdc: String, count: Int) async throws -> (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void) {
        try await ExternalTestDC.start(path: testdc, arguments: [
            "--dcs", "1", "--dc", "1", "--telegram-account", "15550001000", "--telegram-user", "bench_sender",
            "--telegram-channel", "bench_channel", "--bench-push-after-login", String(count), "--bench-batch", String(batch),
        ])
    }

    /// One fresh testdc, one fresh session: log in, then receive `count` pushed messages.
    static func once(testdc: String, count: Int) async throws -> Run {
        let endpoint: (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void) = try await startTestDC(testdc, count: count)
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
    /// UTF-8 bytes in place, as Python's `str.split` does in C (Swift's `split` walks grapheme clusters).
    static func pushTime(in text: String) -> UInt64? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ pushTime(inUTF8: $0) }) { return parsed }
        return Array(text.utf8).withUnsafeBufferPointer { pushTime(inUTF8: $0) }
    }

    private static func pushTime(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let prefix: StaticString = "bench "
        guard bytes.count > prefix.utf8CodeUnitCount else { return nil }
        for offset in 0 ..< prefix.utf8CodeUnitCount where bytes[offset] != prefix.utf8Start[offset] { return nil }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var position: Int = prefix.utf8CodeUnitCount
        let indexStart: Int = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > indexStart, position < bytes.count, bytes[position] == UInt8(ascii: " ") else { return nil }
        position += 1
        let timeStart: Int = position
        var time: UInt64 = 0
        while position < bytes.count, isDigit(bytes[position]) {
            time = time &* 10 &+ UInt64(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        let digits: Int = position - timeStart
        guard position == bytes.count, digits > 0, digits <= 19 else { return nil }
        return time
    }
}

/// CLOCK_MONOTONIC in nanoseconds (testdc stamps its pushes with the same clock).
func monotonicNanoseconds() -> UInt64 {
    var now: timespec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

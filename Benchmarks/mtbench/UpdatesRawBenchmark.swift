import Foundation
import MTProto
import TLSchema

extension UpdatesBenchmark {
    /// testdc's ceiling (`MTBENCH_UPDATES_CONSUMER=raw`): the same burst read by a bare
    /// `MTProtoClient` that decrypts, decodes and acknowledges it and takes each message's push time
    /// from its text; no updates engine, store, events or per-message consumer. Figures as ``once(testdc:count:)``.
    static func rawOnce(testdc: String, count: Int) async throws -> Run {
        let endpoint: (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void) = try await startTestDC(testdc, count: count)
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: endpoint.dc, knownDataCentres: [endpoint.dc], rsaKeys: [endpoint.key], apiID: 1, defaultTimeout: .seconds(60))
        let mtproto: MTProtoClient = MTProtoClient(configuration: configuration)
        let pushed: AsyncStream<Api.Updates> = mtproto.updates
        let reader: Task<Run?, Never> = Task { await readRaw(count, from: pushed) }
        do {
            try await mtproto.connect()
            try await logIn(mtproto)
            // The account's first updates.getState arms the burst.
            _ = try await mtproto.invoke(Api.functions.updates.GetState())
            let watchdog: Task<Void, any Error> = Task {
                try await Task.sleep(for: .seconds(300))
                reader.cancel()
            }
            defer { watchdog.cancel() }
            let run: Run? = await reader.value
            await mtproto.close()
            await endpoint.stop()
            guard let run else { throw Failure(description: "the raw reader did not receive all \(count) pushed messages") }
            return run
        } catch {
            reader.cancel()
            await mtproto.close()
            await endpoint.stop()
            throw error
        }
    }

    /// Reads `count` "bench I T" messages out of the pushed `updates` objects; nil when cancelled first.
    private static func readRaw(_ count: Int, from pushed: AsyncStream<Api.Updates>) async -> Run? {
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var first: UInt64 = 0
        var last: UInt64 = 0
        for await updates in pushed {
            guard case .updates(let u) = updates else { continue }
            let now: UInt64 = monotonicNanoseconds()
            for update in u.updates {
                let message: Api.Message
                switch update {
                case .updateNewMessage(let m): message = m.message
                case .updateNewChannelMessage(let m): message = m.message
                default: continue
                }
                guard case .message(let m) = message, let time = pushTime(in: m.message) else { continue }
                if latencies.isEmpty { first = now }
                last = now
                latencies.append(Double(now &- time) / 1e6)
            }
            if latencies.count >= count || Task.isCancelled { break }
        }
        guard latencies.count >= count else { return nil }
        latencies.sort()
        let span: Double = Double(last - first) / 1e9
        return Run(eventsPerSecond: Double(count) / max(span, 1e-9), p50: latencies[count / 2], p99: latencies[count * 99 / 100])
    }
}

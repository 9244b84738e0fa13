import COpenSSL
import Foundation
import MTProto
import TestDC
import TLSchema

/// MTProto figures: AES-IGE against OpenSSL's CBC, pq factorisation, SRP, and a
/// handshake plus pipelined pings against the in-process test DC on loopback.
enum MTProtoBenchmarks {
    static func megabytesPerSecond(bytes: Int, _ operation: () -> Void) -> Double {
        Measure.rate(rounds: 5, seconds: 0.3, operation) * Double(bytes) / 1e6
    }

    static func crypto() -> [(String, Double)] {
        let size: Int = 1 << 20
        var buffer: [UInt8] = SystemEntropy().randomBytes(count: size)
        let key: [UInt8] = SystemEntropy().randomBytes(count: 32)
        let iv: [UInt8] = SystemEntropy().randomBytes(count: 32)
        let ige: AESIGE = AESIGE(key: key, iv: iv)
        let encrypt: Double = megabytesPerSecond(bytes: size) { ige.encrypt(&buffer) }
        let decrypt: Double = megabytesPerSecond(bytes: size) { ige.decrypt(&buffer) }
        // OpenSSL's own AES-256-CBC encryption: sequential like IGE, the practical ceiling.
        let context: OpaquePointer = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        var out: [UInt8] = [UInt8](repeating: 0, count: size + 16)
        let cbc: Double = megabytesPerSecond(bytes: size) {
            var produced: Int32 = 0
            key.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
                iv.withUnsafeBufferPointer { (v: UnsafeBufferPointer<UInt8>) in
                    _ = EVP_EncryptInit_ex(context, EVP_aes_256_cbc(), nil, k.baseAddress, v.baseAddress)
                }
            }
            _ = EVP_CIPHER_CTX_set_padding(context, 0)
            buffer.withUnsafeBufferPointer { (input: UnsafeBufferPointer<UInt8>) in
                out.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<UInt8>) in
                    _ = EVP_EncryptUpdate(context, o.baseAddress, &produced, input.baseAddress, Int32(size))
                }
            }
        }
        return [("ige_encrypt_mb_per_s", encrypt), ("ige_decrypt_mb_per_s", decrypt), ("openssl_cbc_encrypt_mb_per_s", cbc)]
    }

    static func pqAndSRP() throws -> [(String, Double)] {
        var random: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextPrime31() -> UInt64 {
            while true {
                random = random &* 6364136223846793005 &+ 1442695040888963407
                let candidate: UInt64 = (random >> 33) | 0x4000_0001
                if BigNumber(candidate).isProbablePrime { return candidate & 0x7fff_ffff }
            }
        }
        var times: [Double] = []
        let clock: ContinuousClock = ContinuousClock()
        for _ in 0 ..< 40 {
            let pq: UInt64 = nextPrime31() * nextPrime31()
            let start: ContinuousClock.Instant = clock.now
            blackHole(PQFactorizer.factorize(pq))
            times.append((clock.now - start).seconds * 1000)
        }
        times.sort()
        let g: BigNumber = BigNumber(3)
        let p: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
        let b: [UInt8] = g.power(BigNumber(bytes: SystemEntropy().randomBytes(count: 256)), modulo: p).bytes(paddedTo: 256)!
        let parameters: SRP.Parameters = SRP.Parameters(
            salt1: SystemEntropy().randomBytes(count: 40), salt2: SystemEntropy().randomBytes(count: 16), g: 3,
            p: DHParameters.knownPrime, srpB: b, srpID: 1)
        var srp: [Double] = []
        for _ in 0 ..< 5 {
            let start: ContinuousClock.Instant = clock.now
            blackHole(try SRP.answer(password: "correct horse battery staple", parameters: parameters, entropy: SystemEntropy()))
            srp.append((clock.now - start).seconds * 1000)
        }
        srp.sort()
        return [("pq_factor_ms_median", times[times.count / 2]), ("srp_check_ms", srp[srp.count / 2])]
    }

    /// Key exchange (median of 10 fresh clients) and 10,000 pings with 100 in flight on one connection.
    /// With `testdc` (the path of the `testdc` executable) the server runs in its own process, as
    /// for the Telethon reference; otherwise in this one (then client and server share the cores).
    static func network(testdc: String?) async throws -> [(String, Double)] {
        let endpoint: (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void)
        if let testdc {
            endpoint = try await ExternalTestDC.start(path: testdc)
        } else {
            let server: TestDataCentre = TestDataCentre(dcs: [1])
            try await server.start()
            endpoint = (await server.dataCentres[0], server.rsaKey.publicKey, { await server.stop() })
        }
        let dc: DataCentre = endpoint.dc
        // One key exchange per connection, as Telethon's figure (PFS adds a second exchange and a bind).
        func configuration() -> ClientConfiguration {
            ClientConfiguration(dataCentre: dc, knownDataCentres: [dc], rsaKeys: [endpoint.key], apiID: 1, temporaryKeyLifetime: nil)
        }
        let clock: ContinuousClock = ContinuousClock()
        var handshakes: [Double] = []
        for _ in 0 ..< 10 {
            let client: MTProtoClient = MTProtoClient(configuration: configuration())
            let start: ContinuousClock.Instant = clock.now
            try await client.connect()
            handshakes.append((clock.now - start).seconds * 1000)
            await client.close()
        }
        handshakes.sort()
        let client: MTProtoClient = MTProtoClient(configuration: configuration())
        try await client.connect()
        let total: Int = Int(ProcessInfo.processInfo.environment["MTBENCH_PINGS"] ?? "") ?? 10_000
        let inFlight: Int = 100
        // Untimed pings of the same kind first (the Telethon script does the same), so the figure is
        // the steady state of a long-running client: threads, allocator and caches have settled.
        let warmup: Int = Int(ProcessInfo.processInfo.environment["MTBENCH_WARMUP"] ?? "") ?? 100_000
        _ = try await pingRound(client, total: warmup, inFlight: inFlight)
        let start: ContinuousClock.Instant = clock.now
        var latencies: [Double] = try await pingRound(client, total: total, inFlight: inFlight)
        let elapsed: Double = (clock.now - start).seconds
        latencies.sort()
        await client.close()
        await endpoint.stop()
        return [
            ("handshake_ms", handshakes[handshakes.count / 2]),
            ("ping_rpcs_per_s", Double(total) / elapsed),
            ("ping_p50_ms", latencies[latencies.count / 2]),
            ("ping_p99_ms", latencies[latencies.count * 99 / 100]),
        ]
    }
}

extension MTProtoBenchmarks {
    /// `total` pings with `inFlight` outstanding at once; returns each one's latency in ms, unsorted.
    static func pingRound(_ client: MTProtoClient, total: Int, inFlight: Int) async throws -> [Double] {
        let clock: ContinuousClock = ContinuousClock()
        return try await withThrowingTaskGroup(of: [Double].self) { (group: inout ThrowingTaskGroup<[Double], any Error>) in
            for worker in 0 ..< inFlight {
                group.addTask {
                    var mine: [Double] = []
                    mine.reserveCapacity(total / inFlight + 1)
                    var i: Int = worker
                    while i < total {
                        let sent: ContinuousClock.Instant = clock.now
                        let pong: MT.Pong = try await client.invoke(MT.functions.Ping(pingId: Int64(i)))
                        guard pong.pingId == Int64(i) else { throw PingMismatch(sent: Int64(i), received: pong.pingId) }
                        mine.append((clock.now - sent).seconds * 1000)
                        i += inFlight
                    }
                    return mine
                }
            }
            var all: [Double] = []
            all.reserveCapacity(total)
            for try await part in group { all += part }
            return all
        }
    }

    struct PingMismatch: Error {
        var sent: Int64
        var received: Int64
    }
}

/// The `testdc` executable in its own process: started with `--port 0 --rsa-key-out FILE` (and any
/// further arguments), read
/// until its JSON line, stopped with SIGTERM.
enum ExternalTestDC {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func start(path: String, arguments extra: [String] = []) async throws -> (dc: DataCentre, key: RSAPublicKey, stop: () async -> Void) {
        let keyFile: String = NSTemporaryDirectory() + "mtbench-testdc-\(getpid()).pem"
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0", "--rsa-key-out", keyFile] + extra
        let output: Pipe = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while line.last != 0x0a {
            let chunk: Data = output.fileHandleForReading.readData(ofLength: 1)
            if chunk.isEmpty { throw Failure(description: "testdc exited before it was ready") }
            line += chunk
        }
        struct Ready: Decodable { var port: Int; var dc: Int }
        let ready: Ready = try JSONDecoder().decode(Ready.self, from: Data(line))
        let key: RSAPublicKey = try RSAPublicKey(pem: try String(contentsOfFile: keyFile, encoding: .utf8))
        try? FileManager.default.removeItem(atPath: keyFile)
        let dc: DataCentre = DataCentre(id: ready.dc, host: "127.0.0.1", port: ready.port)
        return (dc, key, {
            process.terminate()
            process.waitUntilExit()
        })
    }
}

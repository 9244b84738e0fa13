import Foundation
@testable import MTProto
import MTProtoFuzzing
import Synchronization
import Testing

/// Inputs that once crashed a fuzz target (Scripts/fuzz.sh), replayed exactly as the target does.
struct FuzzRegressionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    /// A `bad_msg_notification` 16 carried by a message whose msg_id time is far from ours made
    /// the time-offset arithmetic trap; now the offset is clamped and the packet processed.
    @Test func aFarAwayServerTimeNoLongerTraps() throws {
        let input: [UInt8] = try Self.fixture("fuzz-crash-session-time-offset.bin")
        let key: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(($0 * 13 + 7) & 0xff) })!
        var session: SessionState = SessionState(authKey: key, salt: 1, timeOffset: 0, timeSynchronised: false, sessionID: 7)
        let now: Double = 1_735_689_600
        let padded: [UInt8] = input.count % 4 == 0 ? input : input + [UInt8](repeating: 0, count: 4 - input.count % 4)
        let packet: [UInt8] = Envelope(authKey: key).encrypt(
            salt: 1, sessionID: 7, messageID: Int64(now) << 32 | 1, seqNo: 1, body: padded, sender: .server, entropy: SystemEntropy())
        _ = try? session.receive(packet, now: now)
        _ = session.nextPacket(now: now)
        // The notice was applied (the clock is now taken from the server), without trapping.
        #expect(session.timeSynchronised)
    }

    /// Fuzzing with fixed randomness hung RSA_PAD, which retried the same temporary key forever;
    /// the loop is bounded now and broken randomness is a typed error.
    @Test func rsaPadGivesUpOnRandomnessThatNeverChanges() {
        struct Constant: EntropySource {
            var byte: UInt8
            func randomBytes(count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }
        }
        var refused: Int = 0
        for byte in 0 ... 255 {
            let outcome: Result<[UInt8], RSAPad.Failure> = Result { () throws(RSAPad.Failure) -> [UInt8] in
                try RSAPad.encrypt([1, 2, 3], key: TelegramKeys.production[0], entropy: Constant(byte: UInt8(byte)))
            }
            switch outcome {
            case .failure(let failure):
                #expect(failure == .noSuitableTemporaryKey)
                refused += 1
            case .success(let bytes):
                #expect(bytes.count == 256)
            }
        }
        // Without the bound, the first of these would loop forever.
        #expect(refused > 0)
    }

    /// FuzzHandshake (the key-holding server) timed out on a resPQ whose pq, 0x756dffffff03, is prime:
    /// Pollard's rho never finds a factor of a prime, and its cycle search ran on to 2^40 steps for
    /// each of 64 seeds. Primes are refused first now (Miller–Rabin) and the search is bounded. Run on
    /// another thread with a deadline, so that a regression fails the test instead of hanging it.
    @Test func aPrimePQNoLongerHangsTheClient() throws {
        let input: [UInt8] = try Self.fixture("fuzz-timeout-handshake-prime-pq.bin")
        let finished: DispatchSemaphore = DispatchSemaphore(value: 0)
        let outcomes: Mutex<[String]> = Mutex([])
        DispatchQueue.global().async {
            var seen: [String] = ["\(HandshakeFuzzServer.run(input))"]
            for prime in [UInt64(0x756d_ffff_ff03), 1_000_000_007, 9_223_372_036_854_775_783, 18_446_744_073_709_551_557] {
                seen.append("\(prime): \(PQFactorizer.factorize(prime).map { "\($0.p)×\($0.q)" } ?? "nil")")
            }
            // The largest semiprime of two 32-bit primes still factors within the bound.
            let factors: (p: UInt64, q: UInt64)? = PQFactorizer.factorize(4_294_967_279 * 4_294_967_291)
            seen.append(factors.map { "\($0.p)×\($0.q)" } ?? "nil")
            outcomes.withLock { $0 = seen }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 30) == .success, "the factorisation did not finish in 30 s")
        #expect(outcomes.withLock { $0 } == [
            "\(HandshakeFuzzOutcome.refused(.resPQ, .pqNotFactorizable))",
            "129115306852099: nil", "1000000007: nil", "9223372036854775783: nil", "18446744073709551557: nil",
            "4294967279×4294967291",
        ])
        #expect(PQFactorizer.isPrime(4_294_967_291) && !PQFactorizer.isPrime(4_294_967_291 * 3))
    }
}

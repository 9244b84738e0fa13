import Foundation
import MTProto
import MTProtoFuzzing
import TLSchema
import Testing

/// The committed seeds of FuzzHandshake and FuzzEnvelope (written by `Scripts/fuzz-corpus.py`) run
/// through the same harness code the fuzz targets run, each asserting the check its name promises:
/// so the harnesses are known to reach every check, and a change that makes them stop short fails here.
struct FuzzCorpusReachTests {
    static func seed(_ target: String, _ name: String) throws -> [UInt8] {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Corpus/\(target)/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    static func seedNames(_ target: String) throws -> Set<String> {
        let folder: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/Corpus/\(target)")
        return Set(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("check-") })
    }

    // MARK: Key exchange

    static let handshake: [String: HandshakeFuzzOutcome] = [
        "check-established": .established(retries: 0),
        "check-respq-nonce": .refused(.resPQ, .nonceMismatch),
        "check-respq-fingerprints": .refused(.resPQ, .unknownFingerprints([0x0102_0304_0506_0708])),
        "check-respq-pq": .refused(.resPQ, .pqNotFactorizable),
        "check-respq-raw": .refused(.resPQ, .unexpectedMessage(TLConstructorID.hex(0xefbe_adde))),
        "check-respq-wrong-step": .refused(.resPQ, .unexpectedMessage("server_DH_params_fail")),
        "check-dh-fail-refused": .refused(.serverDHParams, .serverRefusedDHParams),
        "check-dh-fail-hash": .refused(.serverDHParams, .newNonceHashMismatch),
        "check-dh-fail-nonce": .refused(.serverDHParams, .nonceMismatch),
        "check-dh-fail-server-nonce": .refused(.serverDHParams, .serverNonceMismatch),
        "check-dh-nonce": .refused(.serverDHParams, .nonceMismatch),
        "check-dh-server-nonce": .refused(.serverDHParams, .serverNonceMismatch),
        "check-dh-answer-length": .refused(.serverDHParams, .invalidEncryptedAnswerLength(17)),
        "check-dh-answer-garbage": .refused(.serverDHParams, .answerHashMismatch),
        "check-dh-answer-sha1": .refused(.serverDHParams, .answerHashMismatch),
        "check-dh-answer-padding": .refused(.serverDHParams, .answerPaddingTooLong(24)),
        "check-dh-inner-nonce": .refused(.serverDHParams, .nonceMismatch),
        "check-dh-inner-server-nonce": .refused(.serverDHParams, .serverNonceMismatch),
        "check-dh-raw": .refused(.serverDHParams, .unexpectedMessage(TLConstructorID.hex(0x0403_0201))),
        "check-prime-leading-zero": .established(retries: 0),
        "check-prime-changed": .refused(.serverDHParams, .invalidDHParameters(.primeNotSafe)),
        "check-prime-short": .refused(.serverDHParams, .invalidDHParameters(.primeNotSafe)),
        "check-prime-other-safe": .established(retries: 0),
        "check-prime-raw": .refused(.serverDHParams, .invalidDHParameters(.primeNotSafe)),
        "check-generator-8": .refused(.serverDHParams, .invalidDHParameters(.invalidGenerator(8))),
        "check-generator-negative": .refused(.serverDHParams, .invalidDHParameters(.invalidGenerator(-1))),
        "check-ga-one": .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
        "check-ga-below-margin": .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
        // At either edge of the margin g_a is accepted; the server does not know a, so its hash is wrong.
        "check-ga-at-margin": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-ga-at-top-margin": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-ga-above-top-margin": .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
        "check-ga-p-minus-one": .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
        "check-ga-raw": .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
        "check-gen-retry-then-ok": .established(retries: 1),
        "check-gen-fail": .refused(.dhAnswer, .serverRejectedKey),
        "check-gen-ok-hash": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-gen-ok-other-number": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-gen-retry-hash": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-gen-fail-hash": .refused(.dhAnswer, .newNonceHashMismatch),
        "check-gen-nonce": .refused(.dhAnswer, .nonceMismatch),
        "check-gen-server-nonce": .refused(.dhAnswer, .serverNonceMismatch),
        "check-gen-raw": .refused(.dhAnswer, .unexpectedMessage(TLConstructorID.hex(0x0909_0909))),
        "check-gen-too-many-retries": .refused(.dhAnswer, .tooManyRetries),
    ]

    @Test(arguments: handshake.keys.sorted())
    func handshakeSeedReachesItsCheck(_ name: String) throws {
        let outcome: HandshakeFuzzOutcome = HandshakeFuzzServer.run(try Self.seed("FuzzHandshake", name))
        #expect(outcome == Self.handshake[name], "\(name)")
    }

    @Test func everyHandshakeSeedHasAnExpectation() throws {
        #expect(try Self.seedNames("FuzzHandshake") == Set(Self.handshake.keys))
    }

    /// Each check the client makes on the DH answers is named by some seed.
    @Test func theSeedsCoverEveryDHCheck() {
        let reached: [HandshakeFuzzOutcome] = Array(Self.handshake.values)
        let required: [HandshakeFuzzOutcome] = [
            .refused(.serverDHParams, .invalidDHParameters(.primeNotSafe)),
            .refused(.serverDHParams, .invalidDHParameters(.invalidGenerator(8))),
            .refused(.serverDHParams, .invalidDHParameters(.valueOutOfRange)),
            .refused(.serverDHParams, .answerPaddingTooLong(24)),
            .refused(.serverDHParams, .serverRefusedDHParams),
            .refused(.dhAnswer, .newNonceHashMismatch),
            .refused(.dhAnswer, .serverRejectedKey),
            .refused(.dhAnswer, .tooManyRetries),
            .established(retries: 1),
        ]
        for outcome in required { #expect(reached.contains(outcome), "\(outcome)") }
    }

    /// Random inputs never leave the server unable to read the client (the fuzz target traps on it).
    @Test func randomInputsKeepTheServerPlaying() {
        let entropy: RepeatableEntropy = RepeatableEntropy(seed: 42)
        for _ in 0 ..< 200 {
            let input: [UInt8] = entropy.randomBytes(count: Int(entropy.randomBytes(count: 1)[0]) % 48)
            let outcome: HandshakeFuzzOutcome = HandshakeFuzzServer.run(input)
            if case .serverStopped(let reason) = outcome { Issue.record("server stopped: \(reason) on \(input)") }
        }
    }

    // MARK: Session

    typealias Check = @Sendable (EnvelopeFuzzReport) -> Bool
    static let boolTrue: [UInt8] = [0xb5, 0x75, 0x72, 0x99]
    static let ping: UInt32 = 0x7abe_77ec
    static let getConfig: RequestToken = 2
    static let nearestDC: RequestToken = 5

    static let envelope: [String: Check] = [
        "check-rpc-result": { $0.events.contains(.result(getConfig, boolTrue)) && $0.pendingAtEnd == 4 },
        "check-rpc-error": { $0.events.contains(.rpcError(getConfig, RPCError(code: 420, message: "FLOOD_WAIT_3"))) },
        "check-rpc-gzip": { $0.events.contains(.result(getConfig, boolTrue)) },
        "check-rpc-gzip-error": { $0.events.contains(.rpcError(getConfig, RPCError(code: 400, message: "FLOOD_WAIT_3"))) },
        "check-rpc-dropped": { $0.events.contains(.requestFailed(getConfig, .answerDropped)) },
        "check-container-results": { $0.events.contains(.result(getConfig, boolTrue)) && $0.events.contains(.result(nearestDC, boolTrue)) },
        "check-gzip-result": { $0.events.contains(.result(getConfig, boolTrue)) },
        "check-pong": { $0.events.contains { if case .result(1, _) = $0 { true } else { false } } },
        "check-future-salts": { report in
            report.saltAtEnd == 0x1234 && report.events.contains { if case .result(3, _) = $0 { true } else { false } }
        },
        "check-destroy-auth-key": { $0.events.contains(.result(4, [0xd4, 0xe1, 0x60, 0xf6])) },
        "check-bad-msg-64": { $0.events.contains(.requestFailed(getConfig, .badMessage(code: 64))) && $0.pendingAtEnd == 4 },
        // The clock is taken from the server and the whole container goes again.
        "check-bad-msg-16": { $0.events.contains(.parametersChanged) && $0.clientMessages.contains(ping) && $0.pendingAtEnd == 5 },
        "check-bad-msg-17": { $0.sessionIDAtEnd != 7 && $0.clientMessages.contains(ping) },
        "check-bad-msg-32": { $0.sessionIDAtEnd != 7 && $0.clientMessages.contains(ping) },
        "check-bad-server-salt": { $0.saltAtEnd == 0x1234 && $0.clientMessages.contains(ping) },
        // Acknowledged help.getConfig is asked about after the reconnect, not resent.
        "check-ack-then-reconnect": { $0.clientMessages.contains(0xda69_fb52) && $0.clientMessages.contains(ping) },
        "check-state-request": { $0.clientMessages.contains(0x04de_b57d) },
        "check-resend-request": { $0.clientMessages.contains(ping) },
        "check-resend-request-unknown": { $0.clientMessages.contains(0x04de_b57d) && !$0.clientMessages.contains(ping) },
        "check-new-detailed-info": { $0.clientMessages.contains(0x7d86_1a08) },
        "check-new-session": { $0.events.contains(.newSessionCreated) && $0.saltAtEnd == 0x1234 },
        "check-updates": { $0.events.contains(.updates([0x7e, 0xaf, 0x17, 0xe3])) && $0.clientMessages.contains(0x62d6_b459) },
        "check-mac": { if case .envelope = $0.refusals.first { $0.events.isEmpty } else { false } },
        "check-wrong-session": { $0.refusals == [.wrongSession(6)] },
        "check-even-id": { if case .evenMessageID = $0.refusals.first { true } else { false } },
        "check-old-id": { if case .outsideTimeWindow = $0.refusals.first { true } else { false } },
        "check-replay": { report in
            report.events.filter { if case .updates = $0 { true } else { false } }.count == 1
                && { if case .replayed = report.refusals.first { true } else { false } }()
        },
        "check-future-id": { $0.events == [.parametersChanged] && $0.refusals.isEmpty },
        "check-raw-packet": { if case .envelope = $0.refusals.first { true } else { false } },
    ]

    @Test(arguments: envelope.keys.sorted())
    func envelopeSeedReachesItsCheck(_ name: String) throws {
        let report: EnvelopeFuzzReport = EnvelopeFuzzServer.run(try Self.seed("FuzzEnvelope", name))
        #expect(report.requests == [1, 2, 3, 4, 5])
        #expect(Self.envelope[name]?(report) == true, "\(name): \(report)")
    }

    @Test func everyEnvelopeSeedHasAnExpectation() throws {
        #expect(try Self.seedNames("FuzzEnvelope") == Set(Self.envelope.keys))
    }
}

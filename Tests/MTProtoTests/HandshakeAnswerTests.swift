@testable import MTProto
import TLSchema
import Testing

/// The key exchange past the official sample's happy path (auth-key notes §7–§10): server_nonce
/// echoed at every step, `dh_gen_retry` and `dh_gen_fail`, and g_b drawn again until it is in range.
@Suite struct HandshakeAnswerTests {
    typealias Vector = HandshakeVectorTests

    enum Answer {
        case ok, retry, fail
    }

    /// A `set_client_DH_params` answer for `key`, its new_nonce_hash1/2/3 right unless `hash` is given.
    static func dhGen(_ answer: Answer, key: AuthKey, hash: [UInt8]? = nil, serverNonce: [UInt8] = Vector.serverNonce) -> [UInt8] {
        let nonce: TLInt128 = TLInt128(bytes: Vector.nonce)!
        let server: TLInt128 = TLInt128(bytes: serverNonce)!
        func expected(_ number: UInt8) -> TLInt128 {
            TLInt128(bytes: hash ?? HandshakeKDF.newNonceHash(Vector.newNonce, number: number, authKey: key))!
        }
        switch answer {
        case .ok:
            return Vector.plain(MT.SetClientDHParamsAnswer.dhGenOk(.init(nonce: nonce, serverNonce: server, newNonceHash1: expected(1))))
        case .retry:
            return Vector.plain(MT.SetClientDHParamsAnswer.dhGenRetry(.init(nonce: nonce, serverNonce: server, newNonceHash2: expected(2))))
        case .fail:
            return Vector.plain(MT.SetClientDHParamsAnswer.dhGenFail(.init(nonce: nonce, serverNonce: server, newNonceHash3: expected(3))))
        }
    }

    /// A client that has answered the sample's DH parameters, and its `set_client_DH_params`.
    static func clientAtDHAnswer(_ entropy: ScriptedEntropy = Vector.sampleEntropy()) throws -> (ClientHandshake, [UInt8]) {
        var client: ClientHandshake = ClientHandshake(dcID: 2, keys: TelegramKeys.production, entropy: entropy)
        _ = client.start(now: Vector.now)
        _ = try client.receive(Vector.resPQ(), now: Vector.now)
        let step: ClientHandshake.Step = try client.receive(Vector.dhParams(), now: Vector.now)
        guard case .send(let message) = step else { throw HandshakeError.unexpectedMessage("\(step)") }
        return (client, message)
    }

    /// The `client_DH_inner_data` a `set_client_DH_params` message carries.
    static func inner(of message: [UInt8]) throws -> MT.ClientDHInnerData {
        let set: MT.functions.SetClientDHParams = try MT.functions.SetClientDHParams(decoding: try PlainMessage.decode(message).body)
        let (key, iv): ([UInt8], [UInt8]) = HandshakeKDF.temporaryKeyAndIV(newNonce: Vector.newNonce, serverNonce: Vector.serverNonce)
        var reader: TLReader = TLReader(Array(AESIGE.decrypt(set.encryptedData, key: key, iv: iv)[20...]))
        return try MT.ClientDHInnerData(from: &reader)
    }

    /// The key `g_a^b mod p` of the sample's g_a.
    static func key(b: [UInt8]) -> AuthKey {
        let p: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
        return AuthKey(bytes: BigNumber(bytes: Vector.gA).power(BigNumber(bytes: b), modulo: p).bytes(paddedTo: 256)!)!
    }

    static func error(_ client: inout ClientHandshake, _ packet: [UInt8]) -> HandshakeError? {
        do {
            _ = try client.receive(packet, now: Vector.now)
            return nil
        } catch {
            return error
        }
    }

    @Test func serverNonceMustBeEchoedAtEveryStep() throws {
        let other: [UInt8] = [UInt8](repeating: 7, count: 16)
        #expect(Vector.failure(at: 2, with: Vector.dhParams(outerServerNonce: other)) == .serverNonceMismatch)
        #expect(Vector.failure(at: 2, with: Vector.dhParams(innerServerNonce: other)) == .serverNonceMismatch)
        #expect(Vector.failure(at: 2, with: Vector.dhParamsFail(serverNonce: other)) == .serverNonceMismatch)
        let key: AuthKey = Self.key(b: Vector.b)
        for answer in [Answer.ok, .retry, .fail] {
            var (client, _): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
            #expect(Self.error(&client, Self.dhGen(answer, key: key, serverNonce: other)) == .serverNonceMismatch, "\(answer)")
        }
    }

    @Test func dhGenRetrySendsTheOldKeysAuxHashWithANewGB() throws {
        let secondB: [UInt8] = Vector.b.map { $0 ^ 0x5a }
        let sample: ScriptedEntropy = Vector.sampleEntropy()
        var draws: Int = 0
        let entropy: ScriptedEntropy = ScriptedEntropy { (count: Int) -> [UInt8] in
            guard count == 256 else { return sample.randomBytes(count: count) }
            draws += 1
            return draws == 1 ? Vector.b : secondB
        }
        var (client, first): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer(entropy)
        let firstKey: AuthKey = Self.key(b: Vector.b)
        #expect(try Self.inner(of: first).retryId == 0)
        let step: ClientHandshake.Step = try client.receive(Self.dhGen(.retry, key: firstKey), now: Vector.now)
        guard case .send(let second) = step else {
            Issue.record("expected set_client_DH_params again, got \(step)")
            return
        }
        let retried: MT.ClientDHInnerData = try Self.inner(of: second)
        #expect(retried.retryId == Int64(littleEndianBytes: firstKey.auxHash))
        #expect(retried.gB != (try Self.inner(of: first)).gB)
        let secondKey: AuthKey = Self.key(b: secondB)
        guard case .done(let result) = try client.receive(Self.dhGen(.ok, key: secondKey), now: Vector.now) else {
            Issue.record("expected the key")
            return
        }
        #expect(result.authKey == secondKey)
        // A retry whose new_nonce_hash2 is not the key's is refused.
        var (forged, _): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
        #expect(Self.error(&forged, Self.dhGen(.retry, key: firstKey, hash: [UInt8](repeating: 1, count: 16))) == .newNonceHashMismatch)
    }

    @Test func fiveRetriesAreAnsweredAndTheSixthEndsTheExchange() throws {
        var (client, _): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
        let key: AuthKey = Self.key(b: Vector.b)  // the sample's entropy draws the same b every time
        for _ in 1 ... 5 {
            guard case .send = try client.receive(Self.dhGen(.retry, key: key), now: Vector.now) else {
                Issue.record("a retry was not answered")
                return
            }
        }
        #expect(Self.error(&client, Self.dhGen(.retry, key: key)) == .tooManyRetries)
    }

    @Test func dhGenFailEndsTheExchangeOnlyWithTheRightHash() throws {
        let key: AuthKey = Self.key(b: Vector.b)
        var (client, _): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
        #expect(Self.error(&client, Self.dhGen(.fail, key: key)) == .serverRejectedKey)
        #expect(Self.error(&client, Self.dhGen(.ok, key: key)) == .finished)
        var (forged, _): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
        #expect(Self.error(&forged, Self.dhGen(.fail, key: key, hash: [UInt8](repeating: 1, count: 16))) == .newNonceHashMismatch)
    }

    /// b = 0 gives g_b = 1 (not above 1); b = 1 gives g_b = 3 (above 1, but below 2^(2048−64)):
    /// both are drawn again, and the third draw, the sample's b, is sent.
    @Test func gBIsDrawnAgainUntilItIsInRange() throws {
        let sample: ScriptedEntropy = Vector.sampleEntropy()
        var draws: Int = 0
        let entropy: ScriptedEntropy = ScriptedEntropy { (count: Int) -> [UInt8] in
            guard count == 256 else { return sample.randomBytes(count: count) }
            draws += 1
            switch draws {
            case 1: return [UInt8](repeating: 0, count: 256)
            case 2: return [UInt8](repeating: 0, count: 255) + [1]
            default: return Vector.b
            }
        }
        let (_, message): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer(entropy)
        let (_, sampleMessage): (ClientHandshake, [UInt8]) = try Self.clientAtDHAnswer()
        #expect(draws == 3)
        #expect(try Self.inner(of: message).gB == (try Self.inner(of: sampleMessage)).gB)
    }

    @Test func theRangeKeepsA2To1984MarginFromBothEnds() {
        let p: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
        let margin: BigNumber = BigNumber.powerOfTwo(2048 - 64)
        func inRange(_ value: BigNumber) -> Bool { (try? DHParameters.checkRange(value, prime: p)) != nil }
        #expect(!inRange(BigNumber(2)))
        #expect(!inRange(margin.subtracting(BigNumber(1))))
        #expect(inRange(margin))
        #expect(inRange(p.subtracting(margin)))
        #expect(!inRange(p.subtracting(margin).adding(BigNumber(1))))
        #expect(!inRange(p.subtracting(BigNumber(2))))
    }
}

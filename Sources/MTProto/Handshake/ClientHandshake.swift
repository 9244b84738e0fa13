import TLSchema

/// The client side of the auth-key exchange as a state machine (auth-key notes §1–§10): feed it the
/// server's unencrypted packets, send what it returns. Time and randomness are injected, so it runs
/// without sockets. Every check of the notes is applied; any failure is a ``HandshakeError`` and the
/// caller restarts from a fresh connection.
public struct ClientHandshake: Sendable {
    /// What to do after a step.
    public enum Step: Sendable, Equatable {
        /// Send these bytes (an unencrypted MTProto message) and wait for the answer.
        case send([UInt8])
        /// The key is established.
        case done(HandshakeResult)
    }

    private enum State: Sendable {
        case idle
        case waitingForResPQ
        case waitingForDHParams(serverNonce: TLInt128, newNonce: [UInt8])
        case waitingForDHAnswer(serverNonce: TLInt128, newNonce: [UInt8], context: DHContext)
        case finished
    }

    /// What the DH step needs again if the server asks for a retry.
    private struct DHContext: Sendable {
        var authKey: AuthKey
        var g: Int32
        var prime: [UInt8]
        var gA: [UInt8]
        var timeOffset: Int32
        var tmpKey: [UInt8]
        var tmpIV: [UInt8]
        var retries: Int
    }

    /// The DC id sent in `p_q_inner_data_dc` (+10000 on test servers, negative for media-only DCs).
    public let dcID: Int32
    /// For a temporary (PFS) key: its lifetime in seconds.
    public let temporaryKeyLifetime: Int32?
    private let keys: [RSAPublicKey]
    private let entropy: any EntropySource
    private var state: State = .idle
    private var nonce: TLInt128 = TLInt128(low: 0, high: 0)
    private var messageIDs: MessageIDGenerator = MessageIDGenerator()
    private var timeOffset: Int32 = 0

    /// `keys` are the RSA keys to trust (the first one the server lists in `resPQ` is used); a
    /// `temporaryKeyLifetime` makes a temporary (PFS) key; `entropy` supplies nonces, exponents and padding.
    public init(dcID: Int32, keys: [RSAPublicKey], temporaryKeyLifetime: Int32? = nil, entropy: any EntropySource = SystemEntropy()) {
        self.dcID = dcID
        self.keys = keys
        self.temporaryKeyLifetime = temporaryKeyLifetime
        self.entropy = entropy
    }

    private mutating func message(_ body: [UInt8], now: Double) -> [UInt8] {
        PlainMessage.encode(messageID: messageIDs.next(now: now, timeOffset: timeOffset), body: body)
    }

    /// The first message: `req_pq_multi` with a fresh nonce.
    public mutating func start(now: Double) -> [UInt8] {
        nonce = TLInt128(bytes: entropy.randomBytes(count: 16))!
        state = .waitingForResPQ
        return message(MT.functions.ReqPqMulti(nonce: nonce).serializedBytes(), now: now)
    }

    /// Handles one packet from the server.
    public mutating func receive(_ packet: [UInt8], now: Double) throws(HandshakeError) -> Step {
        let body: [UInt8]
        do {
            body = try PlainMessage.decode(packet).body
        } catch {
            state = .finished
            throw HandshakeError.malformedPacket(error)
        }
        do throws(HandshakeError) {
            switch state {
            case .waitingForResPQ:
                return try handleResPQ(try decode(MT.ResPQ.self, body), now: now)
            case .waitingForDHParams(let serverNonce, let newNonce):
                return try handleDHParams(try decode(MT.ServerDHParams.self, body), serverNonce: serverNonce, newNonce: newNonce, now: now)
            case .waitingForDHAnswer(let serverNonce, let newNonce, let context):
                return try handleDHAnswer(
                    try decode(MT.SetClientDHParamsAnswer.self, body), serverNonce: serverNonce, newNonce: newNonce, context: context, now: now)
            case .idle, .finished:
                throw HandshakeError.finished
            }
        } catch {
            state = .finished
            throw error
        }
    }

    private func decode<T: TLObject>(_ type: T.Type, _ body: [UInt8]) throws(HandshakeError) -> T {
        var reader: TLReader = TLReader(body)
        do {
            return try T(from: &reader)
        } catch {
            if case .unknownConstructor(let id, _, _) = error {
                throw HandshakeError.unexpectedMessage(TLRegistry.name(of: id) ?? TLConstructorID.hex(id))
            }
            throw HandshakeError.decoding(error)
        }
    }

    private mutating func handleResPQ(_ res: MT.ResPQ, now: Double) throws(HandshakeError) -> Step {
        guard res.nonce == nonce else { throw HandshakeError.nonceMismatch }
        guard let key = keys.first(where: { res.serverPublicKeyFingerprints.contains($0.fingerprint) }) else {
            throw HandshakeError.unknownFingerprints(res.serverPublicKeyFingerprints)
        }
        guard res.pq.count <= 8, res.pq.count > 0 else { throw HandshakeError.pqNotFactorizable }
        var pq: UInt64 = 0
        for b in res.pq { pq = pq << 8 | UInt64(b) }
        guard let (p, q) = PQFactorizer.factorize(pq) else { throw HandshakeError.pqNotFactorizable }
        let newNonce: [UInt8] = entropy.randomBytes(count: 32)
        let inner: MT.PQInnerData
        if let lifetime = temporaryKeyLifetime {
            inner = .pQInnerDataTempDc(MT.PQInnerData.PQInnerDataTempDc(
                pq: res.pq, p: minimalBytes(p), q: minimalBytes(q), nonce: nonce, serverNonce: res.serverNonce,
                newNonce: TLInt256(bytes: newNonce)!, dc: dcID, expiresIn: lifetime))
        } else {
            inner = .pQInnerDataDc(MT.PQInnerData.PQInnerDataDc(
                pq: res.pq, p: minimalBytes(p), q: minimalBytes(q), nonce: nonce, serverNonce: res.serverNonce,
                newNonce: TLInt256(bytes: newNonce)!, dc: dcID))
        }
        let padded: Result<[UInt8], RSAPad.Failure> = Result { () throws(RSAPad.Failure) -> [UInt8] in
            try RSAPad.encrypt(inner.serializedData(), key: key, entropy: entropy)
        }
        guard case .success(let encrypted) = padded else {
            if case .failure(.noSuitableTemporaryKey) = padded { throw HandshakeError.brokenRandomness }
            throw HandshakeError.innerDataTooLong
        }
        let request: MT.functions.ReqDHParams = MT.functions.ReqDHParams(
            nonce: nonce, serverNonce: res.serverNonce, p: minimalBytes(p), q: minimalBytes(q),
            publicKeyFingerprint: key.fingerprint, encryptedData: encrypted)
        state = .waitingForDHParams(serverNonce: res.serverNonce, newNonce: newNonce)
        return .send(message(request.serializedBytes(), now: now))
    }

    private mutating func handleDHParams(
        _ answer: MT.ServerDHParams, serverNonce: TLInt128, newNonce: [UInt8], now: Double
    ) throws(HandshakeError) -> Step {
        let params: MT.ServerDHParams.ServerDHParamsOk
        switch answer {
        case .serverDHParamsOk(let ok):
            params = ok
        case .serverDHParamsFail(let fail):
            // Checked like any answer: only the server that saw our new_nonce can refuse for real.
            guard fail.nonce == nonce else { throw HandshakeError.nonceMismatch }
            guard fail.serverNonce == serverNonce else { throw HandshakeError.serverNonceMismatch }
            guard ConstantTime.equals(fail.newNonceHash.bytes, Array(Hash.sha1(newNonce)[4 ..< 20])) else {
                throw HandshakeError.newNonceHashMismatch
            }
            throw HandshakeError.serverRefusedDHParams
        }
        guard params.nonce == nonce else { throw HandshakeError.nonceMismatch }
        guard params.serverNonce == serverNonce else { throw HandshakeError.serverNonceMismatch }
        let encrypted: [UInt8] = params.encryptedAnswer
        guard encrypted.count % 16 == 0, encrypted.count >= 32 else {
            throw HandshakeError.invalidEncryptedAnswerLength(encrypted.count)
        }
        let (tmpKey, tmpIV): ([UInt8], [UInt8]) = HandshakeKDF.temporaryKeyAndIV(newNonce: newNonce, serverNonce: serverNonce.bytes)
        let plain: [UInt8] = AESIGE.decrypt(encrypted, key: tmpKey, iv: tmpIV)
        var reader: TLReader = TLReader(Array(plain[20...]))
        let inner: MT.ServerDHInnerData
        do {
            inner = try MT.ServerDHInnerData(from: &reader)
        } catch {
            throw HandshakeError.answerHashMismatch
        }
        let answer: [UInt8] = Array(plain[20 ..< 20 + reader.offset])
        guard ConstantTime.equals(Hash.sha1(answer), Array(plain[0 ..< 20])) else { throw HandshakeError.answerHashMismatch }
        guard reader.remaining < 16 else { throw HandshakeError.answerPaddingTooLong(reader.remaining) }
        guard inner.nonce == nonce else { throw HandshakeError.nonceMismatch }
        guard inner.serverNonce == serverNonce else { throw HandshakeError.serverNonceMismatch }
        do {
            try DHParameters.checkPrime(inner.dhPrime)
            try DHParameters.checkGenerator(inner.g, prime: inner.dhPrime)
            try DHParameters.checkRange(BigNumber(bytes: inner.gA), prime: BigNumber(bytes: inner.dhPrime))
        } catch {
            throw HandshakeError.invalidDHParameters(error)
        }
        timeOffset = Int32(clamping: Int64(inner.serverTime) - Int64(now.rounded(.down)))
        var context: DHContext = DHContext(
            authKey: AuthKey(bytes: [UInt8](repeating: 0, count: 256))!, g: inner.g, prime: inner.dhPrime, gA: inner.gA,
            timeOffset: timeOffset, tmpKey: tmpKey, tmpIV: tmpIV, retries: 0)
        return .send(clientDHMessage(&context, retryID: 0, serverNonce: serverNonce, newNonce: newNonce, now: now))
    }

    /// Builds `set_client_DH_params` with a fresh `b` and remembers the resulting key in `context`.
    private mutating func clientDHMessage(
        _ context: inout DHContext, retryID: Int64, serverNonce: TLInt128, newNonce: [UInt8], now: Double
    ) -> [UInt8] {
        let p: BigNumber = BigNumber(bytes: context.prime)
        let g: BigNumber = BigNumber(UInt64(context.g))
        var b: BigNumber
        var gB: BigNumber
        repeat {
            b = BigNumber(bytes: entropy.randomBytes(count: 256))
            gB = g.power(b, modulo: p)
        } while (try? DHParameters.checkRange(gB, prime: p)) == nil
        let key: [UInt8] = BigNumber(bytes: context.gA).power(b, modulo: p).bytes(paddedTo: 256)!
        context.authKey = AuthKey(bytes: key)!
        let inner: MT.ClientDHInnerData = MT.ClientDHInnerData(nonce: nonce, serverNonce: serverNonce, retryId: retryID, gB: gB.bytes)
        let data: [UInt8] = inner.serializedBytes()
        var withHash: [UInt8] = Hash.sha1(data) + data
        let padding: Int = (16 - withHash.count % 16) % 16
        withHash += entropy.randomBytes(count: padding)
        let encrypted: [UInt8] = AESIGE.encrypt(withHash, key: context.tmpKey, iv: context.tmpIV)
        let request: MT.functions.SetClientDHParams = MT.functions.SetClientDHParams(
            nonce: nonce, serverNonce: serverNonce, encryptedData: encrypted)
        state = .waitingForDHAnswer(serverNonce: serverNonce, newNonce: newNonce, context: context)
        return message(request.serializedBytes(), now: now)
    }

    private mutating func handleDHAnswer(
        _ answer: MT.SetClientDHParamsAnswer, serverNonce: TLInt128, newNonce: [UInt8], context: DHContext, now: Double
    ) throws(HandshakeError) -> Step {
        var context: DHContext = context
        switch answer {
        case .dhGenOk(let ok):
            try checkNonces(ok.nonce, ok.serverNonce, serverNonce)
            guard ok.newNonceHash1.bytes == HandshakeKDF.newNonceHash(newNonce, number: 1, authKey: context.authKey) else {
                throw HandshakeError.newNonceHashMismatch
            }
            state = .finished
            let expiresAt: Int32? = temporaryKeyLifetime.map { Int32(clamping: Int64(now.rounded(.down)) + Int64(context.timeOffset) + Int64($0)) }
            return .done(HandshakeResult(
                authKey: context.authKey, serverSalt: HandshakeKDF.initialSalt(newNonce: newNonce, serverNonce: serverNonce.bytes),
                timeOffset: context.timeOffset, expiresAt: expiresAt))
        case .dhGenRetry(let retry):
            try checkNonces(retry.nonce, retry.serverNonce, serverNonce)
            guard retry.newNonceHash2.bytes == HandshakeKDF.newNonceHash(newNonce, number: 2, authKey: context.authKey) else {
                throw HandshakeError.newNonceHashMismatch
            }
            context.retries += 1
            guard context.retries <= 5 else { throw HandshakeError.tooManyRetries }
            let retryID: Int64 = Int64(littleEndianBytes: context.authKey.auxHash)
            return .send(clientDHMessage(&context, retryID: retryID, serverNonce: serverNonce, newNonce: newNonce, now: now))
        case .dhGenFail(let fail):
            try checkNonces(fail.nonce, fail.serverNonce, serverNonce)
            guard fail.newNonceHash3.bytes == HandshakeKDF.newNonceHash(newNonce, number: 3, authKey: context.authKey) else {
                throw HandshakeError.newNonceHashMismatch
            }
            throw HandshakeError.serverRejectedKey
        }
    }

    private func checkNonces(_ n: TLInt128, _ s: TLInt128, _ serverNonce: TLInt128) throws(HandshakeError) {
        guard n == nonce else { throw HandshakeError.nonceMismatch }
        guard s == serverNonce else { throw HandshakeError.serverNonceMismatch }
    }
}

/// Minimal big-endian bytes of a 64-bit number.
package func minimalBytes(_ v: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    var x: UInt64 = v
    while x > 0 {
        out.insert(UInt8(x & 0xff), at: 0)
        x >>= 8
    }
    return out.isEmpty ? [0] : out
}

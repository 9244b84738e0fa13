import MTProto
import TLSchema

/// The server side of the auth-key exchange, for the in-process test data centre: the mirror image of
/// ``ClientHandshake``. Accepts RSA_PAD and, so that Telethon 1.45 can connect, the older
/// `SHA1(data) ‖ data ‖ padding` RSA encryption of `req_DH_params`.
public struct ServerHandshake: Sendable {
    /// What to send after a client packet.
    public enum Step: Sendable, Equatable {
        /// Send this unencrypted message.
        case send([UInt8])
        /// Send this message; the key is established.
        case done(HandshakeResult, send: [UInt8])
    }

    /// Why a client packet was refused; after any of them the handshake is over and the connection should close.
    public enum Failure: Error, Equatable, Sendable {
        case malformed(String)
        case nonceMismatch
        case unknownFingerprint(Int64)
        case innerDataInvalid
        case answerHashMismatch
        case valueOutOfRange
    }

    private enum State: Sendable {
        case waitingForReqPQ
        case waitingForDHParams(nonce: TLInt128, serverNonce: TLInt128, pq: [UInt8], p: [UInt8], q: [UInt8])
        case waitingForClientDH(nonce: TLInt128, serverNonce: TLInt128, newNonce: [UInt8], a: BigNumber, tmpKey: [UInt8], tmpIV: [UInt8], expiresIn: Int32?)
        case finished
    }

    private let key: RSAPrivateKey
    private let entropy: any EntropySource
    private var state: State = .waitingForReqPQ
    private var lastMessageID: Int64 = 0
    /// `server_time` is written as `now + clockSkew` (fault injection).
    public var clockSkew: Int32 = 0
    /// The DC ids the server accepts in `p_q_inner_data_dc` (nil: any).
    public var acceptedDCs: Set<Int32>?

    /// `key` is offered by fingerprint in `resPQ` and decrypts `req_DH_params`; `entropy` supplies the
    /// server nonce, p and q, the DH exponent and padding.
    public init(key: RSAPrivateKey, entropy: any EntropySource = SystemEntropy()) {
        self.key = key
        self.entropy = entropy
    }

    private mutating func message(_ body: [UInt8], now: Double) -> [UInt8] {
        var id: Int64 = (Int64((now + Double(clockSkew)) * 4_294_967_296.0) & ~3) | 1
        if id <= lastMessageID { id = lastMessageID + 4 }
        lastMessageID = id
        return PlainMessage.encode(messageID: id, body: body)
    }

    /// Handles the client's next unencrypted packet (`req_pq_multi`, `req_DH_params`, `set_client_DH_params`)
    /// and returns the answer. `now` is unix time in seconds (plus ``clockSkew`` for `server_time` and msg_ids).
    /// Any failure, or a packet after the end, throws ``Failure`` and ends the handshake.
    public mutating func receive(_ packet: [UInt8], now: Double) throws(Failure) -> Step {
        let body: [UInt8]
        do {
            body = try PlainMessage.decode(packet).body
        } catch {
            throw Failure.malformed("\(error)")
        }
        var reader: TLReader = TLReader(body)
        do {
            switch state {
            case .waitingForReqPQ:
                let request: MT.functions.ReqPqMulti = try MT.functions.ReqPqMulti(from: &reader)
                let (p, q): (UInt64, UInt64) = randomPQ()
                let pq: [UInt8] = minimalBytes(p * q)
                let serverNonce: TLInt128 = TLInt128(bytes: entropy.randomBytes(count: 16))!
                state = .waitingForDHParams(nonce: request.nonce, serverNonce: serverNonce, pq: pq, p: minimalBytes(p), q: minimalBytes(q))
                let answer: MT.ResPQ = MT.ResPQ(
                    nonce: request.nonce, serverNonce: serverNonce, pq: pq, serverPublicKeyFingerprints: [key.publicKey.fingerprint])
                return .send(message(answer.serializedBytes(), now: now))
            case .waitingForDHParams(let nonce, let serverNonce, let pq, let p, let q):
                let request: MT.functions.ReqDHParams = try MT.functions.ReqDHParams(from: &reader)
                guard request.nonce == nonce, request.serverNonce == serverNonce else { throw Failure.nonceMismatch }
                guard request.publicKeyFingerprint == key.publicKey.fingerprint else {
                    throw Failure.unknownFingerprint(request.publicKeyFingerprint)
                }
                guard request.p == p, request.q == q else { throw Failure.innerDataInvalid }
                let inner: InnerData = try decryptInnerData(request.encryptedData)
                guard inner.pq == pq, inner.p == p, inner.q == q, inner.nonce == nonce, inner.serverNonce == serverNonce else {
                    throw Failure.innerDataInvalid
                }
                if let dc = inner.dc, let accepted = acceptedDCs, !accepted.contains(dc) { throw Failure.innerDataInvalid }
                let newNonce: [UInt8] = inner.newNonce
                let expiresIn: Int32? = inner.expiresIn
                let prime: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
                let a: BigNumber = BigNumber(bytes: entropy.randomBytes(count: 256))
                let gA: BigNumber = BigNumber(3).power(a, modulo: prime)
                let serverTime: Int32 = Int32(now.rounded(.down)) + clockSkew
                let answer: [UInt8] = MT.ServerDHInnerData(
                    nonce: nonce, serverNonce: serverNonce, g: 3, dhPrime: DHParameters.knownPrime, gA: gA.bytes, serverTime: serverTime
                ).serializedBytes()
                var withHash: [UInt8] = Hash.sha1(answer) + answer
                withHash += entropy.randomBytes(count: (16 - withHash.count % 16) % 16)
                let (tmpKey, tmpIV): ([UInt8], [UInt8]) = HandshakeKDF.temporaryKeyAndIV(newNonce: newNonce, serverNonce: serverNonce.bytes)
                state = .waitingForClientDH(
                    nonce: nonce, serverNonce: serverNonce, newNonce: newNonce, a: a, tmpKey: tmpKey, tmpIV: tmpIV, expiresIn: expiresIn)
                let reply: MT.ServerDHParams = .serverDHParamsOk(MT.ServerDHParams.ServerDHParamsOk(
                    nonce: nonce, serverNonce: serverNonce, encryptedAnswer: AESIGE.encrypt(withHash, key: tmpKey, iv: tmpIV)))
                return .send(message(reply.serializedData(), now: now))
            case .waitingForClientDH(let nonce, let serverNonce, let newNonce, let a, let tmpKey, let tmpIV, let expiresIn):
                let request: MT.functions.SetClientDHParams = try MT.functions.SetClientDHParams(from: &reader)
                guard request.nonce == nonce, request.serverNonce == serverNonce else { throw Failure.nonceMismatch }
                guard request.encryptedData.count % 16 == 0, request.encryptedData.count > 20 else { throw Failure.answerHashMismatch }
                let plain: [UInt8] = AESIGE.decrypt(request.encryptedData, key: tmpKey, iv: tmpIV)
                var innerReader: TLReader = TLReader(Array(plain[20...]))
                let inner: MT.ClientDHInnerData = try MT.ClientDHInnerData(from: &innerReader)
                guard Hash.sha1(Array(plain[20 ..< 20 + innerReader.offset])) == Array(plain[0 ..< 20]) else {
                    throw Failure.answerHashMismatch
                }
                guard inner.nonce == nonce, inner.serverNonce == serverNonce else { throw Failure.nonceMismatch }
                let prime: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
                let gB: BigNumber = BigNumber(bytes: inner.gB)
                do {
                    try DHParameters.checkRange(gB, prime: prime)
                } catch {
                    throw Failure.valueOutOfRange
                }
                let authKey: AuthKey = AuthKey(bytes: gB.power(a, modulo: prime).bytes(paddedTo: 256)!)!
                let answer: MT.SetClientDHParamsAnswer = .dhGenOk(MT.SetClientDHParamsAnswer.DhGenOk(
                    nonce: nonce, serverNonce: serverNonce,
                    newNonceHash1: TLInt128(bytes: HandshakeKDF.newNonceHash(newNonce, number: 1, authKey: authKey))!))
                state = .finished
                let serverNow: Int32 = Int32(now.rounded(.down)) + clockSkew
                let result: HandshakeResult = HandshakeResult(
                    authKey: authKey, serverSalt: HandshakeKDF.initialSalt(newNonce: newNonce, serverNonce: serverNonce.bytes),
                    timeOffset: 0, expiresAt: expiresIn.map { serverNow + $0 })
                return .done(result, send: message(answer.serializedData(), now: now))
            case .finished:
                throw Failure.malformed("handshake already finished")
            }
        } catch let error as Failure {
            state = .finished
            throw error
        } catch {
            state = .finished
            throw Failure.malformed("\(error)")
        }
    }

    /// `p_q_inner_data` in any of its three forms.
    private struct InnerData {
        var pq: [UInt8]
        var p: [UInt8]
        var q: [UInt8]
        var nonce: TLInt128
        var serverNonce: TLInt128
        var newNonce: [UInt8]
        var dc: Int32?
        var expiresIn: Int32?

        /// Reads `p_q_inner_data_dc`, `p_q_inner_data_temp_dc`, or the older `p_q_inner_data#83c95aec`
        /// without a DC id (Telethon 1.45 still sends it; not in mtproto.tl).
        static func read(_ bytes: [UInt8]) -> (InnerData, consumed: Int)? {
            var reader: TLReader = TLReader(bytes)
            if (try? reader.peekUInt32()) == 0x83c9_5aec {
                _ = try? reader.readUInt32()
                guard let pq = try? reader.readBytes(), let p = try? reader.readBytes(), let q = try? reader.readBytes(),
                      let nonce = try? reader.readInt128(), let serverNonce = try? reader.readInt128(),
                      let newNonce = try? reader.readInt256() else { return nil }
                return (InnerData(pq: pq, p: p, q: q, nonce: nonce, serverNonce: serverNonce, newNonce: newNonce.bytes), reader.offset)
            }
            guard let inner = try? MT.PQInnerData(from: &reader) else { return nil }
            switch inner {
            case .pQInnerDataDc(let d):
                return (InnerData(pq: d.pq, p: d.p, q: d.q, nonce: d.nonce, serverNonce: d.serverNonce, newNonce: d.newNonce.bytes, dc: d.dc), reader.offset)
            case .pQInnerDataTempDc(let d):
                return (InnerData(
                    pq: d.pq, p: d.p, q: d.q, nonce: d.nonce, serverNonce: d.serverNonce, newNonce: d.newNonce.bytes, dc: d.dc,
                    expiresIn: d.expiresIn), reader.offset)
            }
        }
    }

    /// RSA_PAD in reverse; falls back to the older SHA1-prefixed scheme Telethon still sends.
    private func decryptInnerData(_ encrypted: [UInt8]) throws(Failure) -> InnerData {
        guard encrypted.count == 256 else { throw Failure.innerDataInvalid }
        if let dataWithPadding = RSAPad.decrypt(encrypted, key: key), let (inner, _) = InnerData.read(dataWithPadding) {
            return inner
        }
        let decrypted: [UInt8] = key.decryptRaw(encrypted)
        // Older scheme: 0x00? ‖ SHA1(data) ‖ data ‖ random padding (255 bytes before encryption).
        for start in [0, 1] {
            let candidate: [UInt8] = Array(decrypted[start...])
            guard candidate.count > 20, let (inner, consumed) = InnerData.read(Array(candidate[20...])) else { continue }
            if Hash.sha1(Array(candidate[20 ..< 20 + consumed])) == Array(candidate[0 ..< 20]) {
                return inner
            }
        }
        throw Failure.innerDataInvalid
    }

    /// Two distinct random 31-bit primes (p < q), so that pq stays below 2^63 as Telegram's does
    /// (some clients read it as a signed 64-bit number).
    private func randomPQ() -> (UInt64, UInt64) {
        func prime() -> UInt64 {
            while true {
                let bytes: [UInt8] = entropy.randomBytes(count: 4)
                var v: UInt64 = UInt64(bytes[0] & 0x7f) << 24 | UInt64(bytes[1]) << 16 | UInt64(bytes[2]) << 8 | UInt64(bytes[3])
                v |= 0x4000_0001
                if BigNumber(v).isProbablePrime { return v }
            }
        }
        var p: UInt64 = prime()
        var q: UInt64 = prime()
        while q == p { q = prime() }
        if p > q { swap(&p, &q) }
        return (p, q)
    }
}

import MTProto
import Synchronization
import TLSchema

/// Which answer of the key exchange the client refused.
public enum HandshakeFuzzStep: String, Sendable, Equatable {
    /// `resPQ`.
    case resPQ
    /// `server_DH_params_ok` / `server_DH_params_fail`.
    case serverDHParams
    /// `dh_gen_ok` / `dh_gen_retry` / `dh_gen_fail`.
    case dhAnswer
}

/// How a fuzzed key exchange ended.
public enum HandshakeFuzzOutcome: Sendable, Equatable {
    /// The client accepted the key, after this many `dh_gen_retry` answers.
    case established(retries: Int)
    /// The client refused an answer with a typed error.
    case refused(HandshakeFuzzStep, HandshakeError)
    /// The server could not read what the client sent: a client bug (the tests require this never happens).
    case serverStopped(String)
}

/// A server for the key exchange that holds the private key (``FuzzServerKey``), playing against the
/// real ``ClientHandshake``. It reads the client's messages as Telegram would (it decrypts RSA_PAD, so
/// it knows `new_nonce`) and answers with messages whose nonces, SHA-1 and AES-IGE are right by
/// default, while the fuzz input chooses each field and which one to corrupt: so fuzzed answers get
/// past the nonce and hash checks and reach the DH checks (prime, generator, `g_a` range and its
/// 2^1984 margin) and the `new_nonce_hash1/2/3` checks. Byte 0 is always the well-formed choice.
public struct HandshakeFuzzServer {
    private var input: FuzzInput
    private let now: Double
    private let key: RSAPrivateKey = FuzzServerKey.privateKey
    private let serverEntropy: RepeatableEntropy = RepeatableEntropy(seed: 0x0123_4567_89AB_CDEF)
    private var client: ClientHandshake
    private var serverMessageIDs: MessageIDGenerator = MessageIDGenerator()

    /// Most runs send the same `req_DH_params` (the client's randomness repeats): its RSA_PAD
    /// decryption, the costliest step, is done once.
    private static let decryptions: RSAPadCache = RSAPadCache()

    /// Runs one exchange driven by `bytes` and says how it ended.
    public static func run(_ bytes: [UInt8], now: Double = 1_735_689_600) -> HandshakeFuzzOutcome {
        var server: HandshakeFuzzServer = HandshakeFuzzServer(bytes, now: now)
        return server.play()
    }

    private init(_ bytes: [UInt8], now: Double) {
        input = FuzzInput(bytes)
        self.now = now
        client = ClientHandshake(dcID: 2, keys: [FuzzServerKey.privateKey.publicKey], entropy: RepeatableEntropy())
    }

    /// An exchange: `resPQ`, then `server_DH_params_*`, then up to eight `dh_gen_*` answers.
    private mutating func play() -> HandshakeFuzzOutcome {
        guard let reqPQ = Self.read(MT.functions.ReqPqMulti.self, client.start(now: now)) else {
            return .serverStopped("req_pq_multi")
        }
        let nonce: TLInt128 = reqPQ.nonce
        let serverNonce: TLInt128 = TLInt128(bytes: serverEntropy.randomBytes(count: 16))!
        let reqDH: [UInt8]
        switch exchange(resPQ(nonce: nonce, serverNonce: serverNonce)) {
        case .sent(let sent): reqDH = sent
        case .established: return .serverStopped("key accepted after resPQ")
        case .refused(let error): return .refused(.resPQ, error)
        }
        guard let request = Self.read(MT.functions.ReqDHParams.self, reqDH),
              let padded = Self.decryptions.decrypt(request.encryptedData, key: key),
              let inner = try? MT.PQInnerData(decoding: padded) else {
            return .serverStopped("req_DH_params")
        }
        let newNonce: [UInt8]
        switch inner {
        case .pQInnerDataDc(let data): newNonce = data.newNonce.bytes
        case .pQInnerDataTempDc(let data): newNonce = data.newNonce.bytes
        }
        let session: HandshakeFuzzSession = HandshakeFuzzSession(nonce: nonce, serverNonce: serverNonce, newNonce: newNonce)
        let mode: UInt8 = input.byte()
        let choice: ServerDHChoice = ServerDHChoice(input: &input, entropy: serverEntropy)
        var setClientDH: [UInt8]
        switch exchange(serverDHParams(session, mode: mode, choice: choice)) {
        case .sent(let sent): setClientDH = sent
        case .established: return .serverStopped("key accepted after server_DH_params")
        case .refused(let error): return .refused(.serverDHParams, error)
        }
        for retries in 0 ..< 8 {
            guard let gB = session.clientValue(setClientDH) else { return .serverStopped("set_client_DH_params") }
            let authKey: AuthKey? = choice.sharedKey(clientValue: gB)
            switch exchange(dhAnswer(session, authKey: authKey)) {
            case .established: return .established(retries: retries)
            case .sent(let next): setClientDH = next
            case .refused(let error): return .refused(.dhAnswer, error)
            }
        }
        return .serverStopped("more than eight dh_gen_retry answers accepted")
    }

    /// What the client did with an answer.
    private enum Exchange {
        case sent([UInt8])
        case established
        case refused(HandshakeError)
    }

    /// Hands `body` to the client as an unencrypted message.
    private mutating func exchange(_ body: [UInt8]) -> Exchange {
        do throws(HandshakeError) {
            switch try client.receive(plain(body), now: now) {
            case .send(let bytes): return .sent(bytes)
            case .done: return .established
            }
        } catch {
            return .refused(error)
        }
    }

    private mutating func plain(_ body: [UInt8]) -> [UInt8] {
        PlainMessage.encode(messageID: serverMessageIDs.next(now: now, timeOffset: 0) | 1, body: body)
    }

    private static func read<T: TLObject>(_ type: T.Type, _ packet: [UInt8]) -> T? {
        guard let body = try? PlainMessage.decode(packet).body else { return nil }
        return try? T(decoding: body)
    }

    /// `resPQ`: by the first byte, well-formed (1229739323 × 1402015859 as pq, our key's
    /// fingerprint), or with a wrong nonce, unknown fingerprints, a fuzzed pq, a fuzzed body, or
    /// another step's constructor.
    private mutating func resPQ(nonce: TLInt128, serverNonce: TLInt128) -> [UInt8] {
        var pq: [UInt8] = [0x17, 0xED, 0x48, 0x94, 0x1A, 0x08, 0xF9, 0x81]
        var fingerprints: [Int64] = [key.publicKey.fingerprint]
        var answeredNonce: TLInt128 = nonce
        switch input.byte() {
        case 1: answeredNonce = answeredNonce.flippingLowBit()
        case 2: fingerprints = (0 ..< Int(input.byte() % 4)).map { _ in Int64(bitPattern: input.uint64()) }
        case 3: pq = input.chunk(maximum: 16)
        case 4: return input.chunk()
        case 5:
            return MT.ServerDHParams.serverDHParamsFail(MT.ServerDHParams.ServerDHParamsFail(
                nonce: nonce, serverNonce: serverNonce, newNonceHash: TLInt128(low: 0, high: 0))).serializedData()
        default: break
        }
        return MT.ResPQ(nonce: answeredNonce, serverNonce: serverNonce, pq: pq, serverPublicKeyFingerprints: fingerprints).serializedBytes()
    }

    /// `server_DH_params_ok` carrying `server_DH_inner_data` built from `choice` (then `server_time`
    /// and the padding are read), or, by `mode`: `server_DH_params_fail` (1–4: right, wrong hash, wrong
    /// nonce, wrong server nonce), a wrong nonce or server nonce outside (5, 6) or inside (9, 10), a
    /// fuzzed `encrypted_answer` (7), a wrong SHA-1 (8), fuzzed bytes (11).
    private mutating func serverDHParams(_ session: HandshakeFuzzSession, mode: UInt8, choice: ServerDHChoice) -> [UInt8] {
        var nonce: TLInt128 = session.nonce
        var serverNonce: TLInt128 = session.serverNonce
        switch mode {
        case 1 ... 4:
            var hash: [UInt8] = Array(Hash.sha1(session.newNonce)[4 ..< 20])
            if mode == 2 { hash[0] ^= 1 }
            if mode == 3 { nonce = nonce.flippingLowBit() }
            if mode == 4 { serverNonce = serverNonce.flippingLowBit() }
            return MT.ServerDHParams.serverDHParamsFail(MT.ServerDHParams.ServerDHParamsFail(
                nonce: nonce, serverNonce: serverNonce, newNonceHash: TLInt128(bytes: hash)!)).serializedData()
        case 11:
            return input.chunk()
        default:
            break
        }
        var innerNonce: TLInt128 = session.nonce
        var innerServerNonce: TLInt128 = session.serverNonce
        if mode == 5 { nonce = nonce.flippingLowBit() }
        if mode == 6 { serverNonce = serverNonce.flippingLowBit() }
        if mode == 9 { innerNonce = innerNonce.flippingLowBit() }
        if mode == 10 { innerServerNonce = innerServerNonce.flippingLowBit() }
        let inner: [UInt8] = MT.ServerDHInnerData(
            nonce: innerNonce, serverNonce: innerServerNonce, g: choice.g, dhPrime: choice.prime, gA: choice.gA,
            serverTime: Int32(now) ^ Int32(bitPattern: input.uint32())
        ).serializedBytes()
        var hash: [UInt8] = Hash.sha1(inner)
        if mode == 8 { hash[19] ^= 0x80 }
        // Padding up to 15 bytes, plus 1–3 more blocks (refused) for a padding byte of 1–3.
        let paddingByte: UInt8 = input.byte()
        let extraBlocks: Int = paddingByte < 4 ? Int(paddingByte) : 0
        var plain: [UInt8] = hash + inner
        plain += serverEntropy.randomBytes(count: (16 - plain.count % 16) % 16 + 16 * extraBlocks)
        var encrypted: [UInt8] = AESIGE.encrypt(plain, key: session.temporaryKey, iv: session.temporaryIV)
        if mode == 7 { encrypted = input.chunk() }
        return MT.ServerDHParams.serverDHParamsOk(MT.ServerDHParams.ServerDHParamsOk(
            nonce: nonce, serverNonce: serverNonce, encryptedAnswer: encrypted)).serializedData()
    }

    /// `dh_gen_ok` (0), `dh_gen_retry` (1), `dh_gen_fail` (2) or fuzzed bytes (3) by the low bits of the
    /// next byte; the rest chooses a corruption: none (0), a flipped hash, the hash of another answer's
    /// number, a wrong nonce, a wrong server nonce. Without the key (a fuzzed `g_a`), the hash is wrong.
    private mutating func dhAnswer(_ session: HandshakeFuzzSession, authKey: AuthKey?) -> [UInt8] {
        let choice: UInt8 = input.byte()
        let kind: UInt8 = choice & 3
        guard kind != 3 else { return input.chunk() }
        let corruption: UInt8 = choice >> 2
        let number: UInt8 = corruption == 2 ? (kind + 1) % 3 + 1 : kind + 1
        let hashKey: AuthKey = authKey ?? AuthKey(bytes: [UInt8](repeating: 0, count: 256))!
        var hash: [UInt8] = HandshakeKDF.newNonceHash(session.newNonce, number: number, authKey: hashKey)
        if corruption == 1 { hash[7] ^= 0x10 }
        let nonce: TLInt128 = corruption == 3 ? session.nonce.flippingLowBit() : session.nonce
        let serverNonce: TLInt128 = corruption == 4 ? session.serverNonce.flippingLowBit() : session.serverNonce
        let value: TLInt128 = TLInt128(bytes: hash)!
        let answer: MT.SetClientDHParamsAnswer
        switch kind {
        case 0: answer = .dhGenOk(MT.SetClientDHParamsAnswer.DhGenOk(nonce: nonce, serverNonce: serverNonce, newNonceHash1: value))
        case 1: answer = .dhGenRetry(MT.SetClientDHParamsAnswer.DhGenRetry(nonce: nonce, serverNonce: serverNonce, newNonceHash2: value))
        default: answer = .dhGenFail(MT.SetClientDHParamsAnswer.DhGenFail(nonce: nonce, serverNonce: serverNonce, newNonceHash3: value))
        }
        return answer.serializedData()
    }
}

extension TLInt128 {
    /// The same value with bit 0 flipped: a nonce that differs from the right one.
    func flippingLowBit() -> TLInt128 { TLInt128(low: low ^ 1, high: high) }
}

/// The last few RSA_PAD decryptions, by ciphertext (at most 16 kept).
final class RSAPadCache: Sendable {
    private let entries: Mutex<[(encrypted: [UInt8], padded: [UInt8]?)]> = Mutex([])

    func decrypt(_ encrypted: [UInt8], key: RSAPrivateKey) -> [UInt8]? {
        if let hit = entries.withLock({ $0.first { $0.encrypted == encrypted } }) { return hit.padded }
        let padded: [UInt8]? = RSAPad.decrypt(encrypted, key: key)
        entries.withLock { (list: inout [(encrypted: [UInt8], padded: [UInt8]?)]) in
            list.append((encrypted, padded))
            if list.count > 16 { list.removeFirst() }
        }
        return padded
    }
}

import MTProto
import TLSchema

/// What both sides of one fuzzed exchange know once the server has decrypted `req_DH_params`.
struct HandshakeFuzzSession {
    let nonce: TLInt128
    let serverNonce: TLInt128
    let newNonce: [UInt8]
    let temporaryKey: [UInt8]
    let temporaryIV: [UInt8]

    init(nonce: TLInt128, serverNonce: TLInt128, newNonce: [UInt8]) {
        self.nonce = nonce
        self.serverNonce = serverNonce
        self.newNonce = newNonce
        (temporaryKey, temporaryIV) = HandshakeKDF.temporaryKeyAndIV(newNonce: newNonce, serverNonce: serverNonce.bytes)
    }

    /// `g_b` from the client's `set_client_DH_params`, read as Telegram's server would (SHA-1 checked).
    func clientValue(_ packet: [UInt8]) -> [UInt8]? {
        guard let body = try? PlainMessage.decode(packet).body,
              let request = try? MT.functions.SetClientDHParams(decoding: body),
              request.nonce == nonce, request.serverNonce == serverNonce,
              request.encryptedData.count % 16 == 0, request.encryptedData.count > 20 else { return nil }
        let plain: [UInt8] = AESIGE.decrypt(request.encryptedData, key: temporaryKey, iv: temporaryIV)
        var reader: TLReader = TLReader(Array(plain[20...]))
        guard let inner = try? MT.ClientDHInnerData(from: &reader),
              Hash.sha1(Array(plain[20 ..< 20 + reader.offset])) == Array(plain[0 ..< 20]) else { return nil }
        return inner.gB
    }
}

/// The fuzz-chosen fields of `server_DH_inner_data`: `g`, `dh_prime` and `g_a`, each well-formed for
/// a 0 byte and otherwise one of the values on either side of a client check.
struct ServerDHChoice {
    /// Telegram uses 3 (a 0 byte); any other byte is taken as a signed `g`.
    let g: Int32
    let prime: [UInt8]
    let gA: [UInt8]
    /// `a` when `g_a = g^a mod p`, so the server can derive the key; nil for a chosen `g_a`.
    private let exponent: BigNumber?

    /// RFC 3526's 2048-bit MODP prime: a safe prime other than Telegram's, so the full primality test runs.
    static let otherSafePrime: [UInt8] = TLHex.decode("""
        ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd
        ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed
        ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f
        83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b
        e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510
        15728e5a8aacaa68ffffffffffffffff
        """)!

    /// Reads, in order: the `g` byte, the prime's mode (and its parameters), the `g_a` mode.
    init(input: inout FuzzInput, entropy: any EntropySource) {
        let gByte: UInt8 = input.byte()
        g = gByte == 0 ? 3 : Int32(Int8(bitPattern: gByte))
        prime = Self.prime(&input)
        let p: BigNumber = BigNumber(bytes: prime)
        let margin: BigNumber = BigNumber.powerOfTwo(2048 - 64)
        let aboveMargin: Bool = margin < p
        switch input.byte() {
        case 1: (gA, exponent) = ([1], nil)
        case 2: (gA, exponent) = (margin.subtracting(BigNumber(1)).bytes, nil)
        case 3: (gA, exponent) = (margin.bytes, nil)
        case 4 where aboveMargin: (gA, exponent) = (p.subtracting(margin).bytes, nil)
        case 5 where aboveMargin: (gA, exponent) = (p.subtracting(margin).adding(BigNumber(1)).bytes, nil)
        case 6 where aboveMargin: (gA, exponent) = (p.subtracting(BigNumber(1)).bytes, nil)
        case 7: (gA, exponent) = (input.chunk(), nil)
        default:
            // g^a mod p needs an odd modulus above 1 (Montgomery exponentiation); else any value will do,
            // the client refuses such a prime before it looks at g_a.
            guard p.remainder(dividingBy: 2) == 1, p.bitCount > 1 else {
                (gA, exponent) = ([2], nil)
                break
            }
            // A 256-bit a: g^a is still a full-size value mod p, and the server's two exponentiations
            // cost an eighth of 2048-bit ones (the fuzzer's executions per second).
            let a: BigNumber = BigNumber(bytes: entropy.randomBytes(count: 32))
            gA = BigNumber(UInt64(UInt32(bitPattern: g))).power(a, modulo: p).bytes
            exponent = a
        }
    }

    /// `dh_prime`: Telegram's (0), the same with a leading zero byte (1), with one byte changed (2),
    /// one byte short (3), another safe prime (4), or fuzzed bytes (5).
    private static func prime(_ input: inout FuzzInput) -> [UInt8] {
        var prime: [UInt8] = DHParameters.knownPrime
        switch input.byte() {
        case 1: prime.insert(0, at: 0)
        case 2:
            let index: Int = Int(input.byte())
            prime[index] ^= input.byte() | 1
        case 3: prime.removeFirst()
        case 4: prime = otherSafePrime
        case 5: prime = input.chunk()
        default: break
        }
        return prime
    }

    /// The key the client derived from its `g_b`, when this server knows `a`.
    func sharedKey(clientValue gB: [UInt8]) -> AuthKey? {
        guard let exponent, let bytes = BigNumber(bytes: gB).power(exponent, modulo: BigNumber(bytes: prime)).bytes(paddedTo: 256) else {
            return nil
        }
        return AuthKey(bytes: bytes)
    }
}

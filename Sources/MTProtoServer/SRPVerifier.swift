import MTProto
/// The server side of the SRP two-factor check (api-flows notes §6), for the test DC: it keeps the
/// verifier `v = g^x mod p` (never the password), issues `srp_B` challenges and checks `M1`.
public struct SRPVerifier: Sendable {
    /// The account's `salt1`, given to clients in `account.password` and used for the verifier.
    public let salt1: [UInt8]
    /// The account's `salt2`, given to clients in `account.password` and used for the verifier.
    public let salt2: [UInt8]
    /// The group generator, given to clients with ``p``.
    public let g: Int32
    /// The group's 2048-bit prime, big-endian, given to clients with ``g``.
    public let p: [UInt8]
    private let verifier: BigNumber

    /// A challenge: what `account.password` carries (`srp_id`, `srp_B`) and the secret `b`.
    public struct Challenge: Sendable {
        /// A random id naming this challenge (`srp_id`); the client sends it back with its answer.
        public let srpID: Int64
        /// `B = k·v + g^b mod p`: 256 bytes, big-endian (`srp_B`).
        public let srpB: [UInt8]
        let b: BigNumber
    }

    /// `salt1`/`salt2` random; `p`, `g` a valid group (the known 2048-bit prime and g = 3 are usual).
    public init(password: String, salt1: [UInt8], salt2: [UInt8], g: Int32, p: [UInt8]) {
        self.salt1 = salt1
        self.salt2 = salt2
        self.g = g
        self.p = p
        let x: BigNumber = BigNumber(bytes: SRP.passwordHash(Array(password.utf8), salt1: salt1, salt2: salt2))
        verifier = BigNumber(UInt64(g)).power(x, modulo: BigNumber(bytes: p))
    }

    private var k: BigNumber {
        BigNumber(bytes: Hash.sha256(SRP.pad256(BigNumber(bytes: p)), SRP.pad256(BigNumber(UInt64(g)))))
    }

    /// A fresh challenge: `B = k·v + g^b mod p`.
    public func challenge(entropy: any EntropySource) -> Challenge {
        let modulus: BigNumber = BigNumber(bytes: p)
        let b: BigNumber = BigNumber(bytes: entropy.randomBytes(count: 256))
        let gb: BigNumber = BigNumber(UInt64(g)).power(b, modulo: modulus)
        let bigB: BigNumber = k.multiplied(by: verifier, modulo: modulus).adding(gb, modulo: modulus)
        return Challenge(srpID: entropy.randomInt64(), srpB: SRP.pad256(bigB), b: b)
    }

    /// Whether `(A, M1)` proves knowledge of the password for `challenge`.
    public func verify(A aBytes: [UInt8], M1: [UInt8], challenge: Challenge) -> Bool {
        let modulus: BigNumber = BigNumber(bytes: p)
        let a: BigNumber = BigNumber(bytes: aBytes)
        guard !a.isZero, a < modulus else { return false }
        let u: BigNumber = BigNumber(bytes: Hash.sha256(SRP.pad256(a), challenge.srpB))
        let s: BigNumber = a.multiplied(by: verifier.power(u, modulo: modulus), modulo: modulus).power(challenge.b, modulo: modulus)
        let key: [UInt8] = Hash.sha256(SRP.pad256(s))
        let hp: [UInt8] = Hash.sha256(SRP.pad256(modulus))
        let hg: [UInt8] = Hash.sha256(SRP.pad256(BigNumber(UInt64(g))))
        let xored: [UInt8] = (0 ..< 32).map { hp[$0] ^ hg[$0] }
        let expected: [UInt8] = Hash.sha256(xored, Hash.sha256(salt1), Hash.sha256(salt2), SRP.pad256(a), challenge.srpB, key)
        return ConstantTime.equals(expected, M1)
    }
}

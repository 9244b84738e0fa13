/// The SRP-2048 two-factor password check (`passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow`,
/// api-flows notes §6), with the checks on p, g and B. The password never leaves this function; only
/// `A` and `M1` do.
public enum SRP {
    /// What `account.getPassword` returned (current_algo's salts, g and p; srp_B and srp_id).
    public struct Parameters: Sendable, Equatable {
        /// The algorithm's `salt1`: salts the inner `SH` round and the PBKDF2 step of the password hash.
        public var salt1: [UInt8]
        /// The algorithm's `salt2`: salts the outer `SH` rounds of the password hash.
        public var salt2: [UInt8]
        /// The group generator; checked against `p` (2 to 7, with the quadratic-residue rule) before use.
        public var g: Int32
        /// The group's 2048-bit safe prime, big-endian; checked before use (Telegram's known prime passes at once).
        public var p: [UInt8]
        /// The server's public value `B`, big-endian (248–256 bytes); single-use, so fetched again for every attempt.
        public var srpB: [UInt8]
        /// Names the server's challenge (`srp_id`); copied into the ``Answer``. Single-use like `srpB`.
        public var srpID: Int64

        /// The values as `account.getPassword` returned them; nothing is checked until ``SRP/answer(password:parameters:entropy:)``.
        public init(salt1: [UInt8], salt2: [UInt8], g: Int32, p: [UInt8], srpB: [UInt8], srpID: Int64) {
            self.salt1 = salt1
            self.salt2 = salt2
            self.g = g
            self.p = p
            self.srpB = srpB
            self.srpID = srpID
        }
    }

    /// `inputCheckPasswordSRP` values.
    public struct Answer: Sendable, Equatable, CustomStringConvertible {
        /// The `srp_id` of the ``Parameters`` answered, so the server finds its challenge.
        public var srpID: Int64
        /// The client's public value `g^a mod p`: 256 bytes, big-endian.
        public var A: [UInt8]
        /// The 32-byte proof that the password is known: `H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K)`, H = SHA-256.
        public var M1: [UInt8]
        public var description: String { "SRP.Answer(srpID: \(srpID))" }
    }

    /// Why the server's SRP parameters were refused; nothing should be sent for that challenge.
    public enum Failure: Error, Equatable, Sendable {
        /// p or g failed the Diffie–Hellman checks.
        case invalidGroup(DHParameters.Failure)
        /// B is not in 0 < B < p or has an unusual length.
        case invalidB
    }

    package static func pad256(_ n: BigNumber) -> [UInt8] { n.bytes(paddedTo: 256) ?? n.bytes }
    static func sh(_ data: [UInt8], _ salt: [UInt8]) -> [UInt8] { Hash.sha256(salt, data, salt) }

    /// `x = PH2(password, salt1, salt2)` (100,000 rounds of PBKDF2-HMAC-SHA512 inside).
    public static func passwordHash(_ password: [UInt8], salt1: [UInt8], salt2: [UInt8]) -> [UInt8] {
        let ph1: [UInt8] = sh(sh(password, salt1), salt2)
        return sh(Hash.pbkdf2SHA512(password: ph1, salt: salt1, iterations: 100_000), salt2)
    }

    /// Computes the check for `password`. `a` comes from `entropy` (regenerated while A or u is bad).
    public static func answer(password: String, parameters: Parameters, entropy: any EntropySource) throws(Failure) -> Answer {
        let x: [UInt8] = passwordHash(Array(password.utf8), salt1: parameters.salt1, salt2: parameters.salt2)
        return try answer(passwordHash: x, parameters: parameters, entropy: entropy, checkRanges: true)
    }

    /// The check from an already computed password hash `x`. `checkRanges: false` only for test vectors.
    static func answer(passwordHash xBytes: [UInt8], parameters: Parameters, entropy: any EntropySource, checkRanges: Bool) throws(Failure) -> Answer {
        do {
            try DHParameters.checkPrime(parameters.p)
            try DHParameters.checkGenerator(parameters.g, prime: parameters.p)
        } catch {
            throw Failure.invalidGroup(error)
        }
        let p: BigNumber = BigNumber(bytes: parameters.p)
        let g: BigNumber = BigNumber(UInt64(parameters.g))
        let b: BigNumber = BigNumber(bytes: parameters.srpB)
        guard (248 ... 256).contains(parameters.srpB.count) || !checkRanges, !b.isZero, b < p else { throw Failure.invalidB }
        let x: BigNumber = BigNumber(bytes: xBytes)
        let v: BigNumber = g.power(x, modulo: p)
        let pBytes: [UInt8] = pad256(p)
        let gBytes: [UInt8] = pad256(g)
        let k: BigNumber = BigNumber(bytes: Hash.sha256(pBytes, gBytes))
        let kv: BigNumber = k.multiplied(by: v, modulo: p)
        let t: BigNumber = b.subtracting(kv, modulo: p)
        let bBytes: [UInt8] = pad256(b)
        var a: BigNumber
        var aBig: BigNumber
        var u: BigNumber
        repeat {
            a = BigNumber(bytes: entropy.randomBytes(count: 256))
            aBig = g.power(a, modulo: p)
            u = BigNumber(bytes: Hash.sha256(pad256(aBig), bBytes))
        } while checkRanges && ((try? DHParameters.checkRange(aBig, prime: p)) == nil || u.isZero)
        let exponent: BigNumber = a.adding(u.multiplied(by: x))
        let s: BigNumber = t.power(exponent, modulo: p)
        let key: [UInt8] = Hash.sha256(pad256(s))
        let hp: [UInt8] = Hash.sha256(pBytes)
        let hg: [UInt8] = Hash.sha256(gBytes)
        let xored: [UInt8] = (0 ..< 32).map { hp[$0] ^ hg[$0] }
        let m1: [UInt8] = Hash.sha256(
            xored, Hash.sha256(parameters.salt1), Hash.sha256(parameters.salt2), pad256(aBig), bBytes, key)
        return Answer(srpID: parameters.srpID, A: pad256(aBig), M1: m1)
    }
}

import TLSchema
/// Checks on the server's Diffie–Hellman parameters (auth-key notes §7).
public enum DHParameters {
    /// Telegram's 2048-bit safe prime (big-endian), the only one its servers use today.
    public static let knownPrime: [UInt8] = TLHex.decode("""
        c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f
        48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37
        20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64
        2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4
        a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754
        fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4
        e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f
        0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b
        """)!

    /// Why the server's parameters were rejected.
    public enum Failure: Error, Equatable, Sendable {
        /// `dh_prime` is not a 2048-bit safe prime.
        case primeNotSafe
        /// `g` is outside 2…7 or not a quadratic residue modulo the prime.
        case invalidGenerator(Int32)
        /// `g_a` (or `g_b`) outside `2^(2048−64) … p − 2^(2048−64)`.
        case valueOutOfRange
    }

    /// `p` must be a 2048-bit safe prime: `2^2047 < p < 2^2048`, `p` and `(p − 1)/2` prime.
    /// The known prime passes without the expensive test.
    public static func checkPrime(_ prime: [UInt8]) throws(Failure) {
        let trimmed: [UInt8] = Array(prime.drop(while: { $0 == 0 }))
        if trimmed == knownPrime { return }
        let p: BigNumber = BigNumber(bytes: trimmed)
        guard p.bitCount == 2048, p.isProbablePrime, p.shiftedRight(1).isProbablePrime else {
            throw Failure.primeNotSafe
        }
    }

    /// `g` must be 2…7 and generate the subgroup of order (p − 1)/2 (the quadratic-residue rule).
    public static func checkGenerator(_ g: Int32, prime: [UInt8]) throws(Failure) {
        let p: BigNumber = BigNumber(bytes: prime)
        let ok: Bool
        switch g {
        case 2: ok = p.remainder(dividingBy: 8) == 7
        case 3: ok = p.remainder(dividingBy: 3) == 2
        case 4: ok = true
        case 5: ok = [1, 4].contains(p.remainder(dividingBy: 5))
        case 6: ok = [19, 23].contains(p.remainder(dividingBy: 24))
        case 7: ok = [3, 5, 6].contains(p.remainder(dividingBy: 7))
        default: ok = false
        }
        if !ok { throw Failure.invalidGenerator(g) }
    }

    /// `1 < value < p − 1` and, as tdlib enforces, `2^(2048−64) ≤ value ≤ p − 2^(2048−64)`.
    public static func checkRange(_ value: BigNumber, prime p: BigNumber) throws(Failure) {
        let bound: BigNumber = BigNumber.powerOfTwo(2048 - 64)
        guard !(value < bound), !(p.subtracting(bound) < value) else { throw Failure.valueOutOfRange }
    }
}

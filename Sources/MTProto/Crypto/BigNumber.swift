import COpenSSL
import TLSchema

/// An immutable arbitrary-precision unsigned integer (OpenSSL `BIGNUM`), for RSA, Diffie–Hellman and
/// SRP. Values travel as big-endian byte strings.
public final class BigNumber: @unchecked Sendable, Comparable, CustomStringConvertible {
    // Never mutated after init, so sharing across tasks is safe.
    fileprivate let bn: OpaquePointer

    private init(owning bn: OpaquePointer) {
        self.bn = bn
    }

    deinit { BN_clear_free(bn) }

    /// The number whose big-endian bytes are `bytes` (leading zeros allowed).
    public convenience init(bytes: [UInt8]) {
        let bn: OpaquePointer = bytes.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> OpaquePointer in
            BN_bin2bn(p.baseAddress, Int32(p.count), nil)!
        }
        self.init(owning: bn)
    }

    /// A small number.
    public convenience init(_ value: UInt64) {
        var bytes: [UInt8] = []
        var v: UInt64 = value
        for _ in 0 ..< 8 {
            bytes.insert(UInt8(v & 0xff), at: 0)
            v >>= 8
        }
        self.init(bytes: bytes)
    }

    /// Parses big-endian hex.
    public convenience init?(hex: String) {
        guard let bytes = TLHex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// Minimal big-endian bytes (empty for zero).
    public var bytes: [UInt8] {
        let count: Int = Int((BN_num_bits(bn) + 7) / 8)
        var out: [UInt8] = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<UInt8>) in
            _ = BN_bn2bin(bn, p.baseAddress)
        }
        return out
    }

    /// Big-endian bytes left-padded with zeros to `length`; nil if the number does not fit.
    public func bytes(paddedTo length: Int) -> [UInt8]? {
        var out: [UInt8] = [UInt8](repeating: 0, count: length)
        let written: Int32 = out.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<UInt8>) -> Int32 in
            BN_bn2binpad(bn, p.baseAddress, Int32(length))
        }
        return written < 0 ? nil : out
    }

    /// The number of significant bits.
    public var bitCount: Int { Int(BN_num_bits(bn)) }

    /// True for 0 (the DH and SRP checks refuse a zero `B`, `A` or `u`).
    public var isZero: Bool { BN_is_zero(bn) == 1 }

    private static func result(_ body: (OpaquePointer, OpaquePointer) -> Int32) -> BigNumber {
        let r: OpaquePointer = BN_new()!
        let ctx: OpaquePointer = BN_CTX_new()!
        defer { BN_CTX_free(ctx) }
        let ok: Int32 = body(r, ctx)
        precondition(ok == 1, "OpenSSL big-number operation failed")
        return BigNumber(owning: r)
    }

    /// `self ^ exponent mod modulus` (constant-time exponentiation).
    public func power(_ exponent: BigNumber, modulo modulus: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, ctx: OpaquePointer) -> Int32 in
            BN_mod_exp_mont_consttime(r, bn, exponent.bn, modulus.bn, ctx, nil)
        }
    }

    /// `self * other mod modulus`.
    public func multiplied(by other: BigNumber, modulo modulus: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, ctx: OpaquePointer) -> Int32 in BN_mod_mul(r, bn, other.bn, modulus.bn, ctx) }
    }

    /// `(self + other) mod modulus`.
    public func adding(_ other: BigNumber, modulo modulus: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, ctx: OpaquePointer) -> Int32 in BN_mod_add(r, bn, other.bn, modulus.bn, ctx) }
    }

    /// `(self − other) mod modulus`, always in 0..<modulus.
    public func subtracting(_ other: BigNumber, modulo modulus: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, ctx: OpaquePointer) -> Int32 in BN_mod_sub(r, bn, other.bn, modulus.bn, ctx) }
    }

    /// `self − other` (requires self ≥ other).
    public func subtracting(_ other: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, _: OpaquePointer) -> Int32 in BN_sub(r, bn, other.bn) }
    }

    /// `self * other`.
    public func multiplied(by other: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, ctx: OpaquePointer) -> Int32 in BN_mul(r, bn, other.bn, ctx) }
    }

    /// `self + other`.
    public func adding(_ other: BigNumber) -> BigNumber {
        Self.result { (r: OpaquePointer, _: OpaquePointer) -> Int32 in BN_add(r, bn, other.bn) }
    }

    /// `self >> bits`.
    public func shiftedRight(_ bits: Int) -> BigNumber {
        Self.result { (r: OpaquePointer, _: OpaquePointer) -> Int32 in BN_rshift(r, bn, Int32(bits)) }
    }

    /// `2^exponent`.
    public static func powerOfTwo(_ exponent: Int) -> BigNumber {
        result { (r: OpaquePointer, _: OpaquePointer) -> Int32 in
            BN_zero_ex(r)
            return BN_set_bit(r, Int32(exponent))
        }
    }

    /// `self mod word`.
    public func remainder(dividingBy word: UInt64) -> UInt64 {
        UInt64(BN_mod_word(bn, UInt(word)))
    }

    /// A probabilistic primality test (OpenSSL's `BN_check_prime`, error probability below 2^-128).
    public var isProbablePrime: Bool {
        let ctx: OpaquePointer = BN_CTX_new()!
        defer { BN_CTX_free(ctx) }
        return BN_check_prime(bn, ctx, nil) == 1
    }

    public static func == (lhs: BigNumber, rhs: BigNumber) -> Bool { BN_cmp(lhs.bn, rhs.bn) == 0 }
    /// Numeric order (OpenSSL's `BN_cmp`), for range checks such as `B < p`.
    public static func < (lhs: BigNumber, rhs: BigNumber) -> Bool { BN_cmp(lhs.bn, rhs.bn) < 0 }

    public var description: String { "BigNumber(\(bitCount) bits)" }
}

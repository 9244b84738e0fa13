/// Splits the 64-bit `pq` of the key exchange into its two prime factors (Pollard's rho with Brent's
/// cycle detection on 128-bit products; no big-number arithmetic).
public enum PQFactorizer {
    /// `(p, q)` with `p < q` and `p * q == pq`, or nil when `pq` has no non-trivial factor found.
    public static func factorize(_ pq: UInt64) -> (p: UInt64, q: UInt64)? {
        if pq < 4 { return nil }
        if pq % 2 == 0 { return (2, pq / 2) }
        var c: UInt64 = 1
        var y0: UInt64 = 2
        for _ in 0 ..< 64 {
            let g: UInt64 = brent(pq, c: c, y0: y0)
            if g != 1 && g != pq {
                let other: UInt64 = pq / g
                return (min(g, other), max(g, other))
            }
            c += 2
            y0 = y0 &* 6364136223846793005 &+ 1442695040888963407
            y0 %= pq
        }
        return nil
    }

    /// Multiplication modulo an odd `n < 2^63`: Montgomery form when possible (no 128-bit division),
    /// plain 128-bit remainder otherwise. Pollard's rho only needs *some* pseudo-random map and the
    /// gcds are unchanged by the Montgomery factor R (coprime with odd n), so values stay in that form.
    private struct Modulus {
        let n: UInt64
        let inverse: UInt64  // −n⁻¹ mod 2⁶⁴
        let montgomery: Bool

        init(_ n: UInt64) {
            self.n = n
            var x: UInt64 = n  // Newton iteration for n⁻¹ mod 2⁶⁴ (n odd): 6 steps double the bits from 3.
            for _ in 0 ..< 6 { x = x &* (2 &- n &* x) }
            inverse = 0 &- x
            montgomery = n & 1 == 1 && n < 1 << 63
        }

        @inline(__always)
        func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let t: (high: UInt64, low: UInt64) = a.multipliedFullWidth(by: b)
            guard montgomery else { return n.dividingFullWidth((t.high, t.low)).remainder }
            let m: UInt64 = t.low &* inverse
            let mn: (high: UInt64, low: UInt64) = m.multipliedFullWidth(by: n)
            let (_, carry): (UInt64, Bool) = t.low.addingReportingOverflow(mn.low)
            let u: UInt64 = t.high &+ mn.high &+ (carry ? 1 : 0)
            return u >= n ? u &- n : u
        }
    }

    @inline(__always)
    private static func step(_ v: UInt64, _ c: UInt64, _ modulus: Modulus) -> UInt64 {
        let s: UInt64 = modulus.multiply(v, v)
        let (sum, overflow): (UInt64, Bool) = s.addingReportingOverflow(c)
        return overflow || sum >= modulus.n ? sum &- modulus.n : sum
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x: UInt64 = a
        var y: UInt64 = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    private static func brent(_ n: UInt64, c: UInt64, y0: UInt64) -> UInt64 {
        let modulus: Modulus = Modulus(n)
        var y: UInt64 = y0 % n
        var r: UInt64 = 1
        var q: UInt64 = 1
        var g: UInt64 = 1
        var x: UInt64 = 0
        var ys: UInt64 = 0
        let m: UInt64 = 128
        var rounds: Int = 0
        repeat {
            x = y
            for _ in 0 ..< r { y = step(y, c, modulus) }
            var k: UInt64 = 0
            repeat {
                ys = y
                for _ in 0 ..< min(m, r - k) {
                    y = step(y, c, modulus)
                    q = modulus.multiply(q, x > y ? x - y : y - x)
                }
                g = gcd(q, n)
                k += m
            } while k < r && g == 1
            r *= 2
            rounds += 1
        } while g == 1 && rounds < 40
        if g == n || g == 0 {
            var tries: Int = 0
            repeat {
                ys = step(ys, c, modulus)
                g = gcd(x > ys ? x - ys : ys - x, n)
                tries += 1
            } while g == 1 && tries < 1 << 20
        }
        return g == 0 ? n : g
    }
}

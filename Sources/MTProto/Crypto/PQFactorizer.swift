/// Splits the 64-bit `pq` of the key exchange into its two prime factors (Pollard's rho with Brent's
/// cycle detection on 128-bit products; no big-number arithmetic).
public enum PQFactorizer {
    /// `(p, q)` with `p < q` and `p * q == pq`, or nil when `pq` has no non-trivial factor found.
    /// A prime `pq` is refused at once (Pollard's rho would never find a factor), and the search is
    /// bounded for any value, so the server's `pq` cannot make the client spin.
    public static func factorize(_ pq: UInt64) -> (p: UInt64, q: UInt64)? {
        if pq < 4 { return nil }
        if pq % 2 == 0 { return (2, pq / 2) }
        if isPrime(pq) { return nil }
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
        // r reaches 2^22: far beyond the ~2^17 steps a factor below 2^32 needs, and a bound on the work.
        } while g == 1 && rounds < 23
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

    /// Deterministic Miller–Rabin for 64-bit odd `n` (the first twelve primes as bases suffice below 3.3·10^24).
    static func isPrime(_ n: UInt64) -> Bool {
        let bases: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        if bases.contains(n) { return true }
        if bases.contains(where: { n % $0 == 0 }) { return false }
        var d: UInt64 = n - 1
        var shifts: Int = 0
        while d % 2 == 0 {
            d /= 2
            shifts += 1
        }
        func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let t: (high: UInt64, low: UInt64) = a.multipliedFullWidth(by: b)
            return n.dividingFullWidth((t.high, t.low)).remainder
        }
        witnesses: for base in bases {
            var x: UInt64 = 1
            var power: UInt64 = base
            var e: UInt64 = d
            while e > 0 {
                if e & 1 == 1 { x = multiply(x, power) }
                power = multiply(power, power)
                e >>= 1
            }
            if x == 1 || x == n - 1 { continue }
            for _ in 1 ..< max(shifts, 1) {
                x = multiply(x, x)
                if x == n - 1 { continue witnesses }
            }
            return false
        }
        return true
    }
}

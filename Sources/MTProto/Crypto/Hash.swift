import CMTProtoCrypto
import COpenSSL
import Synchronization

/// SHA-1 and SHA-256 through OpenSSL's EVP interface.
public enum Hash {
    /// SHA-1 of the concatenation of `parts` (20 bytes).
    public static func sha1(_ parts: [UInt8]...) -> [UInt8] {
        if parts.count <= 3 { return threeParts(parts.map { $0[...] }, size: 20, mtp_sha1_3) }
        return digest(EVP_sha1(), parts, size: 20)
    }

    /// SHA-256 of the concatenation of `parts` (32 bytes).
    public static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        if parts.count <= 3 { return threeParts(parts.map { $0[...] }, size: 32, mtp_sha256_3) }
        return digest(EVP_sha256(), parts, size: 32)
    }

    /// SHA-256 of the concatenation of up to three byte slices, without copying them together.
    public static func sha256(slices parts: [ArraySlice<UInt8>]) -> [UInt8] {
        precondition(parts.count <= 3, "at most three slices")
        return threeParts(parts, size: 32, mtp_sha256_3)
    }

    private typealias ThreePartDigest = (
        UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?
    ) -> Void

    private static func threeParts(_ parts: [ArraySlice<UInt8>], size: Int, _ function: ThreePartDigest) -> [UInt8] {
        let empty: ArraySlice<UInt8> = []
        let a: ArraySlice<UInt8> = parts.count > 0 ? parts[0] : empty
        let b: ArraySlice<UInt8> = parts.count > 1 ? parts[1] : empty
        let c: ArraySlice<UInt8> = parts.count > 2 ? parts[2] : empty
        return [UInt8](unsafeUninitializedCapacity: size) { (out: inout UnsafeMutableBufferPointer<UInt8>, count: inout Int) in
            a.withUnsafeBufferPointer { (pa: UnsafeBufferPointer<UInt8>) in
                b.withUnsafeBufferPointer { (pb: UnsafeBufferPointer<UInt8>) in
                    c.withUnsafeBufferPointer { (pc: UnsafeBufferPointer<UInt8>) in
                        function(pa.baseAddress, pa.count, pb.baseAddress, pb.count, pc.baseAddress, pc.count, out.baseAddress)
                    }
                }
            }
            count = size
        }
    }

    private static func digest(_ md: OpaquePointer?, _ parts: [[UInt8]], size: Int) -> [UInt8] {
        var out: [UInt8] = [UInt8](repeating: 0, count: size)
        let context: OpaquePointer = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, md, nil)
        for part in parts {
            part.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
                _ = EVP_DigestUpdate(context, p.baseAddress, p.count)
            }
        }
        out.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) in
            _ = EVP_DigestFinal_ex(context, p.baseAddress!.assumingMemoryBound(to: UInt8.self), nil)
        }
        return out
    }

    /// HMAC-SHA256 of the concatenation of `parts` under `key` (32 bytes; FakeTLS digests).
    public static func hmacSHA256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        let data: [UInt8] = parts.count == 1 ? parts[0] : Array(parts.joined())
        var out: [UInt8] = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
            data.withUnsafeBufferPointer { (d: UnsafeBufferPointer<UInt8>) in
                out.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<UInt8>) in
                    _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &length)
                }
            }
        }
        return out
    }

    /// PBKDF2-HMAC-SHA512 (used by the SRP two-factor password check).
    public static func pbkdf2SHA512(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 64) -> [UInt8] {
        var out: [UInt8] = [UInt8](repeating: 0, count: length)
        password.withUnsafeBytes { (pw: UnsafeRawBufferPointer) in
            salt.withUnsafeBytes { (s: UnsafeRawBufferPointer) in
                out.withUnsafeMutableBytes { (o: UnsafeMutableRawBufferPointer) in
                    _ = PKCS5_PBKDF2_HMAC(
                        pw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(pw.count),
                        s.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(s.count), Int32(iterations), EVP_sha512(),
                        Int32(length), o.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        return out
    }
}

/// Comparison that takes the same time whatever the contents (for MACs and msg_keys).
public enum ConstantTime {
    /// True when `a` and `b` have the same length and bytes; the time depends only on the lengths.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a.count != b.count { return false }
        var difference: UInt8 = 0
        for i in 0 ..< a.count {
            difference |= a[i] ^ b[i]
        }
        return difference == 0
    }
}

/// Where randomness comes from: the system's CSPRNG in production, scripted bytes in tests.
public protocol EntropySource: Sendable {
    /// `count` random bytes.
    func randomBytes(count: Int) -> [UInt8]
    /// Fills `buffer` with random bytes for message padding: unpredictable, but never used as key
    /// material, so they may come from a pre-generated pool (the default copies from
    /// ``randomBytes(count:)``).
    func fillPadding(_ buffer: UnsafeMutableRawBufferPointer)
}

extension EntropySource {
    /// The default: copies ``randomBytes(count:)`` into `buffer` (one call per message).
    public func fillPadding(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        let bytes: [UInt8] = randomBytes(count: buffer.count)
        buffer.copyBytes(from: bytes)
    }
}

/// OpenSSL's `RAND_bytes` (seeded by the operating system).
public struct SystemEntropy: EntropySource {
    /// Needs no setup: OpenSSL seeds its generator from the operating system.
    public init() {}

    /// `count` bytes straight from `RAND_bytes` (never the padding pool), for keys and nonces; stops the
    /// process if the generator fails rather than continue without randomness.
    public func randomBytes(count: Int) -> [UInt8] {
        var out: [UInt8] = [UInt8](repeating: 0, count: count)
        if count > 0 {
            let status: Int32 = out.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) -> Int32 in
                RAND_bytes(p.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count))
            }
            precondition(status == 1, "the system random number generator failed")
        }
        return out
    }

    /// Padding comes from a 4 KiB pool refilled with `RAND_bytes`: one call per message costs more
    /// than the rest of the envelope for small messages. Key material never comes from the pool.
    public func fillPadding(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard buffer.count <= PaddingPool.size else {
            let status: Int32 = RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count))
            precondition(status == 1, "the system random number generator failed")
            return
        }
        paddingPool.withLock { (pool: inout PaddingPool) in pool.take(into: buffer) }
    }
}

private let paddingPool: Mutex<PaddingPool> = Mutex(PaddingPool())

/// Pre-generated random bytes for padding; each byte is handed out once.
private struct PaddingPool {
    static let size: Int = 4096
    private var bytes: [UInt8] = [UInt8](repeating: 0, count: PaddingPool.size)
    private var offset: Int = PaddingPool.size

    mutating func take(into buffer: UnsafeMutableRawBufferPointer) {
        if offset + buffer.count > Self.size {
            let status: Int32 = bytes.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<UInt8>) -> Int32 in
                RAND_bytes(p.baseAddress, Int32(Self.size))
            }
            precondition(status == 1, "the system random number generator failed")
            offset = 0
        }
        bytes.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: p[offset ..< offset + buffer.count]))
        }
        offset += buffer.count
    }
}

extension EntropySource {
    /// A random 64-bit integer.
    public func randomInt64() -> Int64 {
        let b: [UInt8] = randomBytes(count: 8)
        var v: UInt64 = 0
        for i in (0 ..< 8).reversed() { v = v << 8 | UInt64(b[i]) }
        return Int64(bitPattern: v)
    }
}

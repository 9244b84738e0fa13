import COpenSSL

/// MD5 fed piece by piece (through OpenSSL's EVP interface), for the `md5_checksum` of
/// `inputFile`: https://core.telegram.org/api/files. Not for security.
public final class MD5 {
    private let context: OpaquePointer

    /// An empty digest.
    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_md5(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest.
    public func update(_ bytes: some ContiguousBytesLike) {
        bytes.withBytes { (p: UnsafeRawBufferPointer) in _ = EVP_DigestUpdate(context, p.baseAddress, p.count) }
    }

    /// The 16-byte digest of everything added (call once).
    public func finish() -> [UInt8] {
        var out: [UInt8] = [UInt8](repeating: 0, count: 16)
        out.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) in
            _ = EVP_DigestFinal_ex(context, p.baseAddress!.assumingMemoryBound(to: UInt8.self), nil)
        }
        return out
    }

    /// The digest as Telegram's `md5_checksum` writes it: 32 lowercase hex digits.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text: String = ""
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}

/// Byte containers ``MD5`` reads without copying (arrays and their slices).
public protocol ContiguousBytesLike {
    /// Calls `body` with the bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytesLike where Element == UInt8 {
    /// Calls `body` with the array's bytes.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}

extension ArraySlice: ContiguousBytesLike where Element == UInt8 {
    /// Calls `body` with the slice's bytes.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}

import MTProto
import TLSchema

/// Why CDN bytes could not be decrypted. Nothing secret is carried.
public enum CDNCipherError: Error, Equatable, Sendable {
    /// `encryption_key` is not 32 bytes.
    case invalidKeyLength(Int)
    /// `encryption_iv` is not 16 bytes.
    case invalidIVLength(Int)
    /// The offset is negative or not a multiple of 16.
    case misalignedOffset(Int64)
    /// `offset / 16` does not fit the IV's last 4 bytes (offsets from 64 GiB on).
    case offsetTooLarge(Int64)
}

/// Decryption of the bytes a CDN DC returns in `upload.cdnFile` (https://core.telegram.org/cdn):
/// AES-256-CTR with the redirect's `encryption_key`, and its `encryption_iv` with the last 4 bytes
/// replaced by the chunk's `offset / 16` as a big-endian integer. Pure: no state between chunks.
public struct CDNChunkCipher: Sendable {
    private let key: [UInt8]
    private let iv: [UInt8]

    /// The cipher of one `upload.fileCdnRedirect`; the key and IV lengths are checked here.
    public init(encryptionKey: [UInt8], encryptionIV: [UInt8]) throws(CDNCipherError) {
        guard encryptionKey.count == 32 else { throw CDNCipherError.invalidKeyLength(encryptionKey.count) }
        guard encryptionIV.count == 16 else { throw CDNCipherError.invalidIVLength(encryptionIV.count) }
        key = encryptionKey
        iv = encryptionIV
    }

    /// The cipher of a redirect (`upload.fileCdnRedirect`).
    public init(redirect: Api.upload.File.FileCdnRedirect) throws(CDNCipherError) {
        try self.init(encryptionKey: redirect.encryptionKey, encryptionIV: redirect.encryptionIv)
    }

    /// The IV of the chunk at `offset`.
    public func iv(offset: Int64) throws(CDNCipherError) -> [UInt8] {
        guard offset >= 0, offset % 16 == 0 else { throw CDNCipherError.misalignedOffset(offset) }
        guard offset / 16 <= Int64(UInt32.max) else { throw CDNCipherError.offsetTooLarge(offset) }
        let block: UInt32 = UInt32(offset / 16)
        return Array(iv[0 ..< 12]) + [UInt8(block >> 24), UInt8(truncatingIfNeeded: block >> 16), UInt8(truncatingIfNeeded: block >> 8), UInt8(truncatingIfNeeded: block)]
    }

    /// The plaintext of `bytes`, the CDN's answer for the chunk that starts at `offset`.
    public func decrypt(_ bytes: [UInt8], offset: Int64) throws(CDNCipherError) -> [UInt8] {
        var data: [UInt8] = bytes
        AESCTR(key: key, iv: try iv(offset: offset)).apply(&data)
        return data
    }
}

extension CDNChunkCipher: CustomStringConvertible {
    /// Names the type only: the key and IV are secrets.
    public var description: String { "CDNChunkCipher(<redacted>)" }
}

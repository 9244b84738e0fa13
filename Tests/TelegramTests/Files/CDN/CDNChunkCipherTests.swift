import MTProto
import Telegram
import TLSchema
import Testing

/// AES-256-CTR of CDN chunks against vectors from Python `cryptography`.
struct CDNChunkCipherTests {
    @Test func decryptsEveryVectorChunk() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let cipher: CDNChunkCipher = try CDNChunkCipher(encryptionKey: cdnHex(vectors.key), encryptionIV: cdnHex(vectors.iv))
        for chunk in vectors.chunks {
            #expect(try cipher.iv(offset: chunk.offset) == cdnHex(chunk.iv), "offset \(chunk.offset)")
            #expect(try cipher.decrypt(cdnHex(chunk.cipher), offset: chunk.offset) == cdnHex(chunk.plain), "offset \(chunk.offset)")
        }
    }

    /// The IV's last 4 bytes are replaced, not added to: an IV ending in 0x0c0d0e0f at offset 16 ends in 00000001.
    @Test func theOffsetReplacesTheLastFourBytes() throws {
        let cipher: CDNChunkCipher = try CDNChunkCipher(
            encryptionKey: [UInt8](repeating: 1, count: 32), encryptionIV: Array(0 ..< 16))
        #expect(try cipher.iv(offset: 16) == Array(0 ..< 12) + [0, 0, 0, 1])
        #expect(try cipher.iv(offset: 0x1_0000_0000) == Array(0 ..< 12) + [0x10, 0, 0, 0])
    }

    @Test func badKeysAndOffsetsAreTypedErrors() throws {
        #expect(throws: CDNCipherError.invalidKeyLength(16)) {
            try CDNChunkCipher(encryptionKey: [UInt8](repeating: 0, count: 16), encryptionIV: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CDNCipherError.invalidIVLength(12)) {
            try CDNChunkCipher(encryptionKey: [UInt8](repeating: 0, count: 32), encryptionIV: [UInt8](repeating: 0, count: 12))
        }
        let cipher: CDNChunkCipher = try CDNChunkCipher(encryptionKey: [UInt8](repeating: 0, count: 32), encryptionIV: [UInt8](repeating: 0, count: 16))
        #expect(throws: CDNCipherError.misalignedOffset(8)) { try cipher.decrypt([1], offset: 8) }
        #expect(throws: CDNCipherError.misalignedOffset(-16)) { try cipher.decrypt([1], offset: -16) }
        #expect(throws: CDNCipherError.offsetTooLarge(16 << 32)) { try cipher.decrypt([1], offset: 16 << 32) }
        #expect("\(cipher)" == "CDNChunkCipher(<redacted>)")
    }

    @Test func aRedirectGivesItsCipher() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let redirect: Api.upload.File.FileCdnRedirect = Api.upload.File.FileCdnRedirect(
            dcId: 203, fileToken: [1], encryptionKey: cdnHex(vectors.key), encryptionIv: cdnHex(vectors.iv), fileHashes: [])
        let chunk: CDNVectors.Chunk = vectors.chunks[2]
        #expect(try CDNChunkCipher(redirect: redirect).decrypt(cdnHex(chunk.cipher), offset: chunk.offset) == cdnHex(chunk.plain))
    }
}

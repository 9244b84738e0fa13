import MTProto
import Telegram
import TLSchema
import Testing

/// The SHA-256 check of downloaded CDN pieces.
struct CDNHashVerifierTests {
    static let piece: [UInt8] = (0 ..< 96).map { UInt8($0 * 7 & 0xff) }

    static func hash(_ offset: Int64, _ bytes: ArraySlice<UInt8>) -> Api.FileHash {
        Api.FileHash(offset: offset, limit: Int32(bytes.count), hash: Hash.sha256(Array(bytes)))
    }

    /// Three 32-byte ranges of ``piece`` placed at 4096.
    static let ranges: [Api.FileHash] = [hash(4096, piece[0 ..< 32]), hash(4128, piece[32 ..< 64]), hash(4160, piece[64 ..< 96])]

    @Test func aPieceWhoseRangesMatchIsVerified() throws {
        let verifier: CDNHashVerifier = try CDNHashVerifier(Self.ranges)
        #expect(try verifier.verify(Self.piece, at: 4096) == .verified)
        #expect(try verifier.verify(Array(Self.piece[32 ..< 64]), at: 4128) == .verified)
    }

    @Test func oneChangedByteIsAMismatchNamingItsRange() throws {
        let verifier: CDNHashVerifier = try CDNHashVerifier(Self.ranges)
        var bad: [UInt8] = Self.piece
        bad[70] ^= 1
        #expect(throws: CDNHashError.mismatch(offset: 4160)) { try verifier.verify(bad, at: 4096) }
    }

    @Test func anUnknownRangeAsksForHashesThenVerifies() throws {
        var verifier: CDNHashVerifier = try CDNHashVerifier(Array(Self.ranges[0 ..< 1]))
        #expect(try verifier.verify(Self.piece, at: 4096) == .needHashes(offset: 4128))
        try verifier.add(Array(Self.ranges[1...]))
        #expect(verifier.count == 3)
        #expect(try verifier.verify(Self.piece, at: 4096) == .verified)
    }

    @Test func theFileMayEndInsideTheLastRangeOnlyAtTheEnd() throws {
        let tail: Api.FileHash = Api.FileHash(offset: 0, limit: 128, hash: Hash.sha256(Array(Self.piece[0 ..< 40])))
        let verifier: CDNHashVerifier = try CDNHashVerifier([tail])
        #expect(throws: CDNHashError.pieceEndsInsideRange(offset: 0)) { try verifier.verify(Array(Self.piece[0 ..< 40]), at: 0) }
        #expect(try verifier.verify(Array(Self.piece[0 ..< 40]), at: 0, isEndOfFile: true) == .verified)
    }

    @Test func malformedAndOverlappingHashesAreRefusedWhole() throws {
        #expect(throws: CDNHashError.malformedHash(offset: 0)) { try CDNHashVerifier([Api.FileHash(offset: 0, limit: 32, hash: [1, 2])]) }
        #expect(throws: CDNHashError.malformedHash(offset: -1)) {
            try CDNHashVerifier([Api.FileHash(offset: -1, limit: 32, hash: [UInt8](repeating: 0, count: 32))])
        }
        #expect(throws: CDNHashError.malformedHash(offset: 0)) {
            try CDNHashVerifier([Api.FileHash(offset: 0, limit: 0, hash: [UInt8](repeating: 0, count: 32))])
        }
        #expect(throws: CDNHashError.malformedHash(offset: Int64.max - 8)) {
            try CDNHashVerifier([Api.FileHash(offset: Int64.max - 8, limit: 32, hash: [UInt8](repeating: 0, count: 32))])
        }
        var verifier: CDNHashVerifier = try CDNHashVerifier(Self.ranges)
        #expect(throws: CDNHashError.invalidPieceOffset(Int64.max - 8)) { try verifier.verify(Self.piece, at: Int64.max - 8) }
        #expect(throws: CDNHashError.invalidPieceOffset(-1)) { try verifier.verify(Self.piece, at: -1) }
        let overlapping: Api.FileHash = Api.FileHash(offset: 4100, limit: 32, hash: [UInt8](repeating: 0, count: 32))
        #expect(throws: CDNHashError.overlappingHashes(offset: 4100)) { try verifier.add([Self.hash(8000, Self.piece[0 ..< 4]), overlapping]) }
        #expect(verifier.count == 3)
        let changed: Api.FileHash = Api.FileHash(offset: 4096, limit: 32, hash: [UInt8](repeating: 9, count: 32))
        #expect(throws: CDNHashError.overlappingHashes(offset: 4096)) { try verifier.add([changed]) }
        // The same range again is fine.
        try verifier.add(Self.ranges)
        #expect(verifier.count == 3)
    }

    @Test func theNumberOfRangesIsBounded() {
        let many: [Api.FileHash] = (0 ... CDNHashVerifier.maximumRanges).map {
            Api.FileHash(offset: Int64($0) * 16, limit: 16, hash: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: CDNHashError.tooManyHashes) { try CDNHashVerifier(many) }
    }

    /// The vectors' SHA-256 (from Python) checks the decrypted chunk end to end.
    @Test func decryptedVectorChunksVerify() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let cipher: CDNChunkCipher = try CDNChunkCipher(encryptionKey: cdnHex(vectors.key), encryptionIV: cdnHex(vectors.iv))
        for chunk in vectors.chunks {
            let plain: [UInt8] = try cipher.decrypt(cdnHex(chunk.cipher), offset: chunk.offset)
            let verifier: CDNHashVerifier = try CDNHashVerifier([Api.FileHash(offset: chunk.offset, limit: Int32(plain.count), hash: cdnHex(chunk.sha256))])
            #expect(try verifier.verify(plain, at: chunk.offset) == .verified)
            #expect(throws: CDNHashError.mismatch(offset: chunk.offset)) { try verifier.verify(cdnHex(chunk.cipher), at: chunk.offset) }
        }
    }
}

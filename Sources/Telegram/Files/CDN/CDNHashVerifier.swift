import MTProto
import TLSchema

/// Why a CDN piece or a hash list was refused.
public enum CDNHashError: Error, Equatable, Sendable {
    /// The decrypted bytes of the range at `offset` do not have the SHA-256 the master DC gave:
    /// the CDN (or the path to it) supplied something else. The piece must be discarded.
    case mismatch(offset: Int64)
    /// A `fileHash` with a negative offset, a limit that is not positive, an end past 2^63, or a
    /// hash that is not 32 bytes.
    case malformedHash(offset: Int64)
    /// A piece offset that is negative, or whose end is past 2^63.
    case invalidPieceOffset(Int64)
    /// Two `fileHash` ranges overlap without being the same range.
    case overlappingHashes(offset: Int64)
    /// The piece ends inside a hashed range (and is not the end of the file), so that range cannot be checked.
    case pieceEndsInsideRange(offset: Int64)
    /// More ranges than ``CDNHashVerifier/maximumRanges``.
    case tooManyHashes
}

/// What checking a piece found.
public enum CDNVerification: Equatable, Sendable {
    /// Every byte of the piece is covered by a range whose SHA-256 matched.
    case verified
    /// No hash is known for the range that starts at `offset`: ask `upload.getCdnFileHashes` with that
    /// offset, ``CDNHashVerifier/add(_:)`` the answer and check again. Nothing of the piece is accepted yet.
    case needHashes(offset: Int64)
}

/// The `fileHash` ranges of one CDN file (from `upload.fileCdnRedirect` and
/// `upload.getCdnFileHashes`), and the check of each downloaded piece against them: SHA-256 of the
/// decrypted bytes of each range (https://core.telegram.org/cdn). Sans-IO: the caller fetches hashes
/// when told to. A piece is accepted only when every range in it matched.
public struct CDNHashVerifier: Sendable {
    /// The most ranges kept (a 4 GiB file in 128 KiB ranges has 32,768).
    public static let maximumRanges: Int = 65_536
    private var ranges: [Int64: Api.FileHash] = [:]

    /// A verifier knowing `hashes` (usually the redirect's `file_hashes`).
    public init(_ hashes: [Api.FileHash] = []) throws(CDNHashError) {
        try add(hashes)
    }

    /// How many ranges are known.
    public var count: Int { ranges.count }

    /// Adds ranges (an `upload.getCdnFileHashes` answer). A range already known must come again
    /// identical; one that overlaps a different known range is refused, as is any malformed one. Nothing
    /// is added when anything is refused.
    public mutating func add(_ hashes: [Api.FileHash]) throws(CDNHashError) {
        var merged: [Int64: Api.FileHash] = ranges
        for hash in hashes {
            guard hash.offset >= 0, hash.limit > 0, hash.offset <= Int64.max - Int64(hash.limit), hash.hash.count == 32 else { throw CDNHashError.malformedHash(offset: hash.offset) }
            if let known = merged[hash.offset] {
                guard known.limit == hash.limit, known.hash == hash.hash else { throw CDNHashError.overlappingHashes(offset: hash.offset) }
                continue
            }
            merged[hash.offset] = hash
        }
        guard merged.count <= Self.maximumRanges else { throw CDNHashError.tooManyHashes }
        let sorted: [Api.FileHash] = merged.values.sorted { $0.offset < $1.offset }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.offset + Int64(earlier.limit) > later.offset {
            throw CDNHashError.overlappingHashes(offset: later.offset)
        }
        ranges = merged
    }

    /// Checks `piece`, the decrypted bytes at `offset`. The piece must start at a range's start and
    /// be made of whole ranges, except that the last one may be cut short when `isEndOfFile` (the file
    /// ends inside it). A mismatch throws; an unknown range asks for hashes.
    public func verify(_ piece: [UInt8], at offset: Int64, isEndOfFile: Bool = false) throws(CDNHashError) -> CDNVerification {
        guard offset >= 0, offset <= Int64.max - Int64(piece.count) else { throw CDNHashError.invalidPieceOffset(offset) }
        var position: Int = 0
        while position < piece.count {
            let rangeOffset: Int64 = offset + Int64(position)
            guard let range = ranges[rangeOffset] else { return .needHashes(offset: rangeOffset) }
            let end: Int = position + Int(range.limit)
            guard end <= piece.count || isEndOfFile else { throw CDNHashError.pieceEndsInsideRange(offset: rangeOffset) }
            let digest: [UInt8] = Hash.sha256(slices: [piece[position ..< min(end, piece.count)]])
            guard ConstantTime.equals(digest, range.hash) else { throw CDNHashError.mismatch(offset: rangeOffset) }
            position = end
        }
        return .verified
    }
}

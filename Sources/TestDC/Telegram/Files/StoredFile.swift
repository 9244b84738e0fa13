import TLSchema

/// The bytes of a stored file: kept, or generated from a seed (so a test or a benchmark can serve
/// a file of a gigabyte without holding it).
public enum FileContent: Sendable, Equatable {
    /// Bytes held in memory.
    case bytes([UInt8])
    /// `size` bytes, byte `i` being ``FileContent/generatedByte(at:seed:)``.
    case generated(size: Int64, seed: UInt64)

    /// The size in bytes.
    public var size: Int64 {
        switch self {
        case .bytes(let bytes): return Int64(bytes.count)
        case .generated(let size, _): return size
        }
    }

    /// The bytes held in memory (0 for generated content).
    var heldBytes: Int64 {
        if case .bytes(let bytes) = self { return Int64(bytes.count) }
        return 0
    }

    /// Up to `limit` bytes from `offset` (fewer at the end, none past it).
    func chunk(offset: Int64, limit: Int) -> [UInt8] {
        guard offset < size else { return [] }
        let end: Int64 = min(size, offset + Int64(limit))
        switch self {
        case .bytes(let bytes):
            return Array(bytes[Int(offset) ..< Int(end)])
        case .generated(_, let seed):
            return (offset ..< end).map { Self.generatedByte(at: $0, seed: seed) }
        }
    }

    /// Byte `offset` of generated content with `seed`.
    public static func generatedByte(at offset: Int64, seed: UInt64) -> UInt8 {
        let mixed: UInt64 = (UInt64(bitPattern: offset) &+ seed) &* 0x9E37_79B9_7F4A_7C15
        return UInt8(truncatingIfNeeded: mixed >> 56)
    }
}

/// One downloadable size of a stored photo or a document's thumbnail (`photoSize` and friends).
struct StoredSize: Sendable {
    /// The size letter (`i` stripped, `m` 320 px, `x` 800 px: https://core.telegram.org/api/files#image-thumbnail-types).
    var type: String
    var width: Int32
    var height: Int32
    var content: FileContent
    /// A stripped thumbnail (`photoStrippedSize`): its bytes go inline, never through `getFile`.
    var isStripped: Bool = false

    var api: Api.PhotoSize {
        if isStripped, case .bytes(let bytes) = content {
            return .photoStrippedSize(Api.PhotoSize.PhotoStrippedSize(type: type, bytes: bytes))
        }
        return .photoSize(Api.PhotoSize.PhotoSize(type: type, w: width, h: height, size: Int32(clamping: content.size)))
    }
}

/// A photo or a document Telegram keeps: where it lives and what it holds.
struct StoredFile: Sendable {
    enum Kind: Sendable {
        case photo
        case document(mimeType: String, attributes: [Api.DocumentAttribute])
    }

    var id: Int64
    var accessHash: Int64
    /// The DC the file lives on (`getFile` elsewhere answers `FILE_MIGRATE_X`).
    var dc: Int
    var owner: Int64
    var date: Int32
    var kind: Kind
    /// The document's bytes (the largest size for a photo).
    var content: FileContent
    /// Photo sizes, or a document's thumbnails.
    var sizes: [StoredSize]

    /// Bytes this file holds in memory.
    var heldBytes: Int64 { content.heldBytes + sizes.reduce(0) { $0 + $1.content.heldBytes } }

    /// The content of size `type` ("" for a document's own bytes).
    func content(ofSize type: String) -> FileContent? {
        if type.isEmpty, case .document = kind { return content }
        return sizes.first { $0.type == type && !$0.isStripped }?.content
    }
}

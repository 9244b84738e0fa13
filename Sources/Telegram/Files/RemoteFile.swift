import TLSchema

/// Where a file was seen, so that an expired file reference can be fetched again
/// (https://core.telegram.org/api/file_reference).
public enum FileOrigin: Sendable, Equatable {
    /// The photo or document of message `id` in `peer`.
    case message(peer: PeerID, id: Int32)
}

/// One size of a photo, or a document's thumbnail.
public struct PhotoSizeInfo: Sendable, Equatable {
    /// The size letter (`s`, `m`, `x`, `y`, `w`, … `i` for a stripped thumbnail:
    /// https://core.telegram.org/api/files#image-thumbnail-types).
    public var type: String
    /// Width and height in pixels (0 for a stripped thumbnail).
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The size in bytes of a size downloaded with `upload.getFile`.
    public var byteCount: Int64?
    /// The bytes a message carries inline (`photoCachedSize`; a stripped thumbnail's packed bytes).
    public var inlineBytes: [UInt8]?
    /// A stripped thumbnail (``StrippedThumbnail`` makes it a JPEG).
    public var isStripped: Bool

    init?(_ size: Api.PhotoSize) {
        switch size {
        case .photoSize(let s): self.init(type: s.type, width: Int(s.w), height: Int(s.h), byteCount: Int64(s.size), inlineBytes: nil, isStripped: false)
        case .photoCachedSize(let s):
            self.init(type: s.type, width: Int(s.w), height: Int(s.h), byteCount: Int64(s.bytes.count), inlineBytes: s.bytes, isStripped: false)
        case .photoStrippedSize(let s): self.init(type: s.type, width: 0, height: 0, byteCount: nil, inlineBytes: s.bytes, isStripped: true)
        case .photoSizeProgressive(let s):
            self.init(type: s.type, width: Int(s.w), height: Int(s.h), byteCount: s.sizes.last.map(Int64.init), inlineBytes: nil, isStripped: false)
        case .photoSizeEmpty, .photoPathSize: return nil
        }
    }

    init(type: String, width: Int, height: Int, byteCount: Int64?, inlineBytes: [UInt8]?, isStripped: Bool) {
        self.type = type
        self.width = width
        self.height = height
        self.byteCount = byteCount
        self.inlineBytes = inlineBytes
        self.isStripped = isStripped
    }
}

/// A photo or document Telegram keeps: enough to download it (`upload.getFile`) or send it again
/// by id (``OutgoingMedia/existing(_:)``).
public struct RemoteFile: Sendable {
    /// Photo or document.
    public enum Kind: Sendable, Equatable {
        /// A photo (downloaded by size).
        case photo
        /// A document (its own bytes, or a thumbnail).
        case document
    }

    /// Photo or document.
    public var kind: Kind
    /// The photo or document id.
    public var id: Int64
    /// Its access hash.
    public var accessHash: Int64
    /// Its file reference (expires; see ``origin``).
    public var fileReference: [UInt8]
    /// The DC the file lives on.
    public var dc: Int
    /// A photo's sizes, or a document's thumbnails.
    public var sizes: [PhotoSizeInfo]
    /// A document's size in bytes.
    public var size: Int64?
    /// A document's MIME type.
    public var mimeType: String?
    /// A document's attributes (file name, audio, video, …).
    public var attributes: [Api.DocumentAttribute]
    /// Where it was seen, to refresh the reference.
    public var origin: FileOrigin?

    /// The photo or document of `media`; nil for other media.
    public init?(_ media: Api.MessageMedia, origin: FileOrigin? = nil) {
        switch media {
        case .messageMediaPhoto(let m):
            guard case .photo(let p)? = m.photo else { return nil }
            self.init(kind: .photo, id: p.id, accessHash: p.accessHash, fileReference: p.fileReference, dc: Int(p.dcId),
                      sizes: p.sizes.compactMap(PhotoSizeInfo.init), size: nil, mimeType: nil, attributes: [], origin: origin)
        case .messageMediaDocument(let m):
            guard case .document(let d)? = m.document else { return nil }
            self.init(kind: .document, id: d.id, accessHash: d.accessHash, fileReference: d.fileReference, dc: Int(d.dcId),
                      sizes: (d.thumbs ?? []).compactMap(PhotoSizeInfo.init), size: d.size, mimeType: d.mimeType, attributes: d.attributes,
                      origin: origin)
        default:
            return nil
        }
    }

    /// The photo or document of message `message` in `peer` (remembered as its origin).
    public init?(_ message: Api.Message, in peer: PeerID) {
        guard case .message(let m) = message, let media = m.media else { return nil }
        self.init(media, origin: .message(peer: peer, id: m.id))
    }

    init(kind: Kind, id: Int64, accessHash: Int64, fileReference: [UInt8], dc: Int, sizes: [PhotoSizeInfo], size: Int64?, mimeType: String?,
         attributes: [Api.DocumentAttribute], origin: FileOrigin?) {
        self.kind = kind
        self.id = id
        self.accessHash = accessHash
        self.fileReference = fileReference
        self.dc = dc
        self.sizes = sizes
        self.size = size
        self.mimeType = mimeType
        self.attributes = attributes
        self.origin = origin
    }

    /// A document's file name, from its attributes.
    public var fileName: String? {
        for case .documentAttributeFilename(let a) in attributes { return a.fileName }
        return nil
    }

    /// The largest size downloaded with `upload.getFile` (not stripped, not inline).
    public var largestSize: PhotoSizeInfo? {
        sizes.filter { !$0.isStripped && $0.inlineBytes == nil }.max { ($0.byteCount ?? 0, $0.width) < ($1.byteCount ?? 0, $1.width) }
    }

    /// The location of size `type` ("" for a document's own bytes).
    func location(thumbSize type: String) -> Api.InputFileLocation {
        switch kind {
        case .photo:
            return .inputPhotoFileLocation(Api.InputFileLocation.InputPhotoFileLocation(
                id: id, accessHash: accessHash, fileReference: fileReference, thumbSize: type))
        case .document:
            return .inputDocumentFileLocation(Api.InputFileLocation.InputDocumentFileLocation(
                id: id, accessHash: accessHash, fileReference: fileReference, thumbSize: type))
        }
    }
}

/// Which bytes of a photo or document to download.
public enum DownloadVariant: Sendable, Equatable {
    /// A document's bytes, or a photo's largest size.
    case original
    /// The photo size (or document thumbnail) of this type; a stripped one becomes a JPEG.
    case size(String)
    /// A document's largest thumbnail.
    case thumbnail
}

import TLSchema

/// What a document is, beyond its bytes (Telegram's `DocumentAttribute`s).
public enum MediaAttribute: Sendable, Equatable {
    /// The file name shown.
    case fileName(String)
    /// A music track: duration in seconds, title and performer.
    case audio(duration: Int, title: String? = nil, performer: String? = nil)
    /// A voice note: duration in seconds and the waveform (5-bit samples, as Telegram packs them).
    case voice(duration: Int, waveform: [UInt8]? = nil)
    /// A video: duration in seconds and its size; `streaming` when it plays while downloading,
    /// `round` for a video message.
    case video(duration: Double, width: Int, height: Int, streaming: Bool = false, round: Bool = false)
    /// An image's size.
    case imageSize(width: Int, height: Int)
    /// An animation (GIF-like).
    case animated

    /// The attribute as Telegram takes it.
    public var api: Api.DocumentAttribute {
        switch self {
        case .fileName(let name):
            return .documentAttributeFilename(Api.DocumentAttribute.DocumentAttributeFilename(fileName: name))
        case .audio(let duration, let title, let performer):
            return .documentAttributeAudio(Api.DocumentAttribute.DocumentAttributeAudio(
                duration: Int32(clamping: duration), title: title, performer: performer))
        case .voice(let duration, let waveform):
            return .documentAttributeAudio(Api.DocumentAttribute.DocumentAttributeAudio(
                voice: true, duration: Int32(clamping: duration), waveform: waveform))
        case .video(let duration, let width, let height, let streaming, let round):
            return .documentAttributeVideo(Api.DocumentAttribute.DocumentAttributeVideo(
                roundMessage: round, supportsStreaming: streaming, duration: duration, w: Int32(clamping: width), h: Int32(clamping: height)))
        case .imageSize(let width, let height):
            return .documentAttributeImageSize(Api.DocumentAttribute.DocumentAttributeImageSize(w: Int32(clamping: width), h: Int32(clamping: height)))
        case .animated:
            return .documentAttributeAnimated
        }
    }
}

/// The media of a message to send: a file just uploaded (as a photo or a document), or a photo or
/// document Telegram already has, named by id to send it again without uploading.
public enum OutgoingMedia: Sendable {
    /// An uploaded image, sent as a photo (Telegram makes the sizes).
    case photo(UploadedFile)
    /// An uploaded file, sent as a document of `mimeType` with `attributes`; `thumbnail` is an
    /// uploaded JPEG of at most 320 px; `forceFile` keeps Telegram from treating it as a photo or video.
    case document(UploadedFile, mimeType: String, attributes: [MediaAttribute] = [], thumbnail: UploadedFile? = nil, forceFile: Bool = false)
    /// A photo or document sent before (its id, access hash and file reference).
    case existing(RemoteFile)

    /// The media as `messages.sendMedia` takes it.
    public var api: Api.InputMedia {
        switch self {
        case .photo(let file):
            return .inputMediaUploadedPhoto(Api.InputMedia.InputMediaUploadedPhoto(file: file.inputFile))
        case .document(let file, let mimeType, let attributes, let thumbnail, let forceFile):
            return .inputMediaUploadedDocument(Api.InputMedia.InputMediaUploadedDocument(
                forceFile: forceFile, file: file.inputFile, thumb: thumbnail?.inputFile, mimeType: mimeType, attributes: attributes.map(\.api)))
        case .existing(let remote):
            switch remote.kind {
            case .photo:
                return .inputMediaPhoto(Api.InputMedia.InputMediaPhoto(id: .inputPhoto(Api.InputPhoto.InputPhoto(
                    id: remote.id, accessHash: remote.accessHash, fileReference: remote.fileReference))))
            case .document:
                return .inputMediaDocument(Api.InputMedia.InputMediaDocument(id: .inputDocument(Api.InputDocument.InputDocument(
                    id: remote.id, accessHash: remote.accessHash, fileReference: remote.fileReference))))
            }
        }
    }
}

import TLSchema

/// A stored file a message carries.
enum SimulatedMedia: Sendable, Equatable {
    case photo(Int64)
    case document(Int64)
}

extension SimulatedTelegram {
    /// The message media for `media`, with the file's current reference (`messageMediaEmpty` for
    /// a file the store no longer has).
    func apiMedia(_ media: SimulatedMedia) -> Api.MessageMedia {
        switch media {
        case .photo(let id):
            guard let file = files.files[id] else { return .messageMediaEmpty }
            return .messageMediaPhoto(Api.MessageMedia.MessageMediaPhoto(photo: apiPhoto(file)))
        case .document(let id):
            guard let file = files.files[id], case .document(_, let attributes) = file.kind else { return .messageMediaEmpty }
            let voice: Bool = attributes.contains { if case .documentAttributeAudio(let a) = $0 { return a.voice } else { return false } }
            let video: Bool = attributes.contains { if case .documentAttributeVideo = $0 { return true } else { return false } }
            return .messageMediaDocument(Api.MessageMedia.MessageMediaDocument(video: video, voice: voice, document: apiDocument(file)))
        }
    }

    func apiPhoto(_ file: StoredFile) -> Api.Photo {
        .photo(Api.Photo.Photo(
            id: file.id, accessHash: file.accessHash, fileReference: files.reference(of: file.id), date: file.date,
            sizes: file.sizes.map(\.api), dcId: Int32(file.dc)))
    }

    func apiDocument(_ file: StoredFile) -> Api.Document {
        guard case .document(let mimeType, let attributes) = file.kind else { return .documentEmpty(Api.Document.DocumentEmpty(id: file.id)) }
        return .document(Api.Document.Document(
            id: file.id, accessHash: file.accessHash, fileReference: files.reference(of: file.id), date: file.date, mimeType: mimeType,
            size: file.content.size, thumbs: file.sizes.isEmpty ? nil : file.sizes.map(\.api), dcId: Int32(file.dc), attributes: attributes))
    }

    /// `message` with the current file reference of the photo or document it carries (box
    /// messages are kept as built; Telegram serves every message with a fresh reference).
    func withCurrentFileReferences(_ message: Api.Message) -> Api.Message {
        guard case .message(let m) = message, let media = m.media else { return message }
        let refreshed: Api.MessageMedia
        switch media {
        case .messageMediaPhoto(let p):
            guard case .photo(let photo)? = p.photo else { return message }
            refreshed = apiMedia(.photo(photo.id))
        case .messageMediaDocument(let d):
            guard case .document(let document)? = d.document else { return message }
            refreshed = apiMedia(.document(document.id))
        default:
            return message
        }
        return .message(Api.Message.Message(
            out: m.out, mentioned: m.mentioned, post: m.post, id: m.id, fromId: m.fromId, peerId: m.peerId, fwdFrom: m.fwdFrom,
            replyTo: m.replyTo, date: m.date, message: m.message, media: refreshed, entities: m.entities, views: m.views,
            editDate: m.editDate, groupedId: m.groupedId))
    }

    /// The stripped thumbnail of some bytes: Telegram's format (0x01, height, width, then a JPEG
    /// body without its standard header: https://core.telegram.org/api/files#stripped-thumbnails).
    /// The simulation cannot scale images, so the body is a slice of the bytes themselves.
    static func strippedThumbnail(of bytes: [UInt8]) -> StoredSize {
        StoredSize(type: "i", width: 40, height: 40, content: .bytes([1, 40, 40] + bytes.prefix(64)), isStripped: true)
    }

    /// A photo's sizes (the simulation does not scale: `m` is every fourth byte, `x` all of them).
    static func photoSizes(of bytes: [UInt8]) -> [StoredSize] {
        let small: [UInt8] = stride(from: 0, to: bytes.count, by: 4).map { bytes[$0] }
        return [strippedThumbnail(of: bytes), StoredSize(type: "m", width: 320, height: 320, content: .bytes(small)),
                StoredSize(type: "x", width: 800, height: 800, content: .bytes(bytes))]
    }

    /// The user's profile photo as a `user` object carries it.
    func profilePhoto(of user: Int64) -> Api.UserProfilePhoto? {
        guard let id = profilePhotos[user], let file = files.files[id] else { return nil }
        let stripped: [UInt8]? = file.sizes.first { $0.isStripped }.flatMap { if case .bytes(let b) = $0.content { b } else { nil } }
        return .userProfilePhoto(Api.UserProfilePhoto.UserProfilePhoto(photoId: id, strippedThumb: stripped, dcId: Int32(file.dc)))
    }
}

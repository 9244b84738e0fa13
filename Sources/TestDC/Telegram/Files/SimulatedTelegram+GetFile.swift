import Foundation
import MTProto
import TLSchema

/// Downloads (https://core.telegram.org/api/files#downloading-files): `upload.getFile` with the
/// documented offset/limit rules, `FILE_MIGRATE_X` from a DC the file does not live on, and file
/// references (https://core.telegram.org/api/file_reference) that expire on a scripted call.
extension SimulatedTelegram {
    func getFile(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.upload.GetFile else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let id: Int64, accessHash: Int64?, reference: [UInt8]?, size: String
        switch call.location {
        case .inputPhotoFileLocation(let l): (id, accessHash, reference, size) = (l.id, l.accessHash, l.fileReference, l.thumbSize)
        case .inputDocumentFileLocation(let l): (id, accessHash, reference, size) = (l.id, l.accessHash, l.fileReference, l.thumbSize)
        case .inputPeerPhotoFileLocation(let l):
            guard case .success(.user(let user)) = resolve(l.peer, for: me), profilePhotos[user] == l.photoId else {
                return .error(code: 400, message: "LOCATION_INVALID")
            }
            (id, accessHash, reference, size) = (l.photoId, nil, nil, l.big ? "c" : "a")
        default:
            return .error(code: 400, message: "LOCATION_INVALID")
        }
        guard let file = files.files[id], accessHash.map({ $0 == file.accessHash }) ?? true else { return .error(code: 400, message: "FILE_ID_INVALID") }
        if file.dc != context.dc { return .error(code: 303, message: "FILE_MIGRATE_\(file.dc)") }
        if let reference, let error = files.referenceError(reference, of: id) {
            if error == "FILE_REFERENCE_EXPIRED" { files.expiredAnswers += 1 }
            return .error(code: 400, message: error)
        }
        if let error = FileRules.chunkError(offset: call.offset, limit: call.limit, precise: call.precise) { return .error(code: 400, message: error) }
        guard let content = file.content(ofSize: size) else { return .error(code: 400, message: "LOCATION_INVALID") }
        let bytes: [UInt8] = content.chunk(offset: call.offset, limit: Int(call.limit))
        files.chunkServed()
        let type: Api.storage.FileType
        if case .photo = file.kind { type = .fileJpeg } else { type = content.size <= Int64(call.limit) && call.offset == 0 ? .fileUnknown : .filePartial }
        return .value(Api.upload.File.file(Api.upload.File.File(type: type, mtime: file.date, bytes: bytes)))
    }

    // MARK: Scripting

    /// `from` sends `to` a document of `content` (kept on DC `dc`, so a client on another DC is
    /// answered `FILE_MIGRATE_X`), named `name`; returns its id in the recipient's box.
    @discardableResult
    public func deliverDocument(
        from: Int64, to: Int64, content: FileContent, name: String, mimeType: String = "application/octet-stream", caption: String = "", dc: Int = 1
    ) async -> Int32 {
        let file: StoredFile = StoredFile(
            id: 0, accessHash: 0, dc: dc, owner: from, date: Int32(Date().timeIntervalSince1970),
            kind: .document(mimeType: mimeType, attributes: [.documentAttributeFilename(Api.DocumentAttribute.DocumentAttributeFilename(fileName: name))]),
            content: content, sizes: [])
        return await deliverStored(file, from: from, to: to, caption: caption)
    }

    /// `from` sends `to` a photo of `bytes` kept on DC `dc`; returns its id in the recipient's box.
    @discardableResult
    public func deliverPhoto(from: Int64, to: Int64, bytes: [UInt8], caption: String = "", dc: Int = 1) async -> Int32 {
        let file: StoredFile = StoredFile(
            id: 0, accessHash: 0, dc: dc, owner: from, date: Int32(Date().timeIntervalSince1970), kind: .photo, content: .bytes(bytes),
            sizes: Self.photoSizes(of: bytes))
        return await deliverStored(file, from: from, to: to, caption: caption)
    }

    private func deliverStored(_ file: StoredFile, from: Int64, to: Int64, caption: String) async -> Int32 {
        guard let kept = files.store(file, limits: rooms.limits) else { return 0 }
        let media: SimulatedMedia = if case .photo = kept.kind { .photo(kept.id) } else { .document(kept.id) }
        let draft: MessageDraft = MessageDraft(sender: from, text: caption, hasMedia: true, media: media, date: kept.date)
        _ = await deliver(draft, to: .user(to), from: from)
        return boxes[to].map { $0.nextID - 1 } ?? 0
    }

    /// Gives `user` a profile photo of `bytes` (sizes `a` 160 px and `c` 640 px, and a stripped
    /// thumbnail) kept on DC `dc`; returns the photo id.
    @discardableResult
    public func setProfilePhoto(of user: Int64, bytes: [UInt8], dc: Int = 1) -> Int64 {
        let small: [UInt8] = stride(from: 0, to: bytes.count, by: 4).map { bytes[$0] }
        let file: StoredFile = StoredFile(
            id: 0, accessHash: 0, dc: dc, owner: user, date: Int32(Date().timeIntervalSince1970), kind: .photo, content: .bytes(bytes),
            sizes: [Self.strippedThumbnail(of: bytes), StoredSize(type: "a", width: 160, height: 160, content: .bytes(small)),
                    StoredSize(type: "c", width: 640, height: 640, content: .bytes(bytes))])
        guard let kept = files.store(file, limits: rooms.limits) else { return 0 }
        profilePhotos[user] = kept.id
        return kept.id
    }

    /// Expires every file reference handed out so far (messages fetched again carry new ones).
    public func expireFileReferences() { files.referenceEpoch += 1 }

    /// Expires every file reference once `chunks` more `upload.getFile` chunks have been served
    /// (an expiry in the middle of a download).
    public func expireFileReferences(afterChunks chunks: Int) { files.expireAfterChunks = max(1, chunks) }

    /// `upload.getFile` chunks served so far.
    public var fileChunksServed: Int { files.chunksServed }

    /// `FILE_REFERENCE_EXPIRED` answers given so far.
    public var expiredReferenceAnswers: Int { files.expiredAnswers }

    /// The bytes of the stored document or photo (largest size) a message carries, as `owner` sees it.
    public func storedBytes(ofMessage id: Int32, owner: Int64) -> FileContent? {
        guard case .message(let m)? = boxes[owner]?.events.first(where: { Self.id(of: $0.message) == id })?.message else { return nil }
        switch m.media {
        case .messageMediaPhoto(let p)?: if case .photo(let photo)? = p.photo { return files.files[photo.id]?.content }
        case .messageMediaDocument(let d)?: if case .document(let document)? = d.document { return files.files[document.id]?.content }
        default: break
        }
        return nil
    }

    /// Uploads in progress for `user`, and the bytes held for it.
    public func fileStorage(of user: Int64) -> (pendingUploads: Int, heldBytes: Int64) {
        (files.uploads[user]?.count ?? 0, files.held[user] ?? 0)
    }
}

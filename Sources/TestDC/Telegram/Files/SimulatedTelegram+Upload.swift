import Foundation
import MTProto
import TLSchema

/// Uploads (https://core.telegram.org/api/files#uploading-files): `upload.saveFilePart` and
/// `upload.saveBigFilePart` with Telegram's part rules, and the stored files media calls make.
extension SimulatedTelegram {
    func installFiles() async {
        await server.handle(Api.functions.upload.SaveFilePart.self) { [self] in await self.saveFilePart($0) }
        await server.handle(Api.functions.upload.SaveBigFilePart.self) { [self] in await self.saveBigFilePart($0) }
        await server.handle(Api.functions.upload.GetFile.self) { [self] in await self.getFile($0) }
        await server.handle(Api.functions.messages.SendMedia.self) { [self] in await self.sendMedia($0) }
        await server.handle(Api.functions.messages.SendMultiMedia.self) { [self] in await self.sendMultiMedia($0) }
    }

    private func saveFilePart(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.upload.SaveFilePart else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        if let error = files.savePart(user: me, fileID: call.fileId, part: Int(call.filePart), bytes: call.bytes, totalParts: nil, limits: rooms.limits) {
            return .error(code: 400, message: error)
        }
        return .bool(true)
    }

    private func saveBigFilePart(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.upload.SaveBigFilePart else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        if let error = files.savePart(
            user: me, fileID: call.fileId, part: Int(call.filePart), bytes: call.bytes, totalParts: Int(call.fileTotalParts), limits: rooms.limits) {
            return .error(code: 400, message: error)
        }
        return .bool(true)
    }

    /// The stored file an `InputMedia` names: an upload becomes a new photo or document on `dc`; a
    /// photo or document sent before is named by id, access hash and a current file reference.
    func storedMedia(_ input: Api.InputMedia, user: Int64, dc: Int) -> Result<SimulatedMedia, RPCError> {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        switch input {
        case .inputMediaUploadedPhoto(let m):
            return files.takeUpload(m.file, user: user).flatMap { (upload: (bytes: [UInt8], name: String)) -> Result<SimulatedMedia, RPCError> in
                let photo: StoredFile = StoredFile(
                    id: 0, accessHash: 0, dc: dc, owner: user, date: now, kind: .photo, content: .bytes(upload.bytes),
                    sizes: Self.photoSizes(of: upload.bytes))
                guard let kept = files.store(photo, limits: rooms.limits) else { return .failure(RPCError(code: 400, message: "FILE_STORAGE_FULL")) }
                return .success(.photo(kept.id))
            }
        case .inputMediaUploadedDocument(let m):
            let upload: (bytes: [UInt8], name: String)
            switch files.takeUpload(m.file, user: user) {
            case .success(let taken): upload = taken
            case .failure(let error): return .failure(error)
            }
            var thumbs: [StoredSize] = []
            if let thumb = m.thumb {
                guard case .success(let small) = files.takeUpload(thumb, user: user) else { return .failure(RPCError(code: 400, message: "THUMB_INVALID")) }
                thumbs = [Self.strippedThumbnail(of: small.bytes), StoredSize(type: "m", width: 320, height: 320, content: .bytes(small.bytes))]
            }
            var attributes: [Api.DocumentAttribute] = m.attributes
            let named: Bool = attributes.contains { if case .documentAttributeFilename = $0 { true } else { false } }
            if !named, !upload.name.isEmpty { attributes.append(.documentAttributeFilename(Api.DocumentAttribute.DocumentAttributeFilename(fileName: upload.name))) }
            let document: StoredFile = StoredFile(
                id: 0, accessHash: 0, dc: dc, owner: user, date: now, kind: .document(mimeType: m.mimeType, attributes: attributes),
                content: .bytes(upload.bytes), sizes: thumbs)
            guard let kept = files.store(document, limits: rooms.limits) else { return .failure(RPCError(code: 400, message: "FILE_STORAGE_FULL")) }
            return .success(.document(kept.id))
        case .inputMediaPhoto(let m):
            guard case .inputPhoto(let photo) = m.id else { return .failure(RPCError(code: 400, message: "MEDIA_EMPTY")) }
            return sentBefore(id: photo.id, accessHash: photo.accessHash, reference: photo.fileReference, isPhoto: true)
        case .inputMediaDocument(let m):
            guard case .inputDocument(let document) = m.id else { return .failure(RPCError(code: 400, message: "MEDIA_EMPTY")) }
            return sentBefore(id: document.id, accessHash: document.accessHash, reference: document.fileReference, isPhoto: false)
        default:
            return .failure(RPCError(code: 400, message: "MEDIA_INVALID"))
        }
    }

    private func sentBefore(id: Int64, accessHash: Int64, reference: [UInt8], isPhoto: Bool) -> Result<SimulatedMedia, RPCError> {
        guard let file = files.files[id], file.accessHash == accessHash else {
            return .failure(RPCError(code: 400, message: isPhoto ? "PHOTO_INVALID" : "DOCUMENT_INVALID"))
        }
        if case .photo = file.kind, !isPhoto { return .failure(RPCError(code: 400, message: "DOCUMENT_INVALID")) }
        if case .document = file.kind, isPhoto { return .failure(RPCError(code: 400, message: "PHOTO_INVALID")) }
        if let error = files.referenceError(reference, of: id) { return .failure(RPCError(code: 400, message: error)) }
        return .success(isPhoto ? .photo(id) : .document(id))
    }
}

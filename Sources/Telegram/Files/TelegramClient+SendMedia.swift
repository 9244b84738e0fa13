import Foundation
import MTProto
import TLSchema

/// A media message sent: its id and date, and the photo or document as Telegram keeps it (to send
/// it again by id, or download it).
public struct SentMedia: Sendable {
    /// The message.
    public var message: SentMessage
    /// The stored photo or document; nil if the answer did not carry it.
    public var file: RemoteFile?
}

/// How ``TelegramClient/sendFile(_:to:as:caption:options:)`` sends a file.
public enum FileStyle: Sendable, Equatable {
    /// As a photo (Telegram makes the sizes).
    case photo
    /// As a voice note of `duration` seconds with an optional waveform.
    case voice(duration: Int, waveform: [UInt8]? = nil)
    /// As a document (a file), its MIME type guessed from the name unless given.
    case document(mimeType: String? = nil, attributes: [MediaAttribute] = [])
}

extension TelegramClient {
    /// Sends `media` to `peer` with `caption` (its entities kept). The `random_id` is fixed for
    /// the call, so a transient failure is retried without risk of a second message.
    public func sendMedia(
        _ media: OutgoingMedia, to peer: PeerID, caption: FormattedText = FormattedText(text: ""), replyTo: Int32? = nil, silent: Bool = false,
        randomID: Int64 = Int64.random(in: .min ... .max), attempts: Int = 3
    ) async throws -> SentMedia {
        let input: Api.InputPeer = try await peers.inputPeer(peer)
        let reply: Api.InputReplyTo? = replyTo.map { .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: $0)) }
        let call: Api.functions.messages.SendMedia = Api.functions.messages.SendMedia(
            silent: silent, peer: input, replyTo: reply, media: media.api, message: caption.text, randomId: randomID,
            entities: caption.entities.isEmpty ? nil : caption.entities)
        let updates: Api.Updates = try await retryingTransient(attempts: attempts) { try await self.invoke(call) }
        return try Self.sentMedia(updates, randomIDs: [randomID], in: peer)[0]
    }

    /// Sends `items` as one album (2 to 10 photos or documents, each with its caption); returns
    /// the messages in order.
    public func sendAlbum(
        _ items: [(media: OutgoingMedia, caption: FormattedText)], to peer: PeerID, replyTo: Int32? = nil, silent: Bool = false, attempts: Int = 3
    ) async throws -> [SentMedia] {
        let input: Api.InputPeer = try await peers.inputPeer(peer)
        let randomIDs: [Int64] = items.map { _ in Int64.random(in: .min ... .max) }
        let singles: [Api.InputSingleMedia] = zip(items, randomIDs).map { (item: (media: OutgoingMedia, caption: FormattedText), id: Int64) in
            Api.InputSingleMedia(
                media: item.media.api, randomId: id, message: item.caption.text, entities: item.caption.entities.isEmpty ? nil : item.caption.entities)
        }
        let reply: Api.InputReplyTo? = replyTo.map { .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: $0)) }
        let call: Api.functions.messages.SendMultiMedia = Api.functions.messages.SendMultiMedia(
            silent: silent, peer: input, replyTo: reply, multiMedia: singles)
        let updates: Api.Updates = try await retryingTransient(attempts: attempts) { try await self.invoke(call) }
        return try Self.sentMedia(updates, randomIDs: randomIDs, in: peer)
    }

    /// Uploads the file at `path` and sends it to `peer` as `style` says, with `caption`.
    public func sendFile(
        _ path: String, to peer: PeerID, as style: FileStyle = .document(), caption: FormattedText = FormattedText(text: ""),
        options: FileTransferOptions = FileTransferOptions()
    ) async throws -> SentMedia {
        let name: String = (path as NSString).lastPathComponent
        let uploaded: UploadedFile = try await upload(.file(path: path), name: name, options: options)
        return try await sendMedia(OutgoingMedia(uploaded, style: style), to: peer, caption: caption)
    }

    /// Uploads the image at `path` and sends it to `peer` as a photo.
    public func sendPhoto(_ path: String, to peer: PeerID, caption: FormattedText = FormattedText(text: "")) async throws -> SentMedia {
        try await sendFile(path, to: peer, as: .photo, caption: caption)
    }

    /// Uploads the file at `path` and sends it to `peer` as a document with `attributes`.
    public func sendDocument(
        _ path: String, to peer: PeerID, mimeType: String? = nil, attributes: [MediaAttribute] = [], caption: FormattedText = FormattedText(text: "")
    ) async throws -> SentMedia {
        try await sendFile(path, to: peer, as: .document(mimeType: mimeType, attributes: attributes), caption: caption)
    }

    /// The messages a media send made, in the order of `randomIDs`.
    static func sentMedia(_ updates: Api.Updates, randomIDs: [Int64], in peer: PeerID) throws -> [SentMedia] {
        let list: [Api.Update]
        let date: Int32
        switch updates {
        case .updates(let u): (list, date) = (u.updates, u.date)
        case .updatesCombined(let u): (list, date) = (u.updates, u.date)
        default: throw TelegramError.unexpectedResult("a media send answered with \(updates)")
        }
        let messages: [Api.Message] = list.compactMap(Api.Updates.message)
        return try randomIDs.map { (randomID: Int64) -> SentMedia in
            guard let id = list.lazy.compactMap({ (update: Api.Update) -> Int32? in
                if case .updateMessageID(let u) = update, u.randomId == randomID { return u.id }
                return nil
            }).first else { throw TelegramError.unexpectedResult("no updateMessageID for the random_id sent") }
            let message: Api.Message? = messages.first { $0.messageID == id }
            return SentMedia(message: SentMessage(id: id, date: message?.date ?? date, randomID: randomID), file: message.flatMap { RemoteFile($0, in: peer) })
        }
    }
}

extension OutgoingMedia {
    /// The media an uploaded file becomes in `style` (a document's MIME type guessed from its
    /// name unless given, its file name added).
    public init(_ file: UploadedFile, style: FileStyle) {
        switch style {
        case .photo:
            self = .photo(file)
        case .voice(let duration, let waveform):
            self = .document(file, mimeType: "audio/ogg", attributes: [.voice(duration: duration, waveform: waveform)])
        case .document(let mimeType, let attributes):
            let named: Bool = attributes.contains { if case .fileName = $0 { true } else { false } }
            self = .document(file, mimeType: mimeType ?? MIMEType.guess(fileName: file.name), attributes: named ? attributes : attributes + [.fileName(file.name)],
                             forceFile: true)
        }
    }
}

/// MIME types of common file names (Telegram wants one for every document).
enum MIMEType {
    static func guess(fileName: String) -> String {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "mp4": return "video/mp4"
        case "mov": return "video/quicktime"
        case "mp3": return "audio/mpeg"
        case "ogg", "oga", "opus": return "audio/ogg"
        case "m4a": return "audio/mp4"
        case "pdf": return "application/pdf"
        case "txt", "log", "md": return "text/plain"
        case "json": return "application/json"
        case "zip": return "application/zip"
        default: return "application/octet-stream"
        }
    }
}

import Foundation
import MTProto
import TLSchema

/// A finished download.
public struct DownloadedFile: Sendable, Equatable {
    /// Where the bytes are.
    public var path: String
    /// The file's size.
    public var size: Int64
    /// The offset the download continued from (0 for a fresh one).
    public var resumedFrom: Int64
}

/// Downloads: https://core.telegram.org/api/files#downloading-files.
///
/// Chunks of ``FileTransferOptions/chunkSize`` go in parallel (``FileTransferOptions/inFlight`` at
/// once) to the DC the file lives on (an auxiliary client logged in with exported authorization;
/// a `FILE_MIGRATE_X` is followed by `MTProtoClient` itself). They are written in order to the
/// file, so at most `inFlight` chunks are in memory whatever the file's size, and a download that
/// stopped continues from the file's length (rounded down to a chunk). An expired file reference
/// fetches the message again and the chunks go on from their own offsets.
extension TelegramClient {
    /// Starts downloading `variant` of `file` to `path`, continuing from what `path` holds when
    /// `resume` is set (else starting over).
    public nonisolated func startDownload(
        _ file: RemoteFile, variant: DownloadVariant = .original, to path: String, resume: Bool = true,
        options: FileTransferOptions = FileTransferOptions()
    ) -> Transfer<DownloadedFile> {
        Transfer { (report: @escaping @Sendable (TransferProgress) -> Void) async throws -> DownloadedFile in
            let (thumbSize, total): (String, Int64?)
            switch try Self.choose(variant, of: file) {
            case .inline(let bytes): return try Self.writeWhole(bytes, to: path, report: report)
            case .remote(let size, let bytes): (thumbSize, total) = (size, bytes)
            }
            let state: FileLocationState = FileLocationState(file: file, thumbSize: thumbSize) { [self] (origin: FileOrigin) async throws -> RemoteFile? in
                try await self.refetch(origin)
            }
            return try await self.stream(state, dc: file.dc, total: total, to: path, resume: resume, options: options, report: report)
        }
    }

    /// Downloads the photo or document of message `id` in `peer` to `path`.
    public func downloadMedia(
        ofMessage id: Int32, in peer: PeerID, variant: DownloadVariant = .original, to path: String, resume: Bool = true,
        options: FileTransferOptions = FileTransferOptions()
    ) async throws -> DownloadedFile {
        guard let file = try await refetch(.message(peer: peer, id: id)) else { throw FileTransferError.noMedia }
        return try await startDownload(file, variant: variant, to: path, resume: resume, options: options).value
    }

    /// Starts downloading the profile photo of user `peer` (640 px when `big`, else 160 px) to `path`.
    public nonisolated func startProfilePhotoDownload(of peer: PeerID, big: Bool = true, to path: String) -> Transfer<DownloadedFile> {
        Transfer { (report: @escaping @Sendable (TransferProgress) -> Void) async throws -> DownloadedFile in
            guard case .user(let userID) = peer else { throw FileTransferError.noMedia }
            let users: [Api.User] = try await self.invoke(Api.functions.users.GetUsers(id: [try await self.peers.inputUser(userID)]))
            guard case .user(let user)? = users.first, case .userProfilePhoto(let photo)? = user.photo else { throw FileTransferError.noMedia }
            let location: Api.InputFileLocation = .inputPeerPhotoFileLocation(Api.InputFileLocation.InputPeerPhotoFileLocation(
                big: big, peer: try await self.peers.inputPeer(peer), photoId: photo.photoId))
            return try await self.stream(
                FileLocationState(fixed: location), dc: Int(photo.dcId), total: nil, to: path, resume: false, options: FileTransferOptions(),
                report: report)
        }
    }

    /// The photo or document of `origin` as Telegram has it now (with a new file reference).
    func refetch(_ origin: FileOrigin) async throws -> RemoteFile? {
        switch origin {
        case .message(let peer, let id):
            guard let message = try await messages([id], in: peer).first else { return nil }
            return RemoteFile(message, in: peer)
        }
    }

    private enum Choice {
        case inline([UInt8])
        case remote(thumbSize: String, total: Int64?)
    }

    private static func choose(_ variant: DownloadVariant, of file: RemoteFile) throws(FileTransferError) -> Choice {
        let size: PhotoSizeInfo?
        switch (variant, file.kind) {
        case (.original, .document): return .remote(thumbSize: "", total: file.size)
        case (.original, .photo): size = file.largestSize
        case (.size(let type), _):
            guard let found = file.sizes.first(where: { $0.type == type }) else { throw .noSuchSize(type) }
            size = found
        case (.thumbnail, .document): size = file.largestSize
        case (.thumbnail, .photo): throw .noSuchSize("thumbnail")
        }
        guard let size else { throw .noMedia }
        if let inline = size.inlineBytes {
            guard size.isStripped else { return .inline(inline) }
            guard let jpeg = StrippedThumbnail.jpeg(inline) else { throw .noSuchSize(size.type) }
            return .inline(jpeg)
        }
        return .remote(thumbSize: size.type, total: size.byteCount)
    }

    private static func writeWhole(_ bytes: [UInt8], to path: String, report: @Sendable (TransferProgress) -> Void) throws -> DownloadedFile {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw FileTransferError.unwritable(path: path) }
        report(TransferProgress(bytes: Int64(bytes.count), total: Int64(bytes.count)))
        return DownloadedFile(path: path, size: Int64(bytes.count), resumedFrom: 0)
    }

    private nonisolated func stream(
        _ state: FileLocationState, dc: Int, total: Int64?, to path: String, resume: Bool, options: FileTransferOptions,
        report: @escaping @Sendable (TransferProgress) -> Void
    ) async throws -> DownloadedFile {
        let existing: Int64 = resume ? ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0) : 0
        let plan: DownloadPlan = try DownloadPlan(chunkSize: options.chunkSize, total: total, existing: existing)
        if !FileManager.default.fileExists(atPath: path) || !resume {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw FileTransferError.unwritable(path: path) }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw FileTransferError.unwritable(path: path) }
        defer { try? handle.close() }
        do {
            try handle.truncate(atOffset: UInt64(plan.start))
            try handle.seek(toOffset: UInt64(plan.start))
        } catch {
            throw FileTransferError.unwritable(path: path)
        }
        let connection: MTProtoClient = dc > 0 ? try await mtproto.client(forDataCentre: dc) : mtproto
        let fetcher: ChunkFetcher = ChunkFetcher(connection: connection, state: state, limit: plan.chunkSize, attempts: options.attempts)
        var window: ChunkWindow = ChunkWindow(plan: plan, capacity: options.inFlight)
        var written: Int64 = plan.start
        report(TransferProgress(bytes: written, total: total))
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { (group: inout ThrowingTaskGroup<(Int, [UInt8]), any Error>) in
            while !window.isFinished {
                while let index = window.issue() {
                    let offset: Int64 = plan.offset(ofChunk: index)
                    group.addTask { (index, try await fetcher.fetch(offset: offset)) }
                }
                guard let (index, bytes) = try await group.next() else { break }
                guard bytes.count <= plan.chunkSize else { throw FileTransferError.unexpectedChunk(offset: plan.offset(ofChunk: index), bytes: bytes.count) }
                for chunk in window.receive(index, bytes: bytes) {
                    do { try handle.write(contentsOf: chunk) } catch { throw FileTransferError.unwritable(path: path) }
                    written += Int64(chunk.count)
                }
                report(TransferProgress(bytes: written, total: total))
            }
            group.cancelAll()
        }
        if let total, written != total { throw FileTransferError.unexpectedChunk(offset: written, bytes: 0) }
        return DownloadedFile(path: path, size: written, resumedFrom: plan.start)
    }
}

/// Fetches one chunk: again after a transient failure (up to the attempts) or an expired
/// reference (after the location is refreshed); a CDN redirect is a typed error for now.
struct ChunkFetcher: Sendable {
    let connection: MTProtoClient
    let state: FileLocationState
    let limit: Int
    let attempts: Int

    func fetch(offset: Int64) async throws -> [UInt8] {
        var attempt: Int = 1
        while true {
            let (location, reference): (Api.InputFileLocation, [UInt8]) = await state.current()
            do {
                let answer: Api.upload.File = try await connection.invoke(Api.functions.upload.GetFile(
                    precise: false, cdnSupported: false, location: location, offset: offset, limit: Int32(limit)))
                switch answer {
                case .file(let file): return file.bytes
                case .fileCdnRedirect(let redirect): throw FileTransferError.cdnNotSupported(dc: Int(redirect.dcId))
                }
            } catch let error as RPCError where error.name == "FILE_REFERENCE_EXPIRED" {
                try await state.refresh(after: reference)
            } catch {
                guard FileTransferRetry.isTransient(error), attempt < attempts else { throw error }
                try await Task.sleep(for: .milliseconds(100 * attempt))
                attempt += 1
            }
        }
    }
}

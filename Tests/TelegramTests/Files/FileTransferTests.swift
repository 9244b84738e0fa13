import Foundation
import Synchronization
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Uploads, media messages and downloads against TestDC over TCP.
struct FileTransferTests {
    static let person1: PeerID = .user(TelegramHarness.person(1))

    static func pattern(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        (0 ..< count).map { FileContent.generatedByte(at: Int64($0), seed: seed) }
    }

    static func message(_ id: Int32, _ client: TelegramClient) async throws -> Api.Message {
        try #require(try await client.messages([id], in: person1).first)
    }

    static func contents(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    @Test func aSmallFileGoesUpWithItsMD5AndIsSentAsAPhotoWithACaption() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let bytes: [UInt8] = Self.pattern(300_000)
        let transfer: Transfer<UploadedFile> = client.startUpload(.bytes(bytes), name: "cat.jpg")
        var seen: [TransferProgress] = []
        for await step in transfer.progress { seen.append(step) }
        let file: UploadedFile = try await transfer.value
        #expect(!file.isBig)
        #expect(file.parts == 3)
        #expect(file.md5?.count == 32)
        #expect(seen.last == TransferProgress(bytes: 300_000, total: 300_000))
        #expect(await harness.server.callCount(of: Api.functions.upload.SaveFilePart.constructorID) == 3)

        let caption: FormattedText = FormattedText(markdown: "a **cat**")
        let sent: SentMedia = try await client.sendMedia(.photo(file), to: Self.person1, caption: caption)
        let remote: RemoteFile = try #require(sent.file)
        #expect(remote.kind == .photo)
        #expect(remote.sizes.map(\.type) == ["i", "m", "x"])
        #expect(await harness.telegram.storedBytes(ofMessage: sent.message.id, owner: TelegramHarness.ownerID) == .bytes(bytes))
        let message: Api.Message = try #require(try await client.messages([sent.message.id], in: Self.person1).first)
        guard case .message(let m) = message else { Issue.record("not a message"); return }
        #expect(m.message == "a cat")
        #expect(m.entities?.map { $0.serializedData() } == caption.entities.map { $0.serializedData() })
        #expect(!caption.entities.isEmpty)

        // The largest size comes back; the stripped one is inflated into a JPEG.
        let path: String = harness.folder.appendingPathComponent("cat.jpg").path
        let downloaded: DownloadedFile = try await client.startDownload(remote, to: path).value
        #expect(downloaded.size == 300_000)
        #expect(Self.contents(path) == bytes)
        _ = try await client.startDownload(remote, variant: .size("i"), to: path).value
        #expect(Self.contents(path).prefix(2) == [0xFF, 0xD8])
        #expect(Self.contents(path).suffix(2) == [0xFF, 0xD9])
    }

    @Test func aBigFileGoesUpWithSaveBigFilePartAndComesBackWhole() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let bytes: [UInt8] = Self.pattern(10 * 1024 * 1024 + 5000, seed: 3)
        let source: String = harness.folder.appendingPathComponent("big.bin").path
        #expect(FileManager.default.createFile(atPath: source, contents: Data(bytes)))
        let sent: SentMedia = try await client.sendFile(
            source, to: Self.person1, as: .document(attributes: [.video(duration: 12.5, width: 640, height: 360, streaming: true)]))
        #expect(await harness.server.callCount(of: Api.functions.upload.SaveBigFilePart.constructorID) == 21)
        #expect(await harness.server.callCount(of: Api.functions.upload.SaveFilePart.constructorID) == 0)
        let remote: RemoteFile = try #require(sent.file)
        #expect(remote.fileName == "big.bin")
        #expect(remote.size == Int64(bytes.count))
        #expect(remote.attributes.contains { if case .documentAttributeVideo(let v) = $0 { v.duration == 12.5 && v.w == 640 } else { false } })
        let path: String = harness.folder.appendingPathComponent("big.out").path
        let downloaded: DownloadedFile = try await client.downloadMedia(ofMessage: sent.message.id, in: Self.person1, to: path)
        #expect(downloaded.size == Int64(bytes.count))
        #expect(Self.contents(path) == bytes)
        // 1 MiB chunks: 11 of them.
        #expect(await harness.telegram.fileChunksServed == 11)
    }

    @Test func aFailedPartIsTheOnlyOneSentAgain() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        var faults: FaultPlan = FaultPlan()
        faults.rpcErrors[Api.functions.upload.SaveFilePart.constructorID] = (500, "RPC_CALL_FAIL", 1)
        await harness.server.setFaults(faults)
        let bytes: [UInt8] = Self.pattern(40 * 1024)
        let file: UploadedFile = try await client.upload(.bytes(bytes), name: "notes.txt", options: FileTransferOptions(partSize: 4096))
        #expect(file.parts == 10)
        #expect(await harness.server.callCount(of: Api.functions.upload.SaveFilePart.constructorID) == 10)
        _ = try await client.sendMedia(.document(file, mimeType: "text/plain"), to: .user(TelegramHarness.ownerID))
        // More failures of one part than attempts: the error comes through.
        faults.rpcErrors[Api.functions.upload.SaveFilePart.constructorID] = (500, "RPC_CALL_FAIL", 3)
        await harness.server.setFaults(faults)
        await #expect { try await client.upload(.bytes(bytes), name: "n.txt", options: FileTransferOptions(inFlight: 1, partSize: 4096, attempts: 3)) } throws: {
            ($0 as? RPCError)?.isTransient == true
        }
    }

    @Test func voiceNotesAlbumsAndResendsById() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let voice: UploadedFile = try await client.upload(.bytes(Self.pattern(5000)), name: "v.ogg")
        let sentVoice: SentMedia = try await client.sendMedia(
            .document(voice, mimeType: "audio/ogg", attributes: [.voice(duration: 3, waveform: [1, 2, 3])]), to: Self.person1)
        let audio: Api.DocumentAttribute? = sentVoice.file?.attributes.first { if case .documentAttributeAudio = $0 { true } else { false } }
        guard case .documentAttributeAudio(let a)? = audio else { Issue.record("no audio attribute"); return }
        #expect(a.voice && a.duration == 3 && a.waveform == [1, 2, 3])

        var items: [(media: OutgoingMedia, caption: FormattedText)] = []
        for index in 0 ..< 3 {
            let photo: UploadedFile = try await client.upload(.bytes(Self.pattern(2000 + index, seed: UInt64(index))), name: "p\(index).jpg")
            items.append((.photo(photo), FormattedText(text: "photo \(index)")))
        }
        let album: [SentMedia] = try await client.sendAlbum(items, to: Self.person1)
        #expect(album.count == 3)
        let messages: [Api.Message] = try await client.messages(album.map(\.message.id), in: Self.person1)
        let groups: [Int64?] = messages.map { if case .message(let m) = $0 { m.groupedId } else { nil } }
        #expect(groups.count == 3 && groups[0] != nil && Set(groups).count == 1)

        // Sent again by id: no upload, the same photo.
        let again: SentMedia = try await client.sendMedia(.existing(try #require(album[0].file)), to: .user(TelegramHarness.ownerID))
        #expect(again.file?.id == album[0].file?.id)
        // With an expired reference Telegram refuses; the message fetched again has a fresh one.
        await harness.telegram.expireFileReferences()
        await #expect { try await client.sendMedia(.existing(try #require(album[0].file)), to: Self.person1) } throws: {
            ($0 as? RPCError)?.name == "FILE_REFERENCE_EXPIRED"
        }
        let refetched: Api.Message = try #require(try await client.messages([album[0].message.id], in: Self.person1).first)
        let fresh: RemoteFile = try #require(RemoteFile(refetched, in: Self.person1))
        #expect(fresh.fileReference != album[0].file?.fileReference)
        _ = try await client.sendMedia(.existing(fresh), to: Self.person1)
    }

    @Test func aDownloadContinuesFromTheBytesAlreadyThere() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let size: Int64 = 3 * 1024 * 1024 + 777
        let id: Int32 = await harness.telegram.deliverDocument(
            from: TelegramHarness.person(1), to: TelegramHarness.ownerID, content: .generated(size: size, seed: 11), name: "backup.tar")
        let expected: [UInt8] = (0 ..< size).map { FileContent.generatedByte(at: $0, seed: 11) }
        let path: String = harness.folder.appendingPathComponent("backup.tar").path
        // 1.3 MiB already there (the tail of it unaligned): the download starts over at 1 MiB.
        #expect(FileManager.default.createFile(atPath: path, contents: Data(expected.prefix(1_300_000))))
        let downloaded: DownloadedFile = try await client.downloadMedia(ofMessage: id, in: Self.person1, to: path)
        #expect(downloaded.resumedFrom == 1024 * 1024)
        #expect(await harness.telegram.fileChunksServed == 3)
        #expect(Self.contents(path) == expected)
        // Not resuming starts from zero.
        let again: DownloadedFile = try await client.downloadMedia(
            ofMessage: id, in: Self.person1, to: path, resume: false, options: FileTransferOptions(chunkSize: 512 * 1024))
        #expect(again.resumedFrom == 0)
        #expect(Self.contents(path) == expected)
    }

    @Test func anExpiredReferenceInTheMiddleOfADownloadIsRefreshedAndTheDownloadGoesOn() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let size: Int64 = 2 * 1024 * 1024 + 10
        let id: Int32 = await harness.telegram.deliverDocument(
            from: TelegramHarness.person(1), to: TelegramHarness.ownerID, content: .generated(size: size, seed: 5), name: "movie.mp4")
        let file: RemoteFile = try #require(RemoteFile(try await Self.message(id, client), in: Self.person1))
        await harness.telegram.expireFileReferences(afterChunks: 3)
        let path: String = harness.folder.appendingPathComponent("movie.mp4").path
        let downloaded: DownloadedFile = try await client.startDownload(
            file, to: path, options: FileTransferOptions(inFlight: 2, chunkSize: 256 * 1024)).value
        #expect(downloaded.size == size)
        #expect(await harness.telegram.expiredReferenceAnswers >= 1)
        #expect(Self.contents(path) == (0 ..< size).map { FileContent.generatedByte(at: $0, seed: 5) })
    }

    @Test func aFileOnAnotherDCIsFetchedThere() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let bytes: [UInt8] = Self.pattern(70_000, seed: 9)
        let id: Int32 = await harness.telegram.deliverPhoto(from: TelegramHarness.person(1), to: TelegramHarness.ownerID, bytes: bytes, dc: 2)
        var file: RemoteFile = try #require(RemoteFile(try await Self.message(id, client), in: Self.person1))
        #expect(file.dc == 2)
        let path: String = harness.folder.appendingPathComponent("far.jpg").path
        _ = try await client.startDownload(file, to: path).value
        #expect(Self.contents(path) == bytes)
        // Asked on the home DC anyway: FILE_MIGRATE_2 is followed.
        file.dc = 0
        let before: Int = await harness.server.callCount(of: Api.functions.upload.GetFile.constructorID)
        _ = try await client.startDownload(file, to: path, resume: false).value
        #expect(Self.contents(path) == bytes)
        #expect(await harness.server.callCount(of: Api.functions.upload.GetFile.constructorID) == before + 2)
    }

    @Test func getFileRefusesOffsetsAndLimitsOutsideTheRules() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let id: Int32 = await harness.telegram.deliverDocument(
            from: TelegramHarness.person(1), to: TelegramHarness.ownerID, content: .generated(size: 3 * 1024 * 1024, seed: 1), name: "a.bin")
        let file: RemoteFile = try #require(RemoteFile(try await Self.message(id, client), in: Self.person1))
        let location: Api.InputFileLocation = .inputDocumentFileLocation(Api.InputFileLocation.InputDocumentFileLocation(
            id: file.id, accessHash: file.accessHash, fileReference: file.fileReference, thumbSize: ""))
        func error(offset: Int64, limit: Int32, precise: Bool = false) async -> String? {
            do {
                _ = try await client.invoke(Api.functions.upload.GetFile(precise: precise, location: location, offset: offset, limit: limit))
                return nil
            } catch {
                return (error as? RPCError)?.message ?? "\(error)"
            }
        }
        #expect(await error(offset: 0, limit: 1000) == "LIMIT_INVALID")
        #expect(await error(offset: 0, limit: 3 * 4096) == "LIMIT_INVALID")
        #expect(await error(offset: 1024, limit: 4096) == "OFFSET_INVALID")
        #expect(await error(offset: 768 * 1024, limit: 512 * 1024) == "LIMIT_INVALID")
        #expect(await error(offset: 1024 * 1024, limit: 512 * 1024) == nil)
        #expect(await error(offset: 1024, limit: 3072, precise: true) == nil)
        #expect(await error(offset: 1024 * 1024 - 1024, limit: 2048, precise: true) == "LIMIT_INVALID")
        // Past the end: no bytes.
        let tail: Api.upload.File = try await client.invoke(Api.functions.upload.GetFile(location: location, offset: 8 * 1024 * 1024, limit: 4096))
        if case .file(let f) = tail { #expect(f.bytes.isEmpty) } else { Issue.record("not a file") }
        // A client chunk size outside the rules is a typed error before any call.
        await #expect(throws: FileTransferError.invalidChunkSize(5000)) {
            try await client.startDownload(file, to: harness.folder.appendingPathComponent("x").path, options: FileTransferOptions(chunkSize: 5000)).value
        }
    }

    @Test func badUploadsGetTelegramsErrors() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let me: PeerID = .user(TelegramHarness.ownerID)
        func rpc(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch {
                return (error as? RPCError)?.message ?? "\(error)"
            }
        }
        await #expect(throws: FileTransferError.emptyFile) { try await client.upload(.bytes([]), name: "e") }
        await #expect(throws: FileTransferError.invalidPartSize(1000)) {
            try await client.upload(.bytes([1, 2, 3]), name: "e", options: FileTransferOptions(partSize: 1000))
        }
        #expect(await rpc { _ = try await client.invoke(Api.functions.upload.SaveFilePart(fileId: 1, filePart: 0, bytes: [UInt8](repeating: 0, count: 600 * 1024))) }
            == "FILE_PART_TOO_BIG")
        #expect(await rpc { _ = try await client.invoke(Api.functions.upload.SaveFilePart(fileId: 1, filePart: 0, bytes: [])) } == "FILE_PART_EMPTY")
        #expect(await rpc { _ = try await client.invoke(Api.functions.upload.SaveBigFilePart(fileId: 2, filePart: 0, fileTotalParts: 4001, bytes: [1])) }
            == "FILE_PARTS_INVALID")
        #expect(await rpc { _ = try await client.invoke(Api.functions.upload.SaveBigFilePart(fileId: 2, filePart: 0, fileTotalParts: 3, bytes: [1, 2])) }
            == "FILE_PART_SIZE_INVALID")
        // A part missing, and a wrong MD5.
        _ = try await client.invoke(Api.functions.upload.SaveFilePart(fileId: 3, filePart: 0, bytes: [UInt8](repeating: 1, count: 1024)))
        _ = try await client.invoke(Api.functions.upload.SaveFilePart(fileId: 3, filePart: 2, bytes: [1]))
        let missing: UploadedFile = UploadedFile(id: 3, parts: 3, name: "m", size: 2049, md5: "")
        #expect(await rpc { _ = try await client.sendMedia(.document(missing, mimeType: "x/y"), to: me) } == "FILE_PART_1_MISSING")
        let good: UploadedFile = try await client.upload(.bytes([1, 2, 3]), name: "m")
        var wrong: UploadedFile = good
        wrong.md5 = String(repeating: "0", count: 32)
        #expect(await rpc { _ = try await client.sendMedia(.document(wrong, mimeType: "x/y"), to: me) } == "MD5_CHECKSUM_INVALID")
        // The simulation's memory cap per account.
        var limits: SimulatedLimits = await harness.telegram.limits
        limits.fileBytesPerAccount = 64 * 1024
        await harness.telegram.setLimits(limits)
        #expect(await rpc { _ = try await client.upload(.bytes(Self.pattern(100 * 1024)), name: "big", options: FileTransferOptions(inFlight: 1)) }
            == "FILE_STORAGE_FULL")
        #expect(await harness.telegram.fileStorage(of: TelegramHarness.ownerID).heldBytes <= 64 * 1024)
    }

    @Test func aProfilePhotoIsDownloadedByPeer() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let bytes: [UInt8] = Self.pattern(9000, seed: 4)
        await harness.telegram.setProfilePhoto(of: TelegramHarness.person(1), bytes: bytes, dc: 2)
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let path: String = harness.folder.appendingPathComponent("face.jpg").path
        _ = try await client.startProfilePhotoDownload(of: Self.person1, big: true, to: path).value
        #expect(Self.contents(path) == bytes)
        _ = try await client.startProfilePhotoDownload(of: Self.person1, big: false, to: path).value
        #expect(Self.contents(path) == stride(from: 0, to: bytes.count, by: 4).map { bytes[$0] })
    }
}

/// Memory of a long download: chunks are written as they come, so the process does not grow with the file.
struct DownloadMemoryTests {
    /// The resident set of this process, in bytes (Linux).
    static func residentBytes() -> Int64 {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int64($0) }) else { return 0 }
        return pages * 4096
    }

    /// Measures the whole process, so other tests running beside it would count: it runs alone,
    /// with `FILES_MEMORY_TEST=1 swift test --filter DownloadMemoryTests` (passes at about 50 MiB).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FILES_MEMORY_TEST"] != nil))
    func a96MiBDownloadGrowsTheProcessByLessThan64MiB() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let size: Int64 = 96 * 1024 * 1024
        let id: Int32 = await harness.telegram.deliverDocument(
            from: TelegramHarness.person(1), to: TelegramHarness.ownerID, content: .generated(size: size, seed: 2), name: "huge.bin")
        let path: String = harness.folder.appendingPathComponent("huge.bin").path
        let before: Int64 = Self.residentBytes()
        let peak: Mutex<Int64> = Mutex(before)
        let sampler: Task<Void, Never> = Task {
            while !Task.isCancelled {
                let now: Int64 = Self.residentBytes()
                peak.withLock { $0 = max($0, now) }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let downloaded: DownloadedFile = try await client.downloadMedia(ofMessage: id, in: FileTransferTests.person1, to: path)
        sampler.cancel()
        #expect(downloaded.size == size)
        let growth: Int64 = peak.withLock { $0 } - before
        // The client and the in-process TestDC together hold about 50 MiB of buffers whatever the
        // file's size (measured at 64 and 160 MiB), well below the file.
        #expect(growth < 64 * 1024 * 1024, "grew by \(growth / 1024 / 1024) MiB")
        // Spot checks of the bytes (the whole file is not read back into memory).
        let handle: FileHandle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let offsets: [Int64] = [0, 33 * 1024 * 1024 + 5, size - 16]
        for offset in offsets {
            try handle.seek(toOffset: UInt64(offset))
            let read: Data = try handle.read(upToCount: 16) ?? Data()
            let expected: [UInt8] = (offset ..< offset + 16).map { (at: Int64) -> UInt8 in FileContent.generatedByte(at: at, seed: 2) }
            #expect([UInt8](read) == expected)
        }
    }
}

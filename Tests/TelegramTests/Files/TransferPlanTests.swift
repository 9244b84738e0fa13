@testable import Telegram
import Testing

/// The sans-IO rules of uploads and downloads (https://core.telegram.org/api/files).
struct TransferPlanTests {
    @Test func partSizesFollowTheFileSize() throws {
        let small: UploadPlan = try UploadPlan(fileSize: 300_000)
        #expect(small.partSize == 128 * 1024)
        #expect(small.partCount == 3)
        #expect(!small.isBig)
        #expect(small.range(ofPart: 2) == 262_144 ..< 300_000)

        let threshold: UploadPlan = try UploadPlan(fileSize: 10 * 1024 * 1024)
        #expect(!threshold.isBig)
        let big: UploadPlan = try UploadPlan(fileSize: 10 * 1024 * 1024 + 1)
        #expect(big.isBig)
        #expect(big.partSize == 512 * 1024)
        #expect(big.partCount == 21)
        #expect(big.range(ofPart: 20).count == 1)
    }

    @Test func partSizesAndCountsOutsideTheRulesAreTypedErrors() throws {
        #expect(throws: FileTransferError.emptyFile) { try UploadPlan(fileSize: 0) }
        #expect(throws: FileTransferError.invalidPartSize(1000)) { try UploadPlan(fileSize: 5000, partSize: 1000) }
        #expect(throws: FileTransferError.invalidPartSize(3072)) { try UploadPlan(fileSize: 5000, partSize: 3072) }
        #expect(throws: FileTransferError.invalidPartSize(1024 * 1024)) { try UploadPlan(fileSize: 5000, partSize: 1024 * 1024) }
        let most: UploadPlan = try UploadPlan(fileSize: 4000 * 1024, partSize: 1024)
        #expect(most.partCount == 4000)
        #expect(throws: FileTransferError.fileTooLarge(size: 4000 * 1024 + 1, maximum: 4000 * 1024)) {
            try UploadPlan(fileSize: 4000 * 1024 + 1, partSize: 1024)
        }
        // 512 KiB parts hold 2,000 MiB at most.
        #expect(throws: FileTransferError.self) { try UploadPlan(fileSize: 4000 * 512 * 1024 + 1) }
    }

    @Test func downloadChunksAreAlignedAndAResumeStartsAtAChunk() throws {
        #expect(throws: FileTransferError.invalidChunkSize(1000)) { try DownloadPlan(chunkSize: 1000, total: 10) }
        #expect(throws: FileTransferError.invalidChunkSize(3 * 4096)) { try DownloadPlan(chunkSize: 3 * 4096, total: 10) }
        #expect(throws: FileTransferError.invalidChunkSize(2 * 1024 * 1024)) { try DownloadPlan(chunkSize: 2 * 1024 * 1024, total: 10) }
        let plan: DownloadPlan = try DownloadPlan(chunkSize: 65536, total: 300_000, existing: 140_000)
        #expect(plan.start == 131_072)
        #expect(plan.offset(ofChunk: 1) == 196_608)
        #expect(plan.chunkCount == 3)
        let done: DownloadPlan = try DownloadPlan(chunkSize: 65536, total: 300_000, existing: 900_000)
        #expect(done.start == 262_144)
        #expect(try DownloadPlan(chunkSize: 4096, total: nil).chunkCount == nil)
    }

    @Test func aStrippedThumbnailBecomesAJPEG() throws {
        let jpeg: [UInt8] = try #require(StrippedThumbnail.jpeg([1, 30, 40, 9, 8, 7]))
        #expect(jpeg.prefix(2) == [0xFF, 0xD8])
        #expect(jpeg.suffix(5) == [9, 8, 7, 0xFF, 0xD9])
        #expect(jpeg.count == 623 + 3 + 2)
        // The SOF0 segment holds the height and the width.
        let sof: Int = try #require((0 ..< jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        #expect(jpeg[sof + 6] == 30)
        #expect(jpeg[sof + 8] == 40)
        #expect(StrippedThumbnail.jpeg([2, 30, 40]) == nil)
        #expect(StrippedThumbnail.jpeg([1, 30]) == nil)
    }
}

/// The download window: never more than its capacity in flight or held, chunks out in order.
struct ChunkWindowTests {
    @Test func chunksLeaveInOrderAndTheWindowStaysBounded() throws {
        let plan: DownloadPlan = try DownloadPlan(chunkSize: 4096, total: 5 * 4096 - 100)
        var window: ChunkWindow = ChunkWindow(plan: plan, capacity: 2)
        #expect(window.issue() == 0)
        #expect(window.issue() == 1)
        #expect(window.issue() == nil)
        #expect(window.receive(1, bytes: [UInt8](repeating: 1, count: 4096)).isEmpty)
        #expect(window.issue() == nil)
        #expect(window.receive(0, bytes: [UInt8](repeating: 0, count: 4096)).map(\.first) == [0, 1])
        #expect(window.issue() == 2)
        #expect(window.issue() == 3)
        #expect(window.outstanding == 2)
        _ = window.receive(2, bytes: [UInt8](repeating: 2, count: 4096))
        _ = window.receive(3, bytes: [UInt8](repeating: 3, count: 4096))
        #expect(window.issue() == 4)
        #expect(window.issue() == nil)
        #expect(!window.isFinished)
        #expect(window.receive(4, bytes: [UInt8](repeating: 4, count: 3996)).count == 1)
        #expect(window.isFinished)
    }

    @Test func withoutAKnownSizeAShortChunkIsTheLast() throws {
        let plan: DownloadPlan = try DownloadPlan(chunkSize: 4096, total: nil)
        var window: ChunkWindow = ChunkWindow(plan: plan, capacity: 3)
        #expect([window.issue(), window.issue(), window.issue()] == [0, 1, 2])
        _ = window.receive(1, bytes: [7])
        _ = window.receive(2, bytes: [])
        #expect(window.issue() == nil)
        #expect(window.receive(0, bytes: [UInt8](repeating: 0, count: 4096)).map(\.count) == [4096, 1])
        #expect(window.isFinished)
    }
}

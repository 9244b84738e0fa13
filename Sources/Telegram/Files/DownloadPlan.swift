/// How a download is cut into `upload.getFile` chunks, by the rules of
/// https://core.telegram.org/api/files#downloading-files: the `limit` is a multiple of 4 KiB that
/// divides 1 MiB, every offset a multiple of the limit (so no chunk crosses a 1 MiB boundary). A
/// resumed download starts at the bytes already there, rounded down to a chunk. Pure values: no I/O.
public struct DownloadPlan: Sendable, Equatable {
    /// The `limit` of every chunk.
    public let chunkSize: Int
    /// The first offset asked for.
    public let start: Int64
    /// The file's size, when the media says it.
    public let total: Int64?

    /// Whether `size` is a chunk size Telegram takes.
    public static func isValidChunkSize(_ size: Int) -> Bool {
        size > 0 && size % 4096 == 0 && (1024 * 1024) % size == 0
    }

    /// A plan for a file of `total` bytes (nil: unknown, read until a short chunk) of which
    /// `existing` bytes are on disk already. Throws ``FileTransferError/invalidChunkSize(_:)``.
    public init(chunkSize: Int, total: Int64?, existing: Int64 = 0) throws(FileTransferError) {
        guard Self.isValidChunkSize(chunkSize) else { throw .invalidChunkSize(chunkSize) }
        self.chunkSize = chunkSize
        self.total = total
        let kept: Int64 = max(0, min(existing, total ?? existing))
        self.start = kept - kept % Int64(chunkSize)
    }

    /// The offset of chunk `index` (0 is the one at ``start``).
    public func offset(ofChunk index: Int) -> Int64 { start + Int64(index) * Int64(chunkSize) }

    /// How many chunks are left to fetch, when the size is known.
    public var chunkCount: Int? {
        total.map { (total: Int64) -> Int in Int((max(0, total - start) + Int64(chunkSize) - 1) / Int64(chunkSize)) }
    }
}

/// The chunks of a download in flight and received: at most `capacity` are asked for or held
/// at once, and they leave in order (so the file grows from its start and a resume knows where
/// it stopped). A short chunk is the last one. Pure state: no I/O.
struct ChunkWindow: Sendable {
    let plan: DownloadPlan
    let capacity: Int
    private(set) var nextToIssue: Int = 0
    private(set) var nextToWrite: Int = 0
    private var received: [Int: [UInt8]] = [:]
    /// The index of the first short chunk, once one came.
    private var lastChunk: Int?

    init(plan: DownloadPlan, capacity: Int) {
        self.plan = plan
        self.capacity = max(1, capacity)
        if plan.chunkCount == 0 { lastChunk = -1 }
    }

    /// Whether every chunk has been written.
    var isFinished: Bool {
        if let lastChunk { return nextToWrite > lastChunk }
        if let count = plan.chunkCount { return nextToWrite >= count }
        return false
    }

    /// The next chunk to ask for, while there is room.
    mutating func issue() -> Int? {
        guard nextToIssue - nextToWrite < capacity else { return nil }
        if let lastChunk, nextToIssue > lastChunk { return nil }
        if let count = plan.chunkCount, nextToIssue >= count { return nil }
        defer { nextToIssue += 1 }
        return nextToIssue
    }

    /// Takes chunk `index`; returns the chunks that can now be written, in order.
    mutating func receive(_ index: Int, bytes: [UInt8]) -> [[UInt8]] {
        received[index] = bytes
        if bytes.count < plan.chunkSize { lastChunk = min(lastChunk ?? index, index) }
        var ready: [[UInt8]] = []
        while let next = received.removeValue(forKey: nextToWrite) {
            if let lastChunk, nextToWrite > lastChunk { break }
            ready.append(next)
            nextToWrite += 1
        }
        return ready
    }

    /// Chunks held or in flight (never above ``capacity``).
    var outstanding: Int { nextToIssue - nextToWrite }
}

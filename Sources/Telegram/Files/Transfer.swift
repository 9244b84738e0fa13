/// How far a transfer got.
public struct TransferProgress: Sendable, Equatable {
    /// Bytes uploaded, or written to the file (a resumed download counts what was there).
    public var bytes: Int64
    /// The whole size, when it is known.
    public var total: Int64?

    /// Progress of `bytes` out of `total`.
    public init(bytes: Int64, total: Int64?) {
        self.bytes = bytes
        self.total = total
    }
}

/// An upload or download under way: its progress as an `AsyncSequence` (the latest values; the
/// sequence ends with the transfer) and its result.
public struct Transfer<Value: Sendable>: Sendable {
    /// Progress reports, newest kept when the consumer is slow.
    public let progress: AsyncStream<TransferProgress>
    private let task: Task<Value, any Error>

    /// Runs `work` in a task of its own; `work` reports progress through the function it is given.
    init(_ work: @escaping @Sendable (_ report: @escaping @Sendable (TransferProgress) -> Void) async throws -> Value) {
        let (stream, continuation): (AsyncStream<TransferProgress>, AsyncStream<TransferProgress>.Continuation) =
            AsyncStream.makeStream(of: TransferProgress.self, bufferingPolicy: .bufferingNewest(8))
        progress = stream
        task = Task {
            defer { continuation.finish() }
            return try await work { continuation.yield($0) }
        }
    }

    /// The result, once the transfer is done. Throws what made it fail.
    public var value: Value {
        get async throws { try await task.value }
    }

    /// Stops the transfer (``value`` then throws `CancellationError`).
    public func cancel() { task.cancel() }
}

/// How transfers run.
public struct FileTransferOptions: Sendable, Equatable {
    /// Parts (uploads) or chunks (downloads) in flight at once.
    public var inFlight: Int = 4
    /// The part size of uploads; nil lets ``UploadPlan`` choose.
    public var partSize: Int? = nil
    /// The `limit` of each `upload.getFile`: a multiple of 4 KiB dividing 1 MiB.
    public var chunkSize: Int = 1024 * 1024
    /// Tries per part or chunk when it fails transiently (only that part or chunk is sent again).
    public var attempts: Int = 3

    /// The defaults: 4 in flight, automatic part size, 1 MiB chunks, 3 attempts.
    public init(inFlight: Int = 4, partSize: Int? = nil, chunkSize: Int = 1024 * 1024, attempts: Int = 3) {
        self.inFlight = max(1, inFlight)
        self.partSize = partSize
        self.chunkSize = chunkSize
        self.attempts = max(1, attempts)
    }
}

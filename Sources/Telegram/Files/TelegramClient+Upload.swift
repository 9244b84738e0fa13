import MTProto
import TLSchema

/// Uploads: https://core.telegram.org/api/files#uploading-files.
///
/// Parts go in parallel over the one connection to the home DC: ``FileTransferOptions/inFlight``
/// calls are outstanding at once (pipelined, each answered on its own). `MTProtoClient` has
/// auxiliary clients only for other DCs (`client(forDataCentre:)`); a second connection to the home
/// DC would need a session and a PFS key of its own, so pipelining is the cheaper way to keep the
/// link busy. A part that fails transiently is sent again alone; the others are not repeated.
extension TelegramClient {
    /// Starts uploading `source` as `name`; see ``Transfer`` for the progress and the result.
    public nonisolated func startUpload(_ source: UploadSource, name: String, options: FileTransferOptions = FileTransferOptions()) -> Transfer<UploadedFile> {
        let connection: MTProtoClient = mtproto
        return Transfer { (report: @escaping @Sendable (TransferProgress) -> Void) async throws -> UploadedFile in
            try await Self.upload(source, name: name, options: options, over: connection, report: report)
        }
    }

    /// Uploads `source` as `name` and returns the file to name in a media message.
    public func upload(_ source: UploadSource, name: String, options: FileTransferOptions = FileTransferOptions()) async throws -> UploadedFile {
        guard started else { throw TelegramError.notStarted }
        return try await startUpload(source, name: name, options: options).value
    }

    private static func upload(
        _ source: UploadSource, name: String, options: FileTransferOptions, over connection: MTProtoClient,
        report: @escaping @Sendable (TransferProgress) -> Void
    ) async throws -> UploadedFile {
        let plan: UploadPlan = try UploadPlan(fileSize: try source.size(), partSize: options.partSize)
        let reader: UploadReader = try source.open()
        let digest: MD5? = plan.isBig ? nil : MD5()
        let fileID: Int64 = Int64.random(in: .min ... .max)
        report(TransferProgress(bytes: 0, total: plan.fileSize))
        try await withThrowingTaskGroup(of: Int.self) { (group: inout ThrowingTaskGroup<Int, any Error>) in
            var next: Int = 0
            var inFlight: Int = 0
            var sent: Int64 = 0
            while next < plan.partCount || inFlight > 0 {
                while inFlight < options.inFlight, next < plan.partCount {
                    let expected: Int = plan.range(ofPart: next).count
                    let bytes: [UInt8] = try reader.read(expected)
                    guard bytes.count == expected else { throw FileTransferError.sourceChanged }
                    digest?.update(bytes)
                    let call: UploadPart = UploadPart(fileID: fileID, index: next, bytes: bytes, plan: plan)
                    group.addTask { try await call.send(over: connection, attempts: options.attempts) }
                    next += 1
                    inFlight += 1
                }
                guard let done = try await group.next() else { break }
                inFlight -= 1
                sent += Int64(done)
                report(TransferProgress(bytes: sent, total: plan.fileSize))
            }
        }
        guard try reader.read(1).isEmpty else { throw FileTransferError.sourceChanged }
        return UploadedFile(id: fileID, parts: plan.partCount, name: name, size: plan.fileSize, md5: digest.map { MD5.hex($0.finish()) })
    }
}

/// One part of an upload and how it is sent.
struct UploadPart: Sendable {
    var fileID: Int64
    var index: Int
    var bytes: [UInt8]
    var plan: UploadPlan

    /// Saves the part, up to `attempts` times while it fails transiently; returns its size.
    func send(over connection: MTProtoClient, attempts: Int) async throws -> Int {
        var attempt: Int = 1
        while true {
            do {
                let saved: Bool
                if plan.isBig {
                    saved = try await connection.invoke(Api.functions.upload.SaveBigFilePart(
                        fileId: fileID, filePart: Int32(index), fileTotalParts: Int32(plan.partCount), bytes: bytes))
                } else {
                    saved = try await connection.invoke(Api.functions.upload.SaveFilePart(fileId: fileID, filePart: Int32(index), bytes: bytes))
                }
                guard saved else { throw RPCError(code: 500, message: "FILE_PART_NOT_SAVED") }
                return bytes.count
            } catch {
                guard FileTransferRetry.isTransient(error), attempt < attempts else { throw error }
                try await Task.sleep(for: .milliseconds(100 * attempt))
                attempt += 1
            }
        }
    }
}

/// Which failures of a part or chunk are worth one more try.
enum FileTransferRetry {
    /// A 500, `-503`, `TIMEOUT`, or the client's own timeout.
    static func isTransient(_ error: any Error) -> Bool {
        (error as? RPCError)?.isTransient ?? (error as? MTProtoClientError == .timeout)
    }
}

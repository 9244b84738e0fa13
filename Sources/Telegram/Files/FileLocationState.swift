import TLSchema

/// The location a download asks for, kept current: on `FILE_REFERENCE_EXPIRED` the file is
/// fetched again from its origin (one fetch for all the chunks that saw the same stale reference)
/// and the chunks continue from their own offsets.
actor FileLocationState {
    private var file: RemoteFile?
    private let fixed: Api.InputFileLocation?
    private let thumbSize: String
    private let refetch: @Sendable (FileOrigin) async throws -> RemoteFile?
    private var pending: Task<Void, any Error>?
    private var refreshes: Int = 0
    /// Refreshes one download may need before it gives up.
    static let maximumRefreshes: Int = 5

    init(file: RemoteFile, thumbSize: String, refetch: @escaping @Sendable (FileOrigin) async throws -> RemoteFile?) {
        self.file = file
        self.fixed = nil
        self.thumbSize = thumbSize
        self.refetch = refetch
    }

    /// A location without a reference (a profile photo by peer).
    init(fixed: Api.InputFileLocation) {
        self.file = nil
        self.fixed = fixed
        self.thumbSize = ""
        self.refetch = { _ in nil }
    }

    /// The location to ask for, and the reference it carries.
    func current() -> (location: Api.InputFileLocation, reference: [UInt8]) {
        if let file { return (file.location(thumbSize: thumbSize), file.fileReference) }
        return (fixed ?? .inputFileLocation(Api.InputFileLocation.InputFileLocation(volumeId: 0, localId: 0, secret: 0, fileReference: [])), [])
    }

    /// Makes the reference newer than `stale`, fetching the file again unless that was done already.
    /// Throws ``FileTransferError/referenceNotRefreshed`` when the file cannot give a new one.
    func refresh(after stale: [UInt8]) async throws {
        guard let file, file.fileReference == stale else { return }
        if let pending { return try await pending.value }
        guard refreshes < Self.maximumRefreshes, let origin = file.origin else { throw FileTransferError.referenceNotRefreshed }
        refreshes += 1
        let refetch: @Sendable (FileOrigin) async throws -> RemoteFile? = self.refetch
        let task: Task<RemoteFile?, any Error> = Task { try await refetch(origin) }
        pending = Task { _ = try await task.value }
        defer { pending = nil }
        guard let fresh = try await task.value, fresh.id == file.id, fresh.fileReference != stale else { throw FileTransferError.referenceNotRefreshed }
        self.file?.fileReference = fresh.fileReference
    }
}

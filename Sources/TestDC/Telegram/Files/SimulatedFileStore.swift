import MTProto
import TLSchema

/// The files of the simulation: uploads in progress per account, stored photos and documents, and
/// file references (https://core.telegram.org/api/file_reference) that a scripting call expires.
/// Memory is bounded per account (``SimulatedLimits/fileBytesPerAccount``,
/// ``SimulatedLimits/pendingUploadsPerAccount``).
struct SimulatedFileStore: Sendable {
    var uploads: [Int64: [Int64: PendingUpload]] = [:]
    var files: [Int64: StoredFile] = [:]
    /// Bytes held per account (its uploads in progress and its stored files).
    var held: [Int64: Int64] = [:]
    /// References made before this epoch are expired.
    var referenceEpoch: UInt32 = 1
    /// After this many more `getFile` chunks, every reference expires (a scripted expiry).
    var expireAfterChunks: Int?
    /// `getFile` chunks answered, and `FILE_REFERENCE_EXPIRED` answers given.
    var chunksServed: Int = 0
    var expiredAnswers: Int = 0
    private var nextID: Int64 = 7_000_000_001
    private var nextSequence: UInt64 = 1

    /// Saves one part of `fileID` for `user`; the error Telegram answers when it breaks a rule, or
    /// `FILE_STORAGE_FULL` (a simulation limit, not a Telegram error) past the account's bytes.
    mutating func savePart(user: Int64, fileID: Int64, part: Int, bytes: [UInt8], totalParts: Int?, limits: SimulatedLimits) -> String? {
        var upload: PendingUpload = uploads[user]?[fileID] ?? PendingUpload(totalParts: nil, sequence: nextSequence)
        if uploads[user]?[fileID] == nil {
            nextSequence += 1
        } else if (totalParts != nil) != upload.isBig {
            return "FILE_PARTS_INVALID"
        }
        let replaced: Int64 = Int64(upload.parts[part]?.count ?? 0)
        guard (held[user] ?? 0) - replaced + Int64(bytes.count) <= limits.fileBytesPerAccount else { return "FILE_STORAGE_FULL" }
        if let error = upload.save(part: part, bytes: bytes, totalParts: totalParts) { return error }
        held[user, default: 0] += Int64(bytes.count) - replaced
        uploads[user, default: [:]][fileID] = upload
        forgetOldestUploads(of: user, keeping: limits.pendingUploadsPerAccount)
        return nil
    }

    /// Uploads past `keeping` per account: the oldest are forgotten (as Telegram forgets unused uploads).
    private mutating func forgetOldestUploads(of user: Int64, keeping: Int) {
        guard let pending = uploads[user], pending.count > keeping else { return }
        let oldest: [Int64] = pending.sorted { $0.value.sequence < $1.value.sequence }.prefix(pending.count - keeping).map(\.key)
        for id in oldest { dropUpload(user: user, fileID: id) }
    }

    private mutating func dropUpload(user: Int64, fileID: Int64) {
        guard let upload = uploads[user]?.removeValue(forKey: fileID) else { return }
        held[user, default: 0] -= upload.heldBytes
    }

    /// The bytes and name of an uploaded file named by `input` (the upload is used up), or Telegram's error.
    mutating func takeUpload(_ input: Api.InputFile, user: Int64) -> Result<(bytes: [UInt8], name: String), RPCError> {
        let id: Int64, parts: Int32, name: String, md5: String?
        switch input {
        case .inputFile(let f): (id, parts, name, md5) = (f.id, f.parts, f.name, f.md5Checksum)
        case .inputFileBig(let f): (id, parts, name, md5) = (f.id, f.parts, f.name, nil)
        case .inputFileStoryDocument: return .failure(RPCError(code: 400, message: "FILE_ID_INVALID"))
        }
        guard let upload = uploads[user]?[id] else { return .failure(RPCError(code: 400, message: "FILE_PART_0_MISSING")) }
        let assembled: Result<[UInt8], RPCError> = upload.assemble(count: Int(parts), big: md5 == nil)
        guard case .success(let bytes) = assembled else { return assembled.map { ($0, name) } }
        if let md5, !md5.isEmpty {
            let digest: MD5 = MD5()
            digest.update(bytes)
            guard MD5.hex(digest.finish()) == md5.lowercased() else { return .failure(RPCError(code: 400, message: "MD5_CHECKSUM_INVALID")) }
        }
        dropUpload(user: user, fileID: id)
        return .success((bytes, name))
    }

    /// Keeps `file` (its id and access hash are assigned here); nil past the owner's bytes.
    mutating func store(_ file: StoredFile, limits: SimulatedLimits) -> StoredFile? {
        guard (held[file.owner] ?? 0) + file.heldBytes <= limits.fileBytesPerAccount else { return nil }
        var kept: StoredFile = file
        kept.id = nextID
        kept.accessHash = Self.accessHash(of: nextID)
        nextID += 1
        files[kept.id] = kept
        held[file.owner, default: 0] += kept.heldBytes
        return kept
    }

    static func accessHash(of id: Int64) -> Int64 { Int64(bitPattern: UInt64(bitPattern: id) &* 0xC2B2_AE3D_27D4_EB4F) }

    /// The current file reference of file `id`: the epoch and a tag binding it to the file.
    func reference(of id: Int64) -> [UInt8] { Self.reference(of: id, epoch: referenceEpoch) }

    private static func reference(of id: Int64, epoch: UInt32) -> [UInt8] {
        let tag: UInt64 = (UInt64(bitPattern: id) ^ (UInt64(epoch) << 32)) &* 0xFF51_AFD7_ED55_8CCD
        return withUnsafeBytes(of: epoch.littleEndian, Array.init) + withUnsafeBytes(of: UInt32(truncatingIfNeeded: tag >> 32).littleEndian, Array.init)
    }

    /// The error a `getFile` with `reference` for file `id` gets, or nil when it is current.
    func referenceError(_ reference: [UInt8], of id: Int64) -> String? {
        if reference.isEmpty { return "FILE_REFERENCE_EMPTY" }
        guard reference.count == 8 else { return "FILE_REFERENCE_INVALID" }
        let epoch: UInt32 = reference.prefix(4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard epoch <= referenceEpoch, Self.reference(of: id, epoch: epoch) == reference else { return "FILE_REFERENCE_INVALID" }
        return epoch < referenceEpoch ? "FILE_REFERENCE_EXPIRED" : nil
    }

    /// Counts a chunk served and runs a scripted expiry when it is due.
    mutating func chunkServed() {
        chunksServed += 1
        guard let left = expireAfterChunks else { return }
        if left <= 1 {
            expireAfterChunks = nil
            referenceEpoch += 1
        } else {
            expireAfterChunks = left - 1
        }
    }
}

import MTProto

/// The parts of one file a client is uploading (`upload.saveFilePart` / `saveBigFilePart`), before
/// a media call names it with `inputFile`/`inputFileBig`.
struct PendingUpload: Sendable {
    /// Set by the first `saveBigFilePart`; nil for a small file.
    var totalParts: Int?
    var parts: [Int: [UInt8]] = [:]
    /// The size of the parts that are not the last (the first such part sets it).
    var partSize: Int?
    var sequence: UInt64

    var isBig: Bool { totalParts != nil }
    var heldBytes: Int64 { parts.values.reduce(0) { $0 + Int64($1.count) } }

    /// Stores part `index`; the error Telegram answers when the part breaks a rule.
    mutating func save(part index: Int, bytes: [UInt8], totalParts announced: Int?) -> String? {
        guard !bytes.isEmpty else { return "FILE_PART_EMPTY" }
        guard bytes.count <= FileRules.maximumPartSize else { return "FILE_PART_TOO_BIG" }
        if let announced {
            guard announced > 0, announced <= FileRules.maximumParts else { return "FILE_PARTS_INVALID" }
            if let totalParts, totalParts != announced { return "FILE_PARTS_INVALID" }
            guard index >= 0, index < announced else { return "FILE_PART_INVALID" }
            totalParts = announced
            // The last part may be smaller; every other one has the one valid size.
            if index < announced - 1 {
                guard FileRules.isValidPartSize(bytes.count) else { return "FILE_PART_SIZE_INVALID" }
                if let partSize, partSize != bytes.count { return "FILE_PART_SIZE_CHANGED" }
                partSize = bytes.count
            }
        } else {
            guard index >= 0, index < FileRules.maximumParts else { return "FILE_PART_INVALID" }
        }
        parts[index] = bytes
        return nil
    }

    /// The file's bytes when `count` parts were announced by `inputFile`/`inputFileBig`, or the
    /// error Telegram answers (a missing part is `FILE_PART_<n>_MISSING`).
    func assemble(count: Int, big: Bool) -> Result<[UInt8], RPCError> {
        guard count > 0, count <= FileRules.maximumParts, big == isBig, totalParts.map({ $0 == count }) ?? true else {
            return .failure(RPCError(code: 400, message: "FILE_PARTS_INVALID"))
        }
        for index in 0 ..< count where parts[index] == nil { return .failure(RPCError(code: 400, message: "FILE_PART_\(index)_MISSING")) }
        guard parts.keys.allSatisfy({ $0 < count }) else { return .failure(RPCError(code: 400, message: "FILE_PARTS_INVALID")) }
        let size: Int = parts[0]?.count ?? 0
        for index in 0 ..< count - 1 where parts[index]?.count != size || !FileRules.isValidPartSize(size) {
            return .failure(RPCError(code: 400, message: "FILE_PART_SIZE_INVALID"))
        }
        if count > 1, (parts[count - 1]?.count ?? 0) > size { return .failure(RPCError(code: 400, message: "FILE_PART_SIZE_INVALID")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.values.reduce(0) { $0 + $1.count })
        for index in 0 ..< count { bytes += parts[index] ?? [] }
        if !big, Int64(bytes.count) > FileRules.bigFileThreshold { return .failure(RPCError(code: 400, message: "FILE_PARTS_INVALID")) }
        return .success(bytes)
    }
}

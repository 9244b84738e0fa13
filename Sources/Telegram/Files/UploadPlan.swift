/// How a file of a given size is cut into parts for `upload.saveFilePart` /
/// `upload.saveBigFilePart`, by the rules of https://core.telegram.org/api/files: every part but
/// the last has the same size, a multiple of 1 KiB that divides 512 KiB; the last part may be
/// smaller; at most 4,000 parts; files over 10 MiB are "big" (``isBig``: `saveBigFilePart`,
/// `inputFileBig`, no MD5), smaller ones carry an MD5 checksum. Pure values: no I/O.
public struct UploadPlan: Sendable, Equatable {
    /// The largest part Telegram takes (512 KiB).
    public static let maximumPartSize: Int = 512 * 1024
    /// The most parts one file has (4,000; premium accounts have 8,000, not used here).
    public static let maximumParts: Int = 4000
    /// Files larger than this are big files (10 MiB).
    public static let bigFileThreshold: Int64 = 10 * 1024 * 1024
    /// The part size chosen for small files: several parts even for a photo of a few hundred
    /// KiB, so that they go in parallel.
    public static let smallFilePartSize: Int = 128 * 1024

    /// The file's size in bytes.
    public let fileSize: Int64
    /// The size of every part but the last.
    public let partSize: Int
    /// How many parts.
    public let partCount: Int

    /// Whether the file goes up as a big file.
    public var isBig: Bool { fileSize > Self.bigFileThreshold }

    /// Whether `size` is allowed for every part but the last.
    public static func isValidPartSize(_ size: Int) -> Bool {
        size > 0 && size % 1024 == 0 && maximumPartSize % size == 0
    }

    /// The plan for `fileSize` bytes: parts of `partSize` when given (it must be valid), else of
    /// 128 KiB for small files and 512 KiB for big ones. Throws ``FileTransferError``.
    public init(fileSize: Int64, partSize requested: Int? = nil) throws(FileTransferError) {
        guard fileSize > 0 else { throw .emptyFile }
        let size: Int = requested ?? (fileSize > Self.bigFileThreshold ? Self.maximumPartSize : Self.smallFilePartSize)
        guard Self.isValidPartSize(size) else { throw .invalidPartSize(size) }
        let count: Int64 = (fileSize + Int64(size) - 1) / Int64(size)
        guard count <= Int64(Self.maximumParts) else { throw .fileTooLarge(size: fileSize, maximum: Int64(size) * Int64(Self.maximumParts)) }
        self.fileSize = fileSize
        self.partSize = size
        self.partCount = Int(count)
    }

    /// The bytes of part `index` (0-based): full parts, then what is left.
    public func range(ofPart index: Int) -> Range<Int64> {
        let start: Int64 = Int64(index) * Int64(partSize)
        return start ..< min(fileSize, start + Int64(partSize))
    }
}

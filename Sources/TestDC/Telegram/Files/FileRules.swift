/// Telegram's rules for file parts and file chunks, as https://core.telegram.org/api/files states
/// them (the server side: TestDC refuses what Telegram refuses, with the same errors).
enum FileRules {
    /// The largest part `upload.saveFilePart`/`saveBigFilePart` take (512 KiB).
    static let maximumPartSize: Int = 512 * 1024
    /// Parts of one file (`file_total_parts`; 8,000 for premium accounts, not simulated).
    static let maximumParts: Int = 4000
    /// From this size on a file must be uploaded with `upload.saveBigFilePart` (10 MiB).
    static let bigFileThreshold: Int64 = 10 * 1024 * 1024
    /// The chunk boundary `upload.getFile` never crosses (1 MiB).
    static let chunkWindow: Int64 = 1024 * 1024

    /// Whether `size` may be the size of every part but the last: divisible by 1 KiB, and 512 KiB
    /// divisible by it.
    static func isValidPartSize(_ size: Int) -> Bool {
        size > 0 && size % 1024 == 0 && maximumPartSize % size == 0
    }

    /// The error `upload.getFile` answers for `offset`/`limit`, or nil when they are allowed. Without
    /// `precise`: offset divisible by 4 KiB, limit divisible by 4 KiB and dividing 1 MiB. With
    /// `precise`: both divisible by 1 KiB, limit at most 1 MiB. Either way the chunk stays inside one
    /// 1 MiB window.
    static func chunkError(offset: Int64, limit: Int32, precise: Bool) -> String? {
        let unit: Int64 = precise ? 1024 : 4096
        guard offset >= 0, offset % unit == 0 else { return "OFFSET_INVALID" }
        let size: Int64 = Int64(limit)
        guard size > 0, size % unit == 0, size <= chunkWindow else { return "LIMIT_INVALID" }
        if !precise, chunkWindow % size != 0 { return "LIMIT_INVALID" }
        guard offset / chunkWindow == (offset + size - 1) / chunkWindow else { return "LIMIT_INVALID" }
        return nil
    }
}

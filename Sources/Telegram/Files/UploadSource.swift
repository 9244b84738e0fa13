import Foundation

/// Where the bytes of an upload come from.
public enum UploadSource: Sendable {
    /// Bytes in memory.
    case bytes([UInt8])
    /// A file on disk, read part by part (never whole).
    case file(path: String)

    /// The size in bytes. Throws ``FileTransferError/unreadable(path:)``.
    func size() throws(FileTransferError) -> Int64 {
        switch self {
        case .bytes(let bytes):
            return Int64(bytes.count)
        case .file(let path):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.int64Value else { throw .unreadable(path: path) }
            return size
        }
    }

    /// A reader from the start.
    func open() throws(FileTransferError) -> UploadReader {
        switch self {
        case .bytes(let bytes):
            return UploadReader(bytes: bytes, handle: nil)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path) }
            return UploadReader(bytes: [], handle: handle)
        }
    }
}

/// Reads an upload's parts in order (a file through its handle, closed at the end).
final class UploadReader {
    private let bytes: [UInt8]
    private let handle: FileHandle?
    private var offset: Int = 0

    init(bytes: [UInt8], handle: FileHandle?) {
        self.bytes = bytes
        self.handle = handle
    }

    deinit { try? handle?.close() }

    /// The next `count` bytes (fewer at the end of the file).
    func read(_ count: Int) throws(FileTransferError) -> [UInt8] {
        guard let handle else {
            let end: Int = min(bytes.count, offset + count)
            defer { offset = end }
            return Array(bytes[offset ..< end])
        }
        do {
            return [UInt8](try handle.read(upToCount: count) ?? Data())
        } catch {
            throw .sourceChanged
        }
    }
}

import TLSchema

/// A file whose parts Telegram has: what a media message names it by (`inputFile` with its MD5,
/// or `inputFileBig`). Telegram keeps the parts for a while; name the file in one send.
public struct UploadedFile: Sendable, Equatable {
    /// The client-chosen `file_id` the parts were saved under.
    public var id: Int64
    /// How many parts were saved.
    public var parts: Int
    /// The file name Telegram is given.
    public var name: String
    /// The size in bytes.
    public var size: Int64
    /// The MD5 of a small file (32 hex digits); nil for a big one.
    public var md5: String?

    /// A file saved under `id` in `parts` parts (`md5` for a small file, nil for a big one).
    public init(id: Int64, parts: Int, name: String, size: Int64, md5: String?) {
        self.id = id
        self.parts = parts
        self.name = name
        self.size = size
        self.md5 = md5
    }

    /// Whether the file went up as a big file.
    public var isBig: Bool { md5 == nil }

    /// The `InputFile` naming it.
    public var inputFile: Api.InputFile {
        if let md5 {
            return .inputFile(Api.InputFile.InputFile(id: id, parts: Int32(parts), name: name, md5Checksum: md5))
        }
        return .inputFileBig(Api.InputFile.InputFileBig(id: id, parts: Int32(parts), name: name))
    }
}

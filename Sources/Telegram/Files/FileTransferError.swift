/// Why an upload or a download could not be done (Telegram's own refusals come as
/// ``MTProto/RPCError``).
public enum FileTransferError: Error, Sendable, Equatable {
    /// A file of no bytes (Telegram refuses empty parts).
    case emptyFile
    /// A part size that is not a multiple of 1 KiB dividing 512 KiB.
    case invalidPartSize(Int)
    /// A chunk size that is not a multiple of 4 KiB dividing 1 MiB.
    case invalidChunkSize(Int)
    /// More bytes than 4,000 parts of the part size hold.
    case fileTooLarge(size: Int64, maximum: Int64)
    /// The file could not be opened or read.
    case unreadable(path: String)
    /// The file could not be created or written.
    case unwritable(path: String)
    /// The file changed size while it was being uploaded.
    case sourceChanged
    /// The message has no photo or document, or no size of the type asked for.
    case noMedia
    /// The photo has no size of this type.
    case noSuchSize(String)
    /// Telegram answered `upload.fileCdnRedirect`: the file is served by CDN DC `dc`, which this
    /// client does not fetch from yet.
    case cdnNotSupported(dc: Int)
    /// `FILE_REFERENCE_EXPIRED` again after the message was fetched again (or it can no longer be fetched).
    case referenceNotRefreshed
    /// The file's size changed between chunks, or Telegram sent more than was asked for.
    case unexpectedChunk(offset: Int64, bytes: Int)
}

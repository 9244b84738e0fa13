import ArgumentParser
import Foundation
import Telegram

/// `tg upload PEER FILE`: uploads a file and sends it.
struct UploadCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "upload", abstract: "Upload FILE and send it to PEER (as a document unless told); prints the new message's id.")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @Argument(help: "The file to send.")
    var file: String
    @Option(help: "A caption for the file.")
    var caption: String?
    @OptionGroup var format: FormatOptions
    @Flag(name: .customLong("as-photo"), help: "Send it as a photo.")
    var asPhoto: Bool = false
    @Flag(name: .customLong("as-voice"), help: "Send it as a voice note (OGG/Opus).")
    var asVoice: Bool = false
    @Flag(name: .customLong("as-document"), help: "Send it as a document (the default).")
    var asDocument: Bool = false
    @Option(help: "The voice note's duration in seconds.")
    var duration: Int = 0

    func validate() throws {
        if [asPhoto, asVoice, asDocument].filter({ $0 }).count > 1 { throw ValidationError("--as-photo, --as-voice and --as-document exclude each other") }
    }

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            guard FileManager.default.isReadableFile(atPath: file) else { throw TGExit.badInput("cannot read \(file)") }
            let text: FormattedText = try caption.map { try format.format($0) } ?? FormattedText(text: "")
            let style: FileStyle = asPhoto ? .photo : asVoice ? .voice(duration: duration) : .document()
            let id: Int32 = try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                let transfer: Transfer<UploadedFile> = client.startUpload(.file(path: file), name: (file as NSString).lastPathComponent)
                let bar: ProgressBar = ProgressBar(label: "upload")
                for await step in transfer.progress { bar.show(step) }
                bar.finish()
                let uploaded: UploadedFile = try await transfer.value
                let media: OutgoingMedia = OutgoingMedia(uploaded, style: style)
                return try await client.sendMedia(media, to: peer.id, caption: text).message.id
            }
            print(id)
        }
    }
}

/// `tg download PEER MSGID`: saves a message's photo or document.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "download", abstract: "Save the photo or document of message MSGID in PEER; prints the path. An existing partial file is continued.")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @Argument(help: "The message id.")
    var id: Int32
    @Option(help: "Where to write (default: the document's file name, or <MSGID>.jpg for a photo, in the current folder).")
    var out: String?

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let path: String = try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                guard let message = try await client.messages([id], in: peer.id).first else { throw TGExit.badInput("no such message: \(id)") }
                guard let file = RemoteFile(message, in: peer.id) else { throw TGExit.badInput("message \(id) has no photo or document") }
                let name: String = file.fileName.map { ($0 as NSString).lastPathComponent } ?? (file.kind == .photo ? "\(id).jpg" : "\(id).bin")
                let path: String = out ?? name
                let transfer: Transfer<DownloadedFile> = client.startDownload(file, to: path)
                let bar: ProgressBar = ProgressBar(label: "download")
                for await step in transfer.progress { bar.show(step) }
                bar.finish()
                return try await transfer.value.path
            }
            print(path)
        }
    }
}

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: Sendable {
    private let label: String
    private let enabled: Bool = isatty(STDERR_FILENO) == 1

    init(label: String) { self.label = label }

    func show(_ progress: TransferProgress) {
        guard enabled else { return }
        let line: String
        if let total = progress.total, total > 0 {
            let filled: Int = Int(30 * progress.bytes / total)
            line = "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: 30 - filled))] \(100 * progress.bytes / total)% "
        } else {
            line = "\r\(label) \(progress.bytes) bytes "
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

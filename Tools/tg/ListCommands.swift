import ArgumentParser
import TLSchema
import Telegram

/// `tg history PEER`: the newest messages of a chat, newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "history", abstract: "Print the newest messages of PEER, newest first (one line, or one JSON object, each).")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @OptionGroup var limit: LimitOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                for try await message in client.history(of: peer.id, limit: limit.limit ?? 20) {
                    let record: MessageRecord = MessageRecord(message)
                    output.print(record, line: record.line)
                }
            }
        }
    }
}

/// `tg dialogs`: the chat list, every folder.
struct DialogsCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "dialogs", abstract: "Print the account's chats (main list and archive), newest first.")

    @OptionGroup var options: TGOptions
    @OptionGroup var limit: LimitOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            try await withClient(options) { (client: TelegramClient) in
                for try await dialog in client.dialogs(limit: limit.limit ?? 50) {
                    let name: String = try await client.peers.peer(dialog.peer)?.name ?? ""
                    let record: DialogRecord = DialogRecord(
                        peer: dialog.peer.markedID, name: name, unread: dialog.unreadCount, topMessage: dialog.topMessageID,
                        folder: dialog.folderID, pinned: dialog.isPinned, text: dialog.topMessage?.text)
                    output.print(record, line: "\(record.peer)\t\(record.unread)\t\(record.name)")
                }
            }
        }
    }
}

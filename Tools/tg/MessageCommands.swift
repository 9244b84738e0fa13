import ArgumentParser
import Telegram

/// `tg send PEER TEXT`: sends a message.
struct SendCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "send", abstract: "Send TEXT to PEER; prints the new message's id. Texts over 4096 UTF-16 units are sent in parts.")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @Argument(help: "The text (- reads it from standard input).")
    var text: String
    @OptionGroup var format: FormatOptions
    @Option(name: .customLong("reply-to"), help: "Reply to this message id.")
    var replyTo: Int32?

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            // From standard input at most 1 MiB (a message is at most 4,096 UTF-16 units; longer texts are split).
            let formatted: FormattedText = try format.format(text == "-" ? await readStandardInput(upTo: 1 << 20) : text)
            let ids: [Int32] = try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                var sent: [Int32] = []
                for part in formatted.split() {
                    let message: SentMessage = try await client.send(part, to: peer.id, replyTo: sent.isEmpty ? replyTo : nil)
                    sent.append(message.id)
                }
                return sent
            }
            for id in ids { print(id) }
        }
    }
}

/// `tg edit PEER ID TEXT`: edits a message.
struct EditCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(commandName: "edit", abstract: "Replace the text of message ID in PEER.")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @Argument(help: "The message id.")
    var id: Int32
    @Argument(help: "The new text.")
    var text: String
    @OptionGroup var format: FormatOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let formatted: FormattedText = try format.format(text)
            try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                _ = try await client.edit(id, in: peer.id, text: formatted)
            }
        }
    }
}

/// `tg delete PEER ID…`: deletes messages for everyone.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "delete", abstract: "Delete messages in PEER, for both sides where Telegram allows it.")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @Argument(help: "The message ids.")
    var ids: [Int32]
    @Flag(name: .customLong("only-me"), help: "Delete only for this account (private chats and basic groups).")
    var onlyMe: Bool = false

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one message id") }
    }

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            try await withClient(options) { (client: TelegramClient) in
                let peer: Peer = try await resolvePeer(target.peer, client)
                try await client.delete(ids, in: peer.id, revoke: !onlyMe)
            }
        }
    }
}

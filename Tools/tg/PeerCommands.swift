import ArgumentParser
import Telegram

/// `tg me`: the logged-in user.
struct MeCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(commandName: "me", abstract: "Print the logged-in user.")

    @OptionGroup var options: TGOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let me: Peer = try await withClient(options) { try await $0.me() }
            output.print(PeerRecord(me), line: PeerRecord(me).line)
        }
    }
}

/// `tg resolve PEER`: who a reference names.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "resolve", abstract: "Print the peer PEER names (asking Telegram for usernames and phones not seen before).")

    @OptionGroup var options: TGOptions
    @OptionGroup var target: PeerArgument
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runTG(secrets: options.secrets) {
            let found: Peer = try await withClient(options) { try await resolvePeer(target.peer, $0) }
            output.print(PeerRecord(found), line: PeerRecord(found).line)
        }
    }
}

import ArgumentParser
import Foundation

/// `tg`: Telegram from the command line, built on the `Telegram` library alone. It reads the same
/// configuration keys, file and session as `userbot` (the session file is locked: stop the bot first).
@main
struct TGCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "tg",
        abstract: "Telegram from the command line: log in, send, edit, delete, read history and dialogs, resolve peers, listen.",
        discussion: """
            PEER is @username, +phone, a numeric id (marked: -chat, -100channel), me, or a t.me link.
            Exit codes: 0 ok; 2 bad input (a flag, a configuration value, a malformed session string, a refused \
            bot token) or an unknown peer (named); 3 a flood wait above the threshold (the wait printed); 1 anything else \
            (a session not logged in among them), in one line.
            """,
        subcommands: [
            LoginCommand.self, LogoutCommand.self, SessionCommand.self, MeCommand.self, SendCommand.self, EditCommand.self, DeleteCommand.self, HistoryCommand.self, DialogsCommand.self,
            ResolveCommand.self, ListenCommand.self, UploadCommand.self, DownloadCommand.self,
        ])

    /// Runs the command line; a usage error (unknown flag, missing or malformed argument) exits with
    /// status 2 like any other bad input, instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command: any ParsableCommand = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code: ExitCode = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

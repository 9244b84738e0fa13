import ArgumentParser

/// `tg`: Telegram from the command line, built on the `Telegram` library alone. It reads the same
/// configuration keys, file and session as `userbot` (the session file is locked: stop the bot first).
@main
struct TGCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "tg",
        abstract: "Telegram from the command line: log in, send, edit, delete, read history and dialogs, resolve peers, listen.",
        discussion: """
            PEER is @username, +phone, a numeric id (marked: -chat, -100channel), me, or a t.me link.
            Exit codes: 0 ok; 2 bad input or an unknown peer (named); 3 a flood wait above the threshold \
            (the wait printed); 1 anything else, in one line.
            """,
        subcommands: [
            MeCommand.self, SendCommand.self, EditCommand.self, DeleteCommand.self, HistoryCommand.self, DialogsCommand.self,
            ResolveCommand.self,
        ])
}

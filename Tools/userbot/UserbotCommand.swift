import ArgumentParser

/// The `userbot` command line. `diag` checks connectivity; the bot's own commands (run, login,
/// logout, demo) arrive with the bot.
@main
struct UserbotCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "userbot",
        abstract: "A Telegram userbot on our own MTProto stack.",
        subcommands: [DiagCommand.self])
}

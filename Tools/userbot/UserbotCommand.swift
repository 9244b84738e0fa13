import ArgumentParser

/// The `userbot` command line: `run` (the default), `login`, `logout`, `demo` and `diag`.
@main
struct UserbotCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "userbot",
        abstract: "A Telegram userbot that answers private messages with OpenAI, on our own MTProto stack.",
        discussion: """
            Settings come from a configuration file (--config), then the environment, then flags (each \
            overriding the one before). See config.example.env for every key. Secrets (TG_API_HASH, \
            TG_PASSWORD, TG_CODE, OPENAI_API_KEY) are taken from the file or the environment only.
            """,
        subcommands: [RunCommand.self, LoginCommand.self, LogoutCommand.self, DemoCommand.self, DiagCommand.self],
        defaultSubcommand: RunCommand.self)
}

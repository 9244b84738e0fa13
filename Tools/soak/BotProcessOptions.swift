import ArgumentParser

/// The options of the soaks that run a `userbot` child process.
struct BotProcessOptions: ParsableArguments {
    @Option(name: .long, help: "How many times the bot is killed with SIGKILL and restarted.")
    var kills: Int = 2

    @Option(name: .long, help: "The userbot executable (default: next to this one).")
    var userbot: String?
}

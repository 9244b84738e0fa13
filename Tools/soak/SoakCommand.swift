import ArgumentParser

/// `soak`: long fault-injection runs that check the exactly-once guarantees under abuse.
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "soak",
        abstract: "Fault-injection soak runs; each prints an 'N passed, M failed' summary line and exits 1 on any failure.",
        subcommands: [MTProtoSoak.self, BotSoak.self, StrangersSoak.self])
}

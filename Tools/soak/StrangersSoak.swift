import ArgumentParser
import Bot
import FakeOpenAI
import Foundation
import MTProto
import TestDC

/// A flood of long messages from many strangers and some bots to a `userbot run` child process
/// that is killed with SIGKILL and restarted meanwhile, with a per-person and a daily limit set
/// low enough to bite. Passed: every message answered exactly once (with its echo) or skipped with
/// a stored reason; no bot answered; the model calls (as the fake OpenAI server got them) within
/// the limits; each run's peak resident memory under the limit; errors.log holding no more than
/// the daily limit's one line per run.
struct StrangersSoak: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "strangers",
        abstract: "A flood from strangers and bots to a userbot process that is killed and restarted: limits, policy, memory.")

    @Option(name: .long, help: "How many messages.")
    var messages: Int = 20_000

    @Option(name: .long, help: "How many strangers write.")
    var strangers: Int = 2000

    @Option(name: .long, help: "How many bots write (never to be answered).")
    var bots: Int = 20

    @Option(name: .long, help: "Characters per message.")
    var length: Int = 4000

    @Option(name: .long, help: "USERBOT_PERSON_HOURLY_LIMIT for the bot.")
    var personLimit: Int = 4

    @Option(name: .long, help: "USERBOT_DAILY_LIMIT for the bot (0: none).")
    var dailyLimit: Int = 6000

    @Option(name: .long, help: "The most resident memory (VmHWM) a run of the bot may reach, in MiB.")
    var rssLimit: Double = 150

    @Option(name: .long, help: "Seconds without a new reply or model call after which the bot counts as done.")
    var settle: Int = 10

    @OptionGroup var child: BotProcessOptions

    func validate() throws {
        guard messages > 0, strangers > 0, bots >= 0, length > 0, child.kills >= 0, settle > 0 else {
            throw ValidationError("--messages, --strangers, --length and --settle must be positive, --bots and --kills not negative")
        }
    }

    func run() async throws {
        let bed: BotUnderTest = try await BotUnderTest(userbot: child.userbot)
        let senders: [Int64] = (1 ... strangers).map { 10_000 + Int64($0) } + (0 ..< bots).map { 900_001 + Int64($0) }
        let botIDs: Set<Int64> = Set(senders.suffix(bots))
        for id in senders {
            var account: TestAccount = TestAccount(userID: id, phone: "1556\(id)", firstName: "S\(id)")
            account.isBot = botIDs.contains(id)
            await bed.telegram.add(account)
        }
        // A long OpenAI timeout: every request is then one model call (no retries of slow answers).
        bed.set([
            "USERBOT_PERSON_HOURLY_LIMIT": String(personLimit), "USERBOT_DAILY_LIMIT": String(dailyLimit), "OPENAI_TIMEOUT": "60",
            "USERBOT_DUMP_KEEP": "3",
        ])
        try bed.login()

        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        try bed.start()
        var delivered: [DeliveredMessage] = []
        delivered.reserveCapacity(messages)
        let killPoints: Set<Int> = Set((0 ..< child.kills).map { messages * ($0 + 1) / (child.kills + 1) })
        for index in 0 ..< messages {
            let sender: Int64 = senders[index % senders.count]
            let text: String = StrangerText.make(index: index, from: sender, length: length)
            let id: Int32 = await bed.telegram.deliver(from: sender, to: BotUnderTest.botID, text: text)
            delivered.append(DeliveredMessage(id: id, from: sender, index: index))
            if killPoints.contains(index) { try bed.restart() }
            if index % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        let openAI: FakeOpenAIServer = bed.openAI
        _ = try await bed.waitWhileMoving(quiet: .seconds(settle)) {
            await bed.telegram.messages(from: BotUnderTest.botID).count + openAI.requests.count
        }
        let replies: [SimulatedMessage] = await bed.telegram.messages(from: BotUnderTest.botID)
        let cleanExit: Bool = bed.stop()
        let elapsed: Duration = clock.now - start

        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: bed.sessionPath)
        let storage: BotStorage = try BotStorage(session: session)
        let outcome: MessageAudit = MessageAudit(
            delivered: delivered, length: length, bots: botIDs, replies: replies, skippedMessages: try storage.skippedMessages(),
            queued: try storage.pendingReplies())
        session.close()
        let calls: ModelCallAudit = ModelCallAudit(requests: openAI.requests, bots: botIDs)
        let errorLines: [String] = Self.lines(of: bed.folder.appendingPathComponent("logs/errors.log"))
        let report: StrangersReport = StrangersReport(
            soak: self, outcome: outcome, calls: calls, peakMiB: bed.peakMiB, cleanExit: cleanExit, errorLines: errorLines, elapsed: elapsed)
        report.print()
        await bed.finish(keepFolder: report.failed > 0)
        if report.failed > 0 { throw ExitCode(1) }
    }

    private static func lines(of file: URL) -> [String] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }
}

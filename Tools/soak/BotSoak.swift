import ArgumentParser
import Bot
import FakeOpenAI
import Foundation
import MTProto
import TestDC
import TLSchema

/// The `userbot` executable as a child process against the simulated Telegram and a fake OpenAI
/// server that answers 429 and 5xx now and then (never more often than the bot retries), with FLOOD_WAITs on `sendMessage`, killed with
/// SIGKILL and restarted while messages keep coming. Passed: a person whose messages were each
/// answered exactly once, in order, with their memory intact; dumps must all be valid JSON.
struct BotSoak: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "bot", abstract: "Messages to a userbot process that is killed and restarted: each answered exactly once.")

    @Option(name: .long, help: "How many messages.")
    var messages: Int = 1000

    @Option(name: .long, help: "How many people write.")
    var users: Int = 100

    @OptionGroup var child: BotProcessOptions

    func run() async throws {
        let bed: BotUnderTest = try await BotUnderTest(userbot: child.userbot)
        let telegram: SimulatedTelegram = bed.telegram
        for i in 1 ... users { await telegram.add(TestAccount(userID: 2000 + Int64(i), phone: "1555100\(1000 + i)", firstName: "P\(i)")) }
        // Exactly once is what this soak checks, not the cost limits (soak strangers does): every
        // message of every person must be answered, however many there are.
        bed.set(["USERBOT_PERSON_HOURLY_LIMIT": "100000", "USERBOT_DAILY_LIMIT": "0"])
        // Transient failures the bot's retries must get through: a message's first attempt fails
        // now and then (429 with Retry-After, 500, or no answer until the 1 s timeout), its second
        // sometimes too.
        bed.openAI.failWhen { (n: Int, attempt: Int) -> FakeOpenAIServer.Scripted? in
            if attempt == 1 && n % 19 == 0 { return .stall }
            if attempt == 1 && n % 13 == 0 { return .status(429, retryAfter: 0) }
            if attempt == 1 && n % 17 == 0 { return .status(500) }
            if attempt == 2 && n % 5 == 0 { return .status(503) }
            return nil
        }
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.messages.SendMessage.constructorID] = (420, "FLOOD_WAIT_1", 5)
        await bed.server.setFaults(plan)
        try bed.login()

        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        try bed.start()
        var sent: [Int64: [Int32]] = [:]
        var texts: [Int32: String] = [:]
        let killPoints: Set<Int> = Set((0 ..< max(child.kills, 0)).map { messages * ($0 + 1) / (child.kills + 1) })
        for i in 0 ..< messages {
            let user: Int64 = 2001 + Int64(i % users)
            let text: String = "message \(i) from \(user)"
            let id: Int32 = await telegram.deliver(from: user, to: BotUnderTest.botID, text: text)
            sent[user, default: []].append(id)
            texts[id] = text
            if killPoints.contains(i) { try bed.restart() }
            if i % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        // Wait until every message has a reply (or nothing has moved for a while).
        _ = try await bed.waitWhileMoving(quiet: .seconds(30), target: messages) { await telegram.messages(from: BotUnderTest.botID).count }
        let replies: [SimulatedMessage] = await telegram.messages(from: BotUnderTest.botID)
        let cleanExit: Bool = bed.stop()
        let elapsed: Duration = clock.now - start

        // Per person: each message answered once, in order, with its echo; the memory holds the last 10.
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: bed.sessionPath)
        let memory: ContextMemory = try BotStorage(session: session).contextMemory(limit: 10, dumpEvery: 10)
        var passed: Int = 0
        var problems: [String] = []
        for (user, ids) in sent.sorted(by: { $0.key < $1.key }) {
            let mine: [SimulatedMessage] = replies.filter { $0.to == user }
            let inOrder: Bool = mine.compactMap(\.replyTo) == ids
            let echoed: Bool = mine.allSatisfy { $0.text == "echo: " + (texts[$0.replyTo ?? 0] ?? "") }
            let remembered: [String] = (memory.exchanges[user] ?? []).map(\.user)
            let expected: [String] = ids.suffix(10).compactMap { texts[$0] }
            if inOrder && echoed && remembered == expected {
                passed += 1
            } else if problems.count < 5 {
                problems.append("user \(user): \(ids.count) sent, \(mine.count) replies, in order \(inOrder), memory \(remembered.count)/\(expected.count)")
            }
        }
        var badDumps: Int = 0
        let dumps: URL = bed.dumps
        let dumpNames: [String] = (try? FileManager.default.contentsOfDirectory(atPath: dumps.path)) ?? []
        for name in dumpNames {
            let data: Data = (try? Data(contentsOf: dumps.appendingPathComponent(name))) ?? Data()
            if (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] == nil { badDumps += 1 }
        }
        let failed: Int = sent.count - passed + badDumps + (cleanExit ? 0 : 1)
        print("bot soak: \(passed) passed, \(failed) failed (\(messages) messages from \(sent.count) people, \(replies.count) replies, "
            + "\(bed.restarts) SIGKILL restarts, \(bed.openAI.requests.count) OpenAI requests (\(bed.openAI.stalledRequests) timed out) incl. 429/500/timeout retries, \(dumpNames.count) dumps, "
            + "\(badDumps) invalid, clean SIGTERM exit \(cleanExit), "
            + "\(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s)")
        for line in problems { print("  \(line)") }
        session.close()
        await bed.finish(keepFolder: failed > 0)
        if failed > 0 { throw ExitCode(1) }
    }
}

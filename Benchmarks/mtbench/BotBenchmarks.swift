import Bot
import Foundation
import Logging
import MTProto
import Telegram
import TestDC

/// Bot figures: the bot's own overhead per reply (message pushed by the test DC → reply received
/// by it, with a model that answers at once), and the memory of 10,000 people's contexts.
enum BotBenchmarks {
    /// Answers at once: what is measured is the bot, not a model.
    struct InstantModel: ChatModel {
        func reply(to messages: [ChatMessage]) async throws -> String { "ok" }
    }

    static func run() async throws -> [(String, Double)] {
        let memory: Double = contextMemoryMiB()
        let (p50, p99): (Double, Double) = try await replyOverhead()
        return [("bot_reply_overhead_p50_ms", p50), ("bot_reply_overhead_p99_ms", p99), ("context_rss_mib_10k_users", memory)]
    }

    /// Resident memory growth for 10,000 users × 10 exchanges of 120-character messages.
    static func contextMemoryMiB() -> Double {
        let before: Double = residentMiB()
        var memory: ContextMemory = ContextMemory()
        let question: String = String(repeating: "What do you think about this? ", count: 4)
        let answer: String = String(repeating: "I think it is a good question. ", count: 4)
        for user in 0 ..< 10_000 {
            for i in 0 ..< 10 {
                memory.addExchange(userID: Int64(user), Exchange(user: question + String(i), assistant: answer + String(user), datetime: Date()))
            }
        }
        let after: Double = residentMiB()
        withExtendedLifetime(memory) {}
        return after - before
    }

    static func residentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields: [Substring] = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// 300 messages from 30 people, one at a time; p50 and p99 of push → reply.
    static func replyOverhead() async throws -> (Double, Double) {
        let quiet: Logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let server: TestDataCentre = TestDataCentre(dcs: [1], logger: quiet)
        try await server.start()
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        let botID: Int64 = 1000
        await telegram.add(TestAccount(userID: botID, phone: "15550000000", firstName: "Bot"))
        for person in 1 ... 30 { await telegram.add(TestAccount(userID: 2000 + Int64(person), phone: "1555000\(2000 + person)", firstName: "P")) }
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("mtbench-bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dc: DataCentre = await server.dataCentres[0]
        let session: BotSession = try await BotSession(
            path: folder.appendingPathComponent("bench.session").path,
            clientConfiguration: ClientConfiguration(dataCentre: dc, knownDataCentres: [dc], rsaKeys: [server.rsaKey.publicKey], apiID: 1),
            floodSleepThreshold: 60, logger: quiet)
        try await session.login(LoginFlow(
            apiID: 1, apiHash: "00000000000000000000000000000000", phone: "15550000000", code: telegram.loginCode, password: nil,
            prompter: NoPrompter()))
        let dumps: URL = folder.appendingPathComponent("dumps")
        let context: ContextStore = try ContextStore(storage: session.storage, dumper: ContextDumper(directory: dumps), logger: quiet)
        let bot: Userbot = Userbot(
            client: session.client, storage: session.storage, context: context, model: InstantModel(),
            settings: BotSettings(dumpDirectory: dumps), logger: quiet)
        var events: AsyncStream<BotEvent>.Iterator = await bot.events().makeAsyncIterator()
        try await bot.start()
        var latencies: [Double] = []
        let clock: ContinuousClock = ContinuousClock()
        for i in 0 ..< 300 {
            let start: ContinuousClock.Instant = clock.now
            await telegram.deliver(from: 2001 + Int64(i % 30), to: botID, text: "message \(i)")
            while let event = await events.next() {
                if case .replied = event { break }
            }
            latencies.append((clock.now - start).seconds * 1000)
        }
        await bot.stop()
        await session.close()
        await server.stop()
        latencies.sort()
        return (latencies[latencies.count / 2], latencies[latencies.count * 99 / 100])
    }

    struct NoPrompter: LoginPrompter {
        struct Asked: Error {}
        func code(_ question: CodeQuestion) async throws -> CodeAnswer { throw Asked() }
        func password(hint: String?, attempt: Int) async throws -> String { throw Asked() }
        func email(attempt: Int) async throws -> String { throw Asked() }
    }
}

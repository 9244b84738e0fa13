import ArgumentParser
import Bot
import Foundation
import Logging
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

    @Option(name: .long, help: "How many times the bot is killed with SIGKILL and restarted.")
    var kills: Int = 2

    @Option(name: .long, help: "The userbot executable (default: next to this one).")
    var userbot: String?

    static let botID: Int64 = 1000

    func run() async throws {
        let quiet: Logger = Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() })
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("soak-bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var keepFolder: Bool = false
        defer { if !keepFolder { try? FileManager.default.removeItem(at: folder) } }
        let server: TestDataCentre = TestDataCentre(dcs: [1, 2], logger: quiet)
        try await server.start()
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        await telegram.add(TestAccount(userID: Self.botID, phone: "15550001000", firstName: "Bot"))
        for i in 1 ... users { await telegram.add(TestAccount(userID: 2000 + Int64(i), phone: "1555100\(1000 + i)", firstName: "P\(i)")) }
        let openAI: FakeOpenAIServer = FakeOpenAIServer()
        try await openAI.start()
        // Transient failures the bot's retries must get through: a message's first attempt fails
        // now and then (429 with Retry-After, 500, or no answer until the 1 s timeout), its second
        // sometimes too.
        openAI.failWhen { (n: Int, attempt: Int) -> FakeOpenAIServer.Scripted? in
            if attempt == 1 && n % 19 == 0 { return .stall }
            if attempt == 1 && n % 13 == 0 { return .status(429, retryAfter: 0) }
            if attempt == 1 && n % 17 == 0 { return .status(500) }
            if attempt == 2 && n % 5 == 0 { return .status(503) }
            return nil
        }
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.messages.SendMessage.constructorID] = (420, "FLOOD_WAIT_1", 5)
        await server.setFaults(plan)

        let keyFile: URL = folder.appendingPathComponent("dc.pem")
        try server.rsaKey.publicKey.pem.write(to: keyFile, atomically: true, encoding: .utf8)
        let dc: DataCentre = await server.dataCentres[1]
        let executable: String = userbot ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("userbot").path
        var environment: [String: String] = ProcessInfo.processInfo.environment
        for key in BotConfiguration.keys { environment[key] = nil }
        environment.merge([
            "TG_API_ID": "1", "TG_API_HASH": "0123456789abcdef0123456789abcdef", "TG_PHONE": "+15550001000", "TG_CODE": telegram.loginCode,
            "TG_SERVER": "127.0.0.1:\(dc.port)", "TG_DC": String(dc.id), "TG_RSA_KEY": keyFile.path,
            "TG_SESSION": folder.appendingPathComponent("soak.session").path, "OPENAI_API_KEY": "sk-soak",
            "OPENAI_BASE_URL": openAI.baseURL.absoluteString, "OPENAI_TIMEOUT": "1", "USERBOT_LOG_DIR": folder.appendingPathComponent("logs").path,
            "USERBOT_DUMP_DIR": folder.appendingPathComponent("dumps").path,
        ]) { $1 }
        guard try Self.runToEnd(executable, ["login"], environment) == 0 else { throw ValidationError("userbot login failed") }

        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        var bot: Process = try Self.launch(executable, ["run"], environment, log: folder.appendingPathComponent("run-0.txt"))
        var sent: [Int64: [Int32]] = [:]
        var texts: [Int32: String] = [:]
        let killPoints: Set<Int> = Set((1 ... max(kills, 0)).map { messages * $0 / (kills + 1) })
        var restarts: Int = 0
        for i in 0 ..< messages {
            let user: Int64 = 2001 + Int64(i % users)
            let text: String = "message \(i) from \(user)"
            let id: Int32 = await telegram.deliver(from: user, to: Self.botID, text: text)
            sent[user, default: []].append(id)
            texts[id] = text
            if killPoints.contains(i) {
                kill(bot.processIdentifier, SIGKILL)
                bot.waitUntilExit()
                restarts += 1
                bot = try Self.launch(executable, ["run"], environment, log: folder.appendingPathComponent("run-\(restarts).txt"))
            }
            if i % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        // Wait until every message has a reply (or nothing has moved for a while).
        var replies: [SimulatedMessage] = await telegram.messages(from: Self.botID)
        var lastCount: Int = -1
        var still: ContinuousClock.Instant = clock.now
        while replies.count < messages && clock.now - still < .seconds(30) {
            try await Task.sleep(for: .milliseconds(200))
            replies = await telegram.messages(from: Self.botID)
            if replies.count != lastCount {
                lastCount = replies.count
                still = clock.now
            }
        }
        kill(bot.processIdentifier, SIGTERM)
        bot.waitUntilExit()
        let cleanExit: Bool = bot.terminationStatus == 0
        let elapsed: Duration = clock.now - start

        // Per person: each message answered once, in order, with its echo; the memory holds the last 10.
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: environment["TG_SESSION"]!)
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
        let dumps: URL = folder.appendingPathComponent("dumps")
        let dumpNames: [String] = (try? FileManager.default.contentsOfDirectory(atPath: dumps.path)) ?? []
        for name in dumpNames {
            let data: Data = (try? Data(contentsOf: dumps.appendingPathComponent(name))) ?? Data()
            if (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] == nil { badDumps += 1 }
        }
        let failed: Int = sent.count - passed + badDumps + (cleanExit ? 0 : 1)
        print("bot soak: \(passed) passed, \(failed) failed (\(messages) messages from \(sent.count) people, \(replies.count) replies, "
            + "\(restarts) SIGKILL restarts, \(openAI.requests.count) OpenAI requests (\(openAI.stalledRequests) timed out) incl. 429/500/timeout retries, \(dumpNames.count) dumps, "
            + "\(badDumps) invalid, clean SIGTERM exit \(cleanExit), "
            + "\(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s)")
        for line in problems { print("  \(line)") }
        session.close()
        await openAI.stop()
        await server.stop()
        if failed > 0 {
            keepFolder = true
            print("  the session, logs and each run's output are kept in \(folder.path)")
            throw ExitCode(1)
        }
    }

    static func launch(_ path: String, _ arguments: [String], _ environment: [String: String], log: URL) throws -> Process {
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle: FileHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func runToEnd(_ path: String, _ arguments: [String], _ environment: [String: String]) throws -> Int32 {
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

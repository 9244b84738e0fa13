import ArgumentParser
import Bot
import Foundation
import Logging
import MTProto
import Telegram
import TelegramOptions
import TestDC

/// `userbot demo`: the whole bot against an in-process test data centre, no account needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bot against an in-process test Telegram: a demo account logs in, two people write to it.",
        discussion: """
            Replies come from OpenAI when OPENAI_API_KEY is set, otherwise from a clearly labelled offline \
            stand-in model. Logs and dumps are written as by `userbot run` (logs/ and dumps/ by default). \
            The demo's session file is temporary and deleted afterwards.
            """)

    @OptionGroup var options: ConfigurationOptions

    static let script: [(person: Int, text: String)] = [
        (1, "Hi! What's the capital of France?"), (2, "Hello there, who are you?"), (1, "And what should I see there?"),
        (2, "Can you recommend a book?"), (1, "What did I ask you first?"), (2, "Thanks! Something shorter?"),
        (1, "How far is it from Berlin?"), (2, "And a film?"), (1, "Great, thank you!"), (2, "Bye!"),
    ]

    func run() async throws {
        try await runReportingErrors { (redactor: SecretRedactor) in
            var values: [String: String] = try options.merged()
            values["TG_API_ID"] = values["TG_API_ID"] ?? "1"
            let configuration: BotConfiguration = try checked(BotConfiguration.parse(values, for: .logout), redactor: redactor)
            try await demo(configuration, redactor: redactor)
        }
    }

    private func demo(_ configuration: BotConfiguration, redactor: SecretRedactor) async throws {
        let logger: Logger = BotLogging.logger(
            label: "userbot-demo", logDirectory: URL(fileURLWithPath: configuration.logDirectory), consoleLevel: .warning, redactor: redactor)
        print("Starting an in-process test Telegram (two DCs on loopback)…")
        let server: TestDataCentre = TestDataCentre(dcs: [1, 2], logger: Logger(label: "testdc", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await server.start()
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        let botID: Int64 = 1000
        let people: [Int: (id: Int64, name: String)] = [1: (2001, "Alice"), 2: (2002, "Bob")]
        await telegram.add(TestAccount(userID: botID, phone: "15550000000", firstName: "Demo Bot", username: "demo_bot", password: "demo password"))
        for (_, person) in people { await telegram.add(TestAccount(userID: person.id, phone: "1555000\(person.id)", firstName: person.name)) }

        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("userbot-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dcs: [DataCentre] = await server.dataCentres
        let client: ClientConfiguration = ClientConfiguration(
            dataCentre: dcs[1], knownDataCentres: dcs, rsaKeys: [server.rsaKey.publicKey], apiID: 1, deviceModel: "userbot demo")
        let session: BotSession = try await BotSession(
            path: folder.appendingPathComponent("demo.session").path, clientConfiguration: client, floodSleepThreshold: 60, logger: logger)
        // The session and the servers are closed on every path before the process exits.
        let answered: Int
        do {
            print("Logging the demo account in (code \(telegram.loginCode), then its two-factor password over SRP)…")
            try await session.login(LoginFlow(
                apiID: 1, apiHash: "00000000000000000000000000000000", phone: "15550000000", code: telegram.loginCode,
                password: "demo password", prompter: TerminalPrompter(remember: { redactor.add($0) })))

            let model: any ChatModel
            if configuration.openAIKey != nil {
                print("Replies come from OpenAI (\(configuration.openAIModel)).")
                model = OpenAIChatModel(configuration: openAIConfiguration(configuration))
            } else {
                print("OPENAI_API_KEY is not set: replies come from the OFFLINE STAND-IN model, not from OpenAI.")
                model = OfflineChatModel()
            }
            let bot: Userbot = try await makeBot(session: session, configuration: configuration, model: model, logger: logger)
            let events: AsyncStream<BotEvent> = await bot.events()
            let printer: Task<Int, Never> = Task {
                var replied: Int = 0
                for await event in events {
                    switch event {
                    case .received(let user, _, let text):
                        print("\(Self.name(user, people)) → bot: \(text)")
                    case .replied(let user, _, let text):
                        print("bot → \(Self.name(user, people)): \(text)")
                        replied += 1
                    case .failed(let user, _, let reason), .skipped(let user, _, let reason):
                        print("bot did not answer \(Self.name(user, people)): \(reason)")
                        replied += 1
                    }
                    if replied == Self.script.count { break }
                }
                return replied
            }
            try await bot.start()
            print("The bot is running. The conversation:\n")
            for line in Self.script {
                await telegram.deliver(from: people[line.person]!.id, to: botID, text: line.text)
                try await Task.sleep(for: .milliseconds(150))
            }
            let done: Task<Void, Never> = Task {
                try? await Task.sleep(for: .seconds(120))
                printer.cancel()
            }
            answered = await printer.value
            done.cancel()
            await bot.stop()
        } catch {
            await session.close()
            await server.stop()
            throw error
        }
        await session.close()
        await server.stop()
        print("\nDone: \(answered) of \(Self.script.count) messages answered. Errors (if any): \(configuration.logDirectory)/errors.log; "
            + "context dumps: \(configuration.dumpDirectory)/.")
    }

    static func name(_ user: Int64, _ people: [Int: (id: Int64, name: String)]) -> String {
        people.values.first { $0.id == user }?.name ?? "user \(user)"
    }
}

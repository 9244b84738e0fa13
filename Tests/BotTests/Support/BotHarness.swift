import Bot
import FakeOpenAI
import Foundation
import Logging
import MTProto
import Telegram
import TestDC
import TLSchema

/// The whole stack on loopback: test DCs with the simulated Telegram, a fake OpenAI server, and
/// the bot with its session, logs and dumps in a temporary folder.
final class BotHarness: Sendable {
    static let serverKey: RSAPrivateKey = RSAPrivateKey.generate()
    static let apiHash: String = "0123456789abcdef0123456789abcdef"
    static let openAIKey: String = "sk-harness-secret-key"
    static let password: String = "correct horse battery"
    static let botID: Int64 = 1000
    static let botPhone: String = "15550001000"

    let server: TestDataCentre
    let telegram: SimulatedTelegram
    let openAI: FakeOpenAIServer
    let folder: URL
    /// Replaces the bot's logger (console and errors.log, redacted) when set: a test that must see
    /// what the code writes, unredacted, passes a ``CapturingLogHandler``.
    let logHandler: (@Sendable (_ label: String) -> any LogHandler)?

    var sessionPath: String { folder.appendingPathComponent("bot.session").path }
    var logDirectory: URL { folder.appendingPathComponent("logs") }
    var dumpDirectory: URL { folder.appendingPathComponent("dumps") }

    private init(
        server: TestDataCentre, telegram: SimulatedTelegram, openAI: FakeOpenAIServer, folder: URL,
        logHandler: (@Sendable (_ label: String) -> any LogHandler)?
    ) {
        self.server = server
        self.telegram = telegram
        self.openAI = openAI
        self.folder = folder
        self.logHandler = logHandler
    }

    /// Starts everything; the bot's account lives on DC 1 (the client starts on DC 2 and is
    /// migrated), with a 2FA password when `withPassword`; every logger of the bot is made by
    /// `logHandler` when given. `account` adjusts the bot's account (its code types, timeouts, …)
    /// before it is added.
    static func start(
        withPassword: Bool = false, people: Int = 3, account: (inout TestAccount) -> Void = { _ in },
        logHandler: (@Sendable (_ label: String) -> any LogHandler)? = nil
    ) async throws -> BotHarness {
        let server: TestDataCentre = TestDataCentre(dcs: [1, 2], rsaKey: serverKey)
        try await server.start()
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        var bot: TestAccount = TestAccount(
            userID: botID, phone: botPhone, firstName: "Bot", username: "the_bot", password: withPassword ? password : nil, homeDC: 1)
        account(&bot)
        await telegram.add(bot)
        for i in 1 ... max(people, 1) {
            await telegram.add(TestAccount(userID: person(i), phone: "1555000\(2000 + i)", firstName: "Person \(i)", username: "person\(i)"))
        }
        let openAI: FakeOpenAIServer = FakeOpenAIServer()
        try await openAI.start()
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return BotHarness(server: server, telegram: telegram, openAI: openAI, folder: folder, logHandler: logHandler)
    }

    static func person(_ i: Int) -> Int64 { 2000 + Int64(i) }

    func stop() async {
        await server.stop()
        await openAI.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    func logger() -> Logger {
        if let logHandler { return Logger(label: "bot-test", factory: logHandler) }
        return BotLogging.logger(
            label: "bot-test", logDirectory: logDirectory, consoleLevel: .critical,
            redactor: SecretRedactor([Self.apiHash, Self.openAIKey, Self.password, telegram.loginCode]), console: false)
    }

    func clientConfiguration() async -> ClientConfiguration {
        let all: [DataCentre] = await server.dataCentres
        return ClientConfiguration(
            dataCentre: all.first { $0.id == 2 }!, knownDataCentres: all, isTestServer: false, rsaKeys: [Self.serverKey.publicKey], apiID: 1,
            defaultTimeout: .seconds(20), reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(200))
    }

    func openSession() async throws -> BotSession {
        try await BotSession(path: sessionPath, clientConfiguration: await clientConfiguration(), floodSleepThreshold: 60, logger: logger())
    }

    /// Opens the session and logs in (the code comes from the configuration, the password from
    /// `prompter` or the configuration).
    func login(
        password: String? = nil, code: String? = nil, phone: String = BotHarness.botPhone, prompter: any LoginPrompter = NoPrompter()
    ) async throws -> BotSession {
        let session: BotSession = try await openSession()
        let flow: LoginFlow = LoginFlow(
            apiID: 1, apiHash: Self.apiHash, phone: phone, code: code ?? telegram.loginCode, password: password, prompter: prompter)
        try await session.login(flow)
        return session
    }

    /// A running bot on a logged-in session.
    func startBot(
        _ session: BotSession, systemPrompt: String? = nil, attempts: Int = 3, model custom: (any ChatModel)? = nil, recentPeople: Int = 1000,
        configure: (inout BotSettings) -> Void = { _ in }
    ) async throws -> Userbot {
        let model: any ChatModel = custom ?? OpenAIChatModel(configuration: OpenAIConfiguration(
            apiKey: Self.openAIKey, model: "gpt-test", baseURL: openAI.baseURL, timeout: .seconds(5), maximumAttempts: attempts,
            initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100)))
        let context: ContextStore = try ContextStore(
            storage: session.storage, dumper: ContextDumper(directory: dumpDirectory), logger: logger(), recentPeople: recentPeople)
        var settings: BotSettings = BotSettings(systemPrompt: systemPrompt, dumpDirectory: dumpDirectory)
        settings.stopGracePeriod = .seconds(2)
        configure(&settings)
        let bot: Userbot = Userbot(client: session.client, storage: session.storage, context: context, model: model, settings: settings, logger: logger())
        try await bot.start()
        return bot
    }

    /// Waits until `count` replies were sent by the bot (or the timeout passes).
    /// Starts a bot whose model never answers, delivers one message from person 1, and stops the bot
    /// once the message is queued (the grace period passes, the model call is cancelled): the
    /// message stays in the queue.
    func queueOneMessageAndStop(_ session: BotSession, text: String) async throws -> Int32 {
        let bot: Userbot = try await startBot(session, model: StuckModel())
        var events: AsyncStream<BotEvent>.Iterator = await bot.events().makeAsyncIterator()
        let id: Int32 = await telegram.deliver(from: Self.person(1), to: Self.botID, text: text)
        _ = await events.next()  // received
        await bot.stop()
        return id
    }

    func waitForReplies(_ count: Int, timeout: Duration = .seconds(20)) async -> [SimulatedMessage] {
        let deadline: ContinuousClock.Instant = .now + timeout
        while ContinuousClock.now < deadline {
            let sent: [SimulatedMessage] = await telegram.messages(from: Self.botID)
            if sent.count >= count { return sent }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await telegram.messages(from: Self.botID)
    }

    /// Every line of every file the run wrote to logs/ and dumps/.
    func writtenText() -> String {
        var out: String = ""
        for directory in [logDirectory, dumpDirectory] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                out += (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            }
        }
        return out
    }
}

/// For tests where nothing must be asked.
struct NoPrompter: LoginPrompter {
    struct Asked: Error {}
    func code(_ question: CodeQuestion) async throws -> CodeAnswer { throw Asked() }
    func password(hint: String?, attempt: Int) async throws -> String { throw Asked() }
    func email(attempt: Int) async throws -> String { throw Asked() }
}

/// Answers prompts from lists, and keeps every code question asked.
final class ScriptedPrompter: LoginPrompter, @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var passwords: [String]
    private var answers: [CodeAnswer]
    private var emails: [String]
    private var questionsAsked: [CodeQuestion] = []
    private(set) var asked: Int = 0

    init(passwords: [String] = [], codes: [String] = [], answers: [CodeAnswer] = [], emails: [String] = []) {
        self.passwords = passwords
        self.answers = answers + codes.map { CodeAnswer.code($0) }
        self.emails = emails
    }

    /// The code questions, in order.
    var questions: [CodeQuestion] { lock.withLock { questionsAsked } }

    func code(_ question: CodeQuestion) async throws -> CodeAnswer {
        try next { () -> CodeAnswer? in
            questionsAsked.append(question)
            return answers.isEmpty ? nil : answers.removeFirst()
        }
    }

    func password(hint: String?, attempt: Int) async throws -> String {
        try next { passwords.isEmpty ? nil : passwords.removeFirst() }
    }

    func email(attempt: Int) async throws -> String {
        try next { emails.isEmpty ? nil : emails.removeFirst() }
    }

    private func next<T>(_ take: () -> T?) throws -> T {
        guard let value = lock.withLock({ () -> T? in
            asked += 1
            return take()
        }) else { throw NoPrompter.Asked() }
        return value
    }
}

/// A model that never answers until its task is cancelled (a reply in flight at a stop).
struct StuckModel: ChatModel {
    func reply(to messages: [ChatMessage]) async throws -> String {
        try await Task.sleep(for: .seconds(3600))
        return "too late"
    }
}

/// A model whose answers wait until the test opens the gate; counts calls, and the most at once.
actor GatedModel: ChatModel {
    private var isOpen: Bool = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var calls: Int = 0
    private(set) var running: Int = 0
    private(set) var mostAtOnce: Int = 0
    private(set) var requests: [[ChatMessage]] = []

    /// Lets every waiting and later call answer.
    func open() {
        isOpen = true
        for waiter in waiting { waiter.resume() }
        waiting.removeAll()
    }

    func reply(to messages: [ChatMessage]) async throws -> String {
        calls += 1
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        requests.append(messages)
        defer { running -= 1 }
        if !isOpen { await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in waiting.append(continuation) } }
        try Task.checkCancellation()
        return "echo: " + (messages.last?.content ?? "")
    }
}

extension BotHarness {
    /// Waits until `condition` holds (or the timeout passes); returns whether it held.
    func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline: ContinuousClock.Instant = .now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// The reasons stored for skipped messages, by message id.
    func skipped(_ session: BotSession) throws -> [Int32: String] {
        var out: [Int32: String] = [:]
        for message in try session.storage.skippedMessages() { out[message.messageID] = message.reason }
        return out
    }

    /// Adds an account with `change` applied (flags, contacts).
    func addAccount(_ id: Int64, _ name: String, _ change: (inout TestAccount) -> Void = { _ in }) async {
        var account: TestAccount = TestAccount(userID: id, phone: "1555\(id)", firstName: name, username: "user\(id)")
        change(&account)
        await telegram.add(account)
    }
}

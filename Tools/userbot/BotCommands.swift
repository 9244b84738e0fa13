import ArgumentParser
import Bot
import Dispatch
import Foundation
import Logging
import MTProto
import Telegram
import TelegramOptions

/// `userbot run`: logs in first when the session is not logged in, then answers private messages
/// until SIGINT or SIGTERM.
struct RunCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "run", abstract: "Run the bot (the default): answer incoming private messages with OpenAI replies.",
        discussion: """
            On a session that is not logged in yet it logs in first, like `userbot login` (TG_PHONE is then \
            required; the code comes from TG_CODE or the terminal, the 2FA password from TG_PASSWORD or the terminal).
            """)

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await runReportingErrors { (redactor: SecretRedactor) in
            let configuration: BotConfiguration = try options.load(for: .run, redactor: redactor)
            try await withSession(configuration, redactor: redactor) { (session: BotSession, logger: Logger) in
                try await session.logInIfNeeded { try configuration.loginFlow(prompter: TerminalPrompter(remember: { redactor.add($0) })) }
                let model: OpenAIChatModel = OpenAIChatModel(configuration: openAIConfiguration(configuration))
                let bot: Userbot = try await makeBot(session: session, configuration: configuration, model: model, logger: logger)
                try await bot.start()
                let lost: BotError? = await untilSignalOrAccountLost(bot)
                if lost == nil { logger.info("stopping: finishing the replies in flight") }
                await bot.stop()
                if let lost { throw lost }
            }
        }
    }
}

/// The OpenAI client settings of a configuration (its key, model, root, timeout and token limit).
func openAIConfiguration(_ configuration: BotConfiguration) -> OpenAIConfiguration {
    OpenAIConfiguration(
        apiKey: configuration.openAIKey ?? "", model: configuration.openAIModel, baseURL: configuration.openAIBaseURL,
        timeout: .seconds(configuration.openAITimeout), maximumCompletionTokens: configuration.openAIMaximumTokens)
}

/// Opens the session file, runs `body`, and closes the session on every path: its pending writes
/// are flushed, and no close is left running when the process exits (that could crash it).
func withSession(_ configuration: BotConfiguration, redactor: SecretRedactor, _ body: (BotSession, Logger) async throws -> Void) async throws {
    let (session, logger): (BotSession, Logger) = try await openSession(configuration, redactor: redactor)
    do {
        try await body(session, logger)
    } catch {
        await session.close()
        throw error
    }
    await session.close()
}

/// The logger (console and errors.log, secrets redacted by `redactor`) and the session file a command works on.
func openSession(_ configuration: BotConfiguration, redactor: SecretRedactor) async throws -> (BotSession, Logger) {
    let logger: Logger = BotLogging.logger(label: "userbot", logDirectory: URL(fileURLWithPath: configuration.logDirectory), redactor: redactor)
    let session: BotSession = try await BotSession(
        path: configuration.sessionPath, clientConfiguration: try configuration.clientConfiguration(),
        floodSleepThreshold: configuration.floodSleepThreshold, logger: logger)
    return (session, logger)
}

/// Builds the bot on an open session.
func makeBot(session: BotSession, configuration: BotConfiguration, model: any ChatModel, logger: Logger) async throws -> Userbot {
    let dumps: URL = URL(fileURLWithPath: configuration.dumpDirectory)
    let context: ContextStore = try ContextStore(
        storage: session.storage, dumper: ContextDumper(directory: dumps, keep: configuration.dumpKeep), logger: logger,
        recentPeople: configuration.recentPeople)
    return Userbot(
        client: session.client, storage: session.storage, context: context, model: model, settings: configuration.botSettings(), logger: logger)
}

/// Returns nil at the first SIGINT or SIGTERM, or the reason when Telegram stops accepting the session.
func untilSignalOrAccountLost(_ bot: Userbot) async -> BotError? {
    let (stream, continuation): (AsyncStream<BotError?>, AsyncStream<BotError?>.Continuation) = AsyncStream<BotError?>.makeStream()
    let signals: Task<Void, Never> = Task {
        await waitForTerminationSignal()
        continuation.yield(nil)
    }
    // Not awaited: after a signal, `bot.stop()` ends this wait.
    Task { continuation.yield(await bot.untilAccountLost()) }
    var first: AsyncStream<BotError?>.Iterator = stream.makeAsyncIterator()
    let reason: BotError? = await first.next() ?? nil
    signals.cancel()
    return reason
}

/// Returns at the first SIGINT or SIGTERM (or when the calling task is cancelled).
func waitForTerminationSignal() async {
    let (stream, continuation): (AsyncStream<Int32>, AsyncStream<Int32>.Continuation) = AsyncStream<Int32>.makeStream()
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source: any DispatchSourceSignal = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { continuation.yield(signalNumber) }
        source.resume()
        sources.append(source)
    }
    for await _ in stream { break }
    for source in sources { source.cancel() }
}

/// `userbot login`: code, then the 2FA password if the account has one.
struct LoginCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "login", abstract: "Log the account in (asks for the code and the 2FA password unless configured).")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await runReportingErrors { (redactor: SecretRedactor) in
            let configuration: BotConfiguration = try options.load(for: .login, redactor: redactor)
            try await withSession(configuration, redactor: redactor) { (session: BotSession, _: Logger) in
                try await session.login(try configuration.loginFlow(prompter: TerminalPrompter(remember: { redactor.add($0) })))
            }
            print("Logged in. Start the bot with: userbot run")
        }
    }
}

/// `userbot logout`.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "logout", abstract: "Log the account out on Telegram and forget it in the session file.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await runReportingErrors { (redactor: SecretRedactor) in
            let configuration: BotConfiguration = try options.load(for: .logout, redactor: redactor)
            try await withSession(configuration, redactor: redactor) { (session: BotSession, _: Logger) in try await session.logout() }
            print("Logged out.")
        }
    }
}

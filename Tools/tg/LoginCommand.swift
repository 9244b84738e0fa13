import ArgumentParser
import Foundation
import MTProto
import Telegram
import TelegramOptions

/// `tg login`: logs the session file in, by code (default), QR link or bot token.
struct LoginCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "login", abstract: "Log the session in (a code sent to TG_PHONE; or --qr; or --bot-token). Prints \"Logged in as NAME (id)\".",
        discussion: """
            Every way needs TG_API_ID and TG_API_HASH. A code login needs TG_PHONE (or --phone); the code comes from TG_CODE, \
            else the terminal; the two-factor password from TG_PASSWORD, else the terminal (without echo). --qr prints a \
            tg://login?token=… link on standard output each time Telegram exports a new token (show it as a QR code, scan it in \
            an app logged in to the account: Settings → Devices → Link Desktop Device) and waits. --bot-token reads the bot's \
            token from the TG_BOT_TOKEN environment variable, else one line of standard input (without echo on a terminal); it \
            is never a flag, so it does not show in ps or the shell history. A session already logged in is left as it is \
            (exit 0).
            """)

    @OptionGroup var options: TGOptions
    @Flag(name: .long, help: "Log in by a QR code link scanned in an app of the account.")
    var qr: Bool = false
    @Flag(name: .customLong("bot-token"), help: "Log in as a bot: the token from TG_BOT_TOKEN or standard input.")
    var botToken: Bool = false

    func validate() throws {
        if qr && botToken { throw ValidationError("--qr and --bot-token exclude each other") }
    }

    func run() async throws {
        let environmentToken: String? = ProcessInfo.processInfo.environment["TG_BOT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let secrets: () -> [String] = options.secrets
        try await runTG(secrets: { secrets() + [environmentToken].compactMap { $0 } }) {
            let attempt: LoginAttempt = LoginAttempt()
            let me: Peer = try await withClient(options, requiring: ["TG_API_ID", "TG_API_HASH"], login: { (configuration, client) in
                let deferred: DeferredLogin = login(for: configuration, environmentToken: environmentToken)
                return .custom { (mtproto: MTProtoClient) in
                    await attempt.begin()
                    _ = try await deferred.resolved().run(on: mtproto, tokens: client.store as? any FutureAuthTokenStore)
                }
            }) { (client: TelegramClient) in try await client.me() }
            let lead: String = await attempt.began ? "Logged in as" : "Already logged in as"
            print("\(lead) \(me.name) (\(me.id.markedID))")
        }
    }

    /// How to log in with `configuration`; what is missing is asked for (or is bad input) only when
    /// the login runs, so a session already logged in needs none of it.
    private func login(for configuration: TelegramConfiguration, environmentToken: String?) -> DeferredLogin {
        let apiID: Int32 = configuration.apiID ?? 0
        let apiHash: String = configuration.apiHash ?? ""
        if botToken {
            return DeferredLogin {
                let token: String
                if let environmentToken { token = environmentToken } else { token = try await readSecretLine("Bot token: ", what: "the bot token (TG_BOT_TOKEN)") }
                return .botToken(token, apiID: apiID, apiHash: apiHash)
            }
        }
        if qr {
            return DeferredLogin {
                .qr(apiID: apiID, apiHash: apiHash, password: configuration.password, prompter: TerminalPrompter()) { (link: LoginTokenLink) in
                    FileHandle.standardError.write(Data("Scan this link as a QR code in an app of the account (Settings → Devices → Link Desktop Device):\n".utf8))
                    FileHandle.standardOutput.write(Data((link.url + "\n").utf8))
                }
            }
        }
        return DeferredLogin {
            guard let phone = configuration.phone else { throw TGExit.badInput("TG_PHONE (or --phone) is required to log in with a code") }
            return .user(apiID: apiID, apiHash: apiHash, phone: phone, code: configuration.code, password: configuration.password, prompter: TerminalPrompter())
        }
    }
}

/// A login whose details are settled only when it runs (a token read, a missing phone reported).
private struct DeferredLogin: Sendable {
    let resolved: @Sendable () async throws -> LoginMethod
    init(_ resolved: @escaping @Sendable () async throws -> LoginMethod) { self.resolved = resolved }
}

/// Whether the login ran (else the session was logged in already).
private actor LoginAttempt {
    private(set) var began: Bool = false
    func begin() { began = true }
}

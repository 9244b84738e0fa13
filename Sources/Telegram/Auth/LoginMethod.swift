import MTProto
import TLSchema

/// How ``TelegramClient/start(login:)`` logs a session in when it is not logged in yet.
public enum LoginMethod: Sendable {
    /// A user account: the code Telegram sends (however it is sent), then the two-factor password
    /// if the account has one (``LoginFlow``).
    case user(LoginFlow)
    /// A bot account, by its token from @BotFather (``BotTokenLogin``).
    case botToken(BotTokenLogin)
    /// A user account, by a QR code an app of the account scans (``QRLogin``).
    case qr(QRLogin)
    /// A login of your own (e.g. a sign-up, or raw calls in a test), run on the connection given.
    case custom(@Sendable (MTProtoClient) async throws -> Void)

    /// A user login of `phone`; `code` and `password` (if known beforehand) serve the first attempt,
    /// `prompter` is asked for the rest.
    public static func user(
        apiID: Int32, apiHash: String, phone: String, code: String? = nil, password: String? = nil, prompter: any LoginPrompter
    ) -> LoginMethod {
        .user(LoginFlow(apiID: apiID, apiHash: apiHash, phone: phone, code: code, password: password, prompter: prompter))
    }

    /// A bot login with `token` (`123456:ABC…`).
    public static func botToken(_ token: String, apiID: Int32, apiHash: String) -> LoginMethod {
        .botToken(BotTokenLogin(apiID: apiID, apiHash: apiHash, token: token))
    }

    /// A QR login: each token's link goes to `display`; `prompter` is asked for the two-factor
    /// password (unless `password` is right).
    public static func qr(
        apiID: Int32, apiHash: String, password: String? = nil, prompter: any LoginPrompter,
        display: @escaping @Sendable (LoginTokenLink) async throws -> Void
    ) -> LoginMethod {
        .qr(QRLogin(apiID: apiID, apiHash: apiHash, password: password, prompter: prompter, display: display))
    }

    /// Logs in on `client` and returns the logged-in user (nil for ``custom(_:)``, which returns
    /// nothing). A user login offers the future auth tokens of `tokens` to Telegram; the token any
    /// login gives is added there.
    public func run(on client: MTProtoClient, tokens: (any FutureAuthTokenStore)?) async throws -> Api.User? {
        let authorization: Api.auth.Authorization.Authorization
        switch self {
        case .user(var flow):
            if let tokens { flow.logoutTokens = try tokens.futureAuthTokens() }
            authorization = try await flow.run(client: client)
        case .botToken(let login):
            authorization = try await login.run(client: client)
        case .qr(let login):
            authorization = try await login.run(client: client)
        case .custom(let login):
            try await login(client)
            return nil
        }
        if let token = authorization.futureAuthToken { try tokens?.addFutureAuthToken(token) }
        return authorization.user
    }
}

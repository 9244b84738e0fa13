import MTProto
import TLSchema

/// The user-account login of api-flows §5–§6: `auth.sendCode` (with the future auth tokens kept
/// from earlier logins) → the code, however Telegram sent it → `auth.signIn`, and on
/// `SESSION_PASSWORD_NEEDED` the SRP check with the parameters fetched again before each attempt.
/// `PHONE_MIGRATE` is followed by the client; `AUTH_RESTART` starts again from `auth.sendCode`
/// (up to ``maximumRestarts`` times). Wrong codes and passwords are asked again up to
/// ``maximumAttempts`` times.
public struct LoginFlow: Sendable {
    /// `api_id` from my.telegram.org, sent in `auth.sendCode`.
    public var apiID: Int32
    /// Secret: sent in `auth.sendCode` only.
    public var apiHash: String
    /// The account's number, sent in `auth.sendCode` and `auth.signIn` and named in log lines and errors.
    public var phone: String
    /// A code given in the configuration (`TG_CODE`): used for the first attempt.
    public var code: String?
    /// A password given in the configuration (`TG_PASSWORD`): used for the first attempt.
    public var password: String?
    /// Asked for a code, password or email address when none was configured or the configured one was wrong.
    public var prompter: any LoginPrompter
    /// Secret: future auth tokens from earlier logins and logouts, sent in `codeSettings.logout_tokens`;
    /// one Telegram still accepts logs in without a code (`auth.sentCodeSuccess`).
    public var logoutTokens: [[UInt8]] = []
    /// How many codes, and separately how many passwords, are tried before ``LoginError/wrongCode`` or
    /// ``LoginError/wrongPassword``; a stale SRP challenge fetched again does not count.
    public var maximumAttempts: Int = 3
    /// How many times an `AUTH_RESTART` starts the login again before it is reported.
    public var maximumRestarts: Int = 3

    /// `code` and `password` (from the configuration, or nil) serve the first attempt only; later ones ask `prompter`.
    public init(apiID: Int32, apiHash: String, phone: String, code: String?, password: String?, prompter: any LoginPrompter) {
        self.apiID = apiID
        self.apiHash = apiHash
        self.phone = phone
        self.code = code
        self.password = password
        self.prompter = prompter
    }

    /// Logs in on `client` and returns the authorization: the account's user, and the future auth
    /// token to keep if Telegram gave one (``LoginMethod/run(on:tokens:)`` keeps it, and sends the
    /// kept ones as ``logoutTokens``).
    public func run(client: MTProtoClient) async throws -> Api.auth.Authorization.Authorization {
        var restarts: Int = 0
        while true {
            do {
                // A configured code belongs to the first code sent; after a restart it is stale.
                return try await CodeLogin(flow: self, client: client, configuredCode: restarts == 0 ? code : nil).run()
            } catch let error as RPCError {
                guard error.name == "AUTH_RESTART", restarts < maximumRestarts else { throw LoginError.rejected(error) }
            } catch LoginError.rejected(let error) {
                guard error.name == "AUTH_RESTART", restarts < maximumRestarts else { throw LoginError.rejected(error) }
            }
            restarts += 1
            prompter.notice(.restarting)
        }
    }

    /// The two-factor step with this flow's password, prompter and attempts.
    var twoFactor: TwoFactorLogin { TwoFactorLogin(password: password, prompter: prompter, maximumAttempts: maximumAttempts) }

    /// The authorization, or ``LoginError/accountDoesNotExist(phone:)`` when the number would need a sign-up.
    func authorized(_ authorization: Api.auth.Authorization) throws -> Api.auth.Authorization.Authorization {
        switch authorization {
        case .authorization(let a): return a
        case .authorizationSignUpRequired: throw LoginError.accountDoesNotExist(phone: phone)
        }
    }
}

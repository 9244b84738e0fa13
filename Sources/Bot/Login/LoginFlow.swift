import Logging
import MTProto
import TLSchema

/// Asks the person at the keyboard for what the login needs.
public protocol LoginPrompter: Sendable {
    /// The login code Telegram sent (`attempt` counts from 1; above 1 the previous one was wrong).
    func code(attempt: Int) async throws -> String
    /// The two-factor password (read without echo on a terminal).
    func password(hint: String?, attempt: Int) async throws -> String
}

/// Why logging in failed. Descriptions never contain the code or the password.
public enum LoginError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number has no Telegram account; the bot does not sign up new accounts.
    case accountDoesNotExist(phone: String)
    case wrongCode
    case codeExpired
    case wrongPassword
    /// A code or password is needed and there is no terminal (or value) to take it from.
    case inputUnavailable(String)
    /// The account's password uses an algorithm this client does not know.
    case unsupportedPasswordAlgorithm
    /// The server's SRP parameters failed the checks.
    case invalidPasswordParameters
    case rejected(RPCError)

    public var description: String {
        switch self {
        case .accountDoesNotExist(let phone):
            return "\(phone) has no Telegram account; sign up in an official app first (the bot does not create accounts)"
        case .wrongCode: return "the login code was wrong too many times"
        case .codeExpired: return "the login code expired; run `userbot login` again"
        case .wrongPassword: return "the two-factor password was wrong too many times"
        case .inputUnavailable(let what): return "\(what) is needed: set it in the configuration or run on a terminal"
        case .unsupportedPasswordAlgorithm: return "the account's password uses an algorithm this client does not support; update the app"
        case .invalidPasswordParameters: return "the server's two-factor parameters failed the security checks"
        case .rejected(let error): return "Telegram refused the login: \(error)"
        }
    }
}

/// The user-account login of api-flows §5–§6: `auth.sendCode` → code → `auth.signIn`, and on
/// `SESSION_PASSWORD_NEEDED` the SRP check with the parameters fetched again before each attempt.
/// `PHONE_MIGRATE` is followed by the client. Wrong codes and passwords are asked again up to
/// `maximumAttempts` times.
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
    /// Asked for a code or password when none was configured or the configured one was wrong.
    public var prompter: any LoginPrompter
    /// How many codes, and separately how many passwords, are tried before ``LoginError/wrongCode`` or
    /// ``LoginError/wrongPassword``; a stale SRP challenge fetched again does not count.
    public var maximumAttempts: Int = 3

    /// `code` and `password` (from the configuration, or nil) serve the first attempt only; later ones ask `prompter`.
    public init(apiID: Int32, apiHash: String, phone: String, code: String?, password: String?, prompter: any LoginPrompter) {
        self.apiID = apiID
        self.apiHash = apiHash
        self.phone = phone
        self.code = code
        self.password = password
        self.prompter = prompter
    }

    /// Logs in and returns the account's user.
    public func run(client: MTProtoClient, logger: Logger) async throws -> Api.User {
        let sent: Api.auth.SentCode = try await client.invoke(Api.functions.auth.SendCode(
            phoneNumber: phone, apiId: apiID, apiHash: apiHash, settings: Api.CodeSettings()))
        let hash: String
        switch sent {
        case .sentCode(let s): hash = s.phoneCodeHash
        case .sentCodeSuccess(let s): return try user(from: s.authorization)
        default: throw LoginError.rejected(RPCError(code: 400, message: "UNEXPECTED_SENT_CODE"))
        }
        logger.info("a login code was sent to \(phone) (see the Telegram app)")
        for attempt in 1 ... max(1, maximumAttempts) {
            let entered: String
            if attempt == 1, let code { entered = code } else { entered = try await prompter.code(attempt: attempt) }
            do {
                let authorization: Api.auth.Authorization = try await client.invoke(Api.functions.auth.SignIn(
                    phoneNumber: phone, phoneCodeHash: hash, phoneCode: entered))
                return try user(from: authorization)
            } catch let error as RPCError {
                switch error.name {
                case "PHONE_CODE_INVALID", "PHONE_CODE_EMPTY":
                    logger.warning("the login code was wrong")
                    continue
                case "PHONE_CODE_EXPIRED": throw LoginError.codeExpired
                case "SESSION_PASSWORD_NEEDED": return try await checkPassword(client: client, logger: logger)
                default: throw LoginError.rejected(error)
                }
            }
        }
        throw LoginError.wrongCode
    }

    private func user(from authorization: Api.auth.Authorization) throws -> Api.User {
        switch authorization {
        case .authorization(let a): return a.user
        case .authorizationSignUpRequired: throw LoginError.accountDoesNotExist(phone: phone)
        }
    }

    private func checkPassword(client: MTProtoClient, logger: Logger) async throws -> Api.User {
        var attempt: Int = 1
        var refetches: Int = 0
        while attempt <= maximumAttempts {
            // Fresh parameters before each attempt (srp_B and srp_id are single-use).
            let info: Api.account.Password = try await client.invoke(Api.functions.account.GetPassword())
            guard case .passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(let algo)? = info.currentAlgo, info.hasPassword,
                  let srpB = info.srpB, let srpID = info.srpId else { throw LoginError.unsupportedPasswordAlgorithm }
            let entered: String
            if attempt == 1, let password { entered = password } else { entered = try await prompter.password(hint: info.hint, attempt: attempt) }
            let parameters: SRP.Parameters = SRP.Parameters(salt1: algo.salt1, salt2: algo.salt2, g: algo.g, p: algo.p, srpB: srpB, srpID: srpID)
            let answer: SRP.Answer
            do {
                answer = try SRP.answer(password: entered, parameters: parameters, entropy: SystemEntropy())
            } catch {
                throw LoginError.invalidPasswordParameters
            }
            do {
                let authorization: Api.auth.Authorization = try await client.invoke(Api.functions.auth.CheckPassword(
                    password: .inputCheckPasswordSRP(Api.InputCheckPasswordSRP.InputCheckPasswordSRP(srpId: answer.srpID, a: answer.A, m1: answer.M1))))
                return try user(from: authorization)
            } catch let error as RPCError {
                switch error.name {
                case "PASSWORD_HASH_INVALID":
                    logger.warning("the two-factor password was wrong")
                    attempt += 1
                case "SRP_ID_INVALID", "SRP_PASSWORD_CHANGED":
                    // The challenge went stale: fetch new parameters, without counting an attempt.
                    guard refetches < 3 else { throw LoginError.rejected(error) }
                    refetches += 1
                default:
                    throw LoginError.rejected(error)
                }
            }
        }
        throw LoginError.wrongPassword
    }
}

import MTProto

/// Why logging in failed. Descriptions never contain the code, the password or a login token.
public enum LoginError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number has no Telegram account; this client does not sign up new accounts.
    case accountDoesNotExist(phone: String)
    /// Every attempt at the code was wrong.
    case wrongCode
    /// The code expired, and so did the new ones sent in its place.
    case codeExpired
    /// Every attempt at the two-factor password was wrong.
    case wrongPassword
    /// A code or password is needed and there is no terminal (or value) to take it from.
    case inputUnavailable(String)
    /// Telegram sends the code only in a way this client cannot receive (the reason says which).
    case codeUnavailable(String)
    /// The account's password uses an algorithm this client does not know.
    case unsupportedPasswordAlgorithm
    /// The server's SRP parameters failed the checks.
    case invalidPasswordParameters
    /// Telegram refused the bot token (`ACCESS_TOKEN_INVALID`, `ACCESS_TOKEN_EXPIRED`).
    case invalidBotToken
    /// The QR login was not accepted before ``QRLogin/maximumExports`` tokens expired.
    case loginTokenNotAccepted
    /// Telegram's answer named a DC this client has no address for.
    case unknownDataCentre(Int)
    /// Any other refusal, as Telegram named it.
    case rejected(RPCError)

    /// The error for a person: no code, password or token.
    public var description: String {
        switch self {
        case .accountDoesNotExist(let phone):
            return "\(phone) has no Telegram account; sign up in an official app first (this client does not create accounts)"
        case .wrongCode: return "the login code was wrong too many times"
        case .codeExpired: return "the login code expired, and the new ones too; log in again later"
        case .wrongPassword: return "the two-factor password was wrong too many times"
        case .inputUnavailable(let what): return "\(what) is needed: set it in the configuration or run on a terminal"
        case .codeUnavailable(let reason): return "Telegram cannot send this client a login code: \(reason)"
        case .unsupportedPasswordAlgorithm: return "the account's password uses an algorithm this client does not support; update the app"
        case .invalidPasswordParameters: return "the server's two-factor parameters failed the security checks"
        case .invalidBotToken: return "Telegram refused the bot token (check it with @BotFather)"
        case .loginTokenNotAccepted: return "the QR login token was not accepted in time; log in again and scan the new code"
        case .unknownDataCentre(let dc): return "Telegram moved the login to DC \(dc), whose address this client does not know"
        case .rejected(let error): return "Telegram refused the login: \(error)"
        }
    }
}

/// What a login is doing, for a ``LoginPrompter`` to show or log. None carries a code, password,
/// token or key; the descriptions are log lines.
public enum LoginNotice: Sendable, Equatable, CustomStringConvertible {
    /// A login code was sent to `phone` by `delivery`.
    case codeSent(phone: String, delivery: CodeDelivery)
    /// Telegram accepted a future auth token from an earlier login: no code is needed.
    case futureAuthTokenAccepted
    /// Telegram offered Firebase SMS (official apps only): the code is asked for by `next` instead.
    case firebaseSkipped(next: CodeDelivery)
    /// The resend of the code by `delivery` waits `wait` until Telegram allows it.
    case waitingToResend(delivery: CodeDelivery, wait: Duration)
    /// The code entered was wrong.
    case wrongCode
    /// The code expired: a new one is asked for.
    case codeExpired
    /// Telegram asked to start the login again (`AUTH_RESTART`).
    case restarting
    /// Telegram requires a login email for `phone` before it sends a code.
    case emailRequired(phone: String)
    /// Telegram refused the email address given (`reason`: the error's name).
    case emailRefused(reason: String)
    /// The email verification code was wrong.
    case wrongEmailCode
    /// The login email was set up.
    case emailSetUp
    /// The two-factor password was wrong.
    case wrongPassword
    /// A new QR login token was exported; it expires at `expires` (unix seconds).
    case loginTokenExported(expires: Int32)
    /// The QR login token was accepted by an app of the account on another DC: importing it there.
    case loginTokenMigrating(dc: Int)

    /// A log line.
    public var description: String {
        switch self {
        case .codeSent(let phone, let delivery): return "a login code was sent to \(phone) \(delivery)"
        case .futureAuthTokenAccepted: return "Telegram accepted a future auth token from an earlier login: no code needed"
        case .firebaseSkipped(let next): return "Telegram offered Firebase SMS (official apps only): asking for the code \(next) instead"
        case .waitingToResend(let delivery, let wait):
            return "asking Telegram for the code \(delivery) once it allows, in \(wait.components.seconds + 1) s"
        case .wrongCode: return "the login code was wrong"
        case .codeExpired: return "the login code expired: asking Telegram for a new one"
        case .restarting: return "Telegram asked to restart the login (AUTH_RESTART): sending a new code"
        case .emailRequired(let phone): return "Telegram requires a login email for \(phone) before it sends a code"
        case .emailRefused(let reason): return "Telegram refused that email address (\(reason))"
        case .wrongEmailCode: return "the email verification code was wrong"
        case .emailSetUp: return "the login email was set up"
        case .wrongPassword: return "the two-factor password was wrong"
        case .loginTokenExported(let expires): return "a QR login token was exported (it expires at \(expires))"
        case .loginTokenMigrating(let dc): return "the QR login was accepted on DC \(dc): importing the token there"
        }
    }
}

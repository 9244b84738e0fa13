import TLSchema

/// Where Telegram sent a login code (the `type` of `auth.sentCode`, or a `next_type`). Its
/// description completes "the code was sent …".
public enum CodeDelivery: Sendable, Equatable, CustomStringConvertible {
    /// As a message from Telegram in the app on the account's other devices.
    case app
    /// By SMS.
    case sms
    /// By SMS, as a word (`beginning`: its first letters, when Telegram gives them).
    case smsWord(beginning: String?)
    /// By SMS, as a phrase (`beginning`: its first words, when Telegram gives them).
    case smsPhrase(beginning: String?)
    /// Read out in a phone call.
    case call
    /// A call that hangs up at once: the code is the calling number, which matches `pattern`.
    case flashCall(pattern: String?)
    /// A missed call: the code is the last `digits` digits of the calling number, which starts with `prefix`.
    case missedCall(prefix: String?, digits: Int?)
    /// By email to the address `pattern` shows (e.g. `a***@b.com`).
    case email(pattern: String)
    /// On fragment.com, for numbers bought there (`url` opens the login page).
    case fragment(url: String?)
    /// Firebase SMS: official apps only; the flow asks for the next way instead.
    case firebaseSms
    /// Nowhere yet: Telegram needs a login email set up first, then sends the code there.
    case setUpEmail

    /// The delivery `type` describes.
    public init(_ type: Api.auth.SentCodeType) {
        switch type {
        case .sentCodeTypeApp: self = .app
        case .sentCodeTypeSms: self = .sms
        case .sentCodeTypeSmsWord(let t): self = .smsWord(beginning: t.beginning)
        case .sentCodeTypeSmsPhrase(let t): self = .smsPhrase(beginning: t.beginning)
        case .sentCodeTypeCall: self = .call
        case .sentCodeTypeFlashCall(let t): self = .flashCall(pattern: t.pattern)
        case .sentCodeTypeMissedCall(let t): self = .missedCall(prefix: t.prefix, digits: Int(t.length))
        case .sentCodeTypeEmailCode(let t): self = .email(pattern: t.emailPattern)
        case .sentCodeTypeFragmentSms(let t): self = .fragment(url: t.url)
        case .sentCodeTypeFirebaseSms: self = .firebaseSms
        case .sentCodeTypeSetUpEmailRequired: self = .setUpEmail
        }
    }

    /// The delivery a `next_type` announces (its details are known once the code is resent).
    public init(_ type: Api.auth.CodeType) {
        switch type {
        case .codeTypeSms: self = .sms
        case .codeTypeCall: self = .call
        case .codeTypeFlashCall: self = .flashCall(pattern: nil)
        case .codeTypeMissedCall: self = .missedCall(prefix: nil, digits: nil)
        case .codeTypeFragmentSms: self = .fragment(url: nil)
        }
    }

    public var description: String {
        switch self {
        case .app: return "in the Telegram app"
        case .sms: return "by SMS"
        case .smsWord(let beginning): return "by SMS, as a word" + (beginning.map { " starting with \"\($0)\"" } ?? "")
        case .smsPhrase(let beginning): return "by SMS, as a phrase" + (beginning.map { " starting with \"\($0)\"" } ?? "")
        case .call: return "by a phone call"
        case .flashCall(let pattern):
            return "as the number of a call that hangs up at once" + (pattern.map { " (it matches \($0))" } ?? "")
        case .missedCall(let prefix, let digits):
            return "as the last \(digits.map(String.init) ?? "few") digits of the calling number of a missed call"
                + (prefix.map { " (it starts with \($0))" } ?? "")
        case .email(let pattern): return "to the email \(pattern)"
        case .fragment(let url): return "on fragment.com" + (url.map { " (\($0))" } ?? "")
        case .firebaseSms: return "by Firebase SMS (official apps only)"
        case .setUpEmail: return "to a login email, once one is set up"
        }
    }
}

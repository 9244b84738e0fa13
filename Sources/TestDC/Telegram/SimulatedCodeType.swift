import TLSchema

/// A way the simulated Telegram "sends" a login code (`auth.SentCodeType`); the code itself is
/// always ``SimulatedTelegram/loginCode``.
public enum SimulatedCodeType: Sendable, Equatable {
    case app, sms, smsWord, smsPhrase, call, flashCall, missedCall, fragment, email, setUpEmailRequired, firebaseSms

    /// The `type` of `auth.sentCode`; `email` is where `.email` codes go.
    func sentCodeType(codeLength: Int32, phone: String, email: String?) -> Api.auth.SentCodeType {
        switch self {
        case .app: return .sentCodeTypeApp(Api.auth.SentCodeType.SentCodeTypeApp(length: codeLength))
        case .sms: return .sentCodeTypeSms(Api.auth.SentCodeType.SentCodeTypeSms(length: codeLength))
        case .smsWord: return .sentCodeTypeSmsWord(Api.auth.SentCodeType.SentCodeTypeSmsWord(beginning: "a"))
        case .smsPhrase: return .sentCodeTypeSmsPhrase(Api.auth.SentCodeType.SentCodeTypeSmsPhrase(beginning: "the"))
        case .call: return .sentCodeTypeCall(Api.auth.SentCodeType.SentCodeTypeCall(length: codeLength))
        case .flashCall: return .sentCodeTypeFlashCall(Api.auth.SentCodeType.SentCodeTypeFlashCall(pattern: "+\(phone.prefix(4))*****"))
        case .missedCall:
            return .sentCodeTypeMissedCall(Api.auth.SentCodeType.SentCodeTypeMissedCall(prefix: "+\(phone.prefix(4))", length: codeLength))
        case .fragment:
            return .sentCodeTypeFragmentSms(Api.auth.SentCodeType.SentCodeTypeFragmentSms(url: "https://fragment.com/login/\(phone)", length: codeLength))
        case .email:
            return .sentCodeTypeEmailCode(Api.auth.SentCodeType.SentCodeTypeEmailCode(
                emailPattern: Self.pattern(of: email ?? "unknown@example.com"), length: codeLength))
        case .setUpEmailRequired: return .sentCodeTypeSetUpEmailRequired(Api.auth.SentCodeType.SentCodeTypeSetUpEmailRequired())
        case .firebaseSms: return .sentCodeTypeFirebaseSms(Api.auth.SentCodeType.SentCodeTypeFirebaseSms(nonce: [1, 2, 3], length: codeLength))
        }
    }

    /// This type as a `next_type`, when `auth.CodeType` has it.
    var nextType: Api.auth.CodeType? {
        switch self {
        case .sms, .smsWord, .smsPhrase: return .codeTypeSms
        case .call: return .codeTypeCall
        case .flashCall: return .codeTypeFlashCall
        case .missedCall: return .codeTypeMissedCall
        case .fragment: return .codeTypeFragmentSms
        case .app, .email, .setUpEmailRequired, .firebaseSms: return nil
        }
    }

    /// `alice@example.com` → `a***@example.com`, the way Telegram shows login emails.
    static func pattern(of email: String) -> String {
        guard let at = email.firstIndex(of: "@"), at != email.startIndex else { return "***" }
        return "\(email[email.startIndex])***\(email[at...])"
    }
}

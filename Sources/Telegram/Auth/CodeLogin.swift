import MTProto
import TLSchema

/// One pass of the code login, from `auth.sendCode` to the account's authorization. A wrong code
/// is asked again; the code is sent again by the next way when the person asks (or at once when
/// the first way is Firebase SMS, which only official apps receive) and sent anew when it
/// expired. `AUTH_RESTART` ends the pass with its error (``LoginFlow`` starts another).
struct CodeLogin {
    let flow: LoginFlow
    let client: MTProtoClient
    /// The configured code (`TG_CODE`) for the first question, or nil.
    let configuredCode: String?

    /// How many codes one pass handles (the first one, resends, codes sent anew after an expiry,
    /// the one sent after an email set-up) before giving up.
    static let maximumCodes: Int = 6
    /// How many expired codes are replaced by new ones before ``LoginError/codeExpired``.
    static let maximumExpiries: Int = 2
    /// The errors of a wrong (or empty) code, phone or email.
    static let wrongCodeErrors: Set<String> = ["PHONE_CODE_INVALID", "PHONE_CODE_EMPTY", "EMAIL_CODE_INVALID", "CODE_INVALID"]

    /// What became of one code.
    private enum Outcome {
        case authorized(Api.auth.Authorization.Authorization)
        case resent(Api.auth.SentCode)
        case expired
    }

    func run() async throws -> Api.auth.Authorization.Authorization {
        var answer: Api.auth.SentCode = try await sendCode()
        var expiries: Int = 0
        var configured: String? = configuredCode
        for _ in 0 ..< Self.maximumCodes {
            let sent: Api.auth.SentCode.SentCode
            switch answer {
            case .sentCode(let s): sent = s
            case .sentCodeSuccess(let s):
                flow.prompter.notice(.futureAuthTokenAccepted)
                return try flow.authorized(s.authorization)
            case .sentCodePaymentRequired:
                throw LoginError.codeUnavailable("it asks for a Premium subscription to send codes to this number; log in once in an official app")
            }
            switch sent.type {
            case .sentCodeTypeFirebaseSms:
                guard let next = sent.nextType else {
                    throw LoginError.codeUnavailable("it offers only Firebase SMS, which only official apps can receive")
                }
                flow.prompter.notice(.firebaseSkipped(next: CodeDelivery(next)))
                answer = try await resend(sent)
            case .sentCodeTypeSetUpEmailRequired:
                answer = try await setUpEmail(sent)
            default:
                switch try await enterCode(sent, configured: &configured) {
                case .authorized(let authorization): return authorization
                case .resent(let next): answer = next
                case .expired:
                    expiries += 1
                    guard expiries <= Self.maximumExpiries else { throw LoginError.codeExpired }
                    flow.prompter.notice(.codeExpired)
                    answer = try await sendCode()
                }
            }
        }
        throw LoginError.codeUnavailable("too many codes were sent without a login; try again later")
    }

    private func sendCode() async throws -> Api.auth.SentCode {
        try await client.invoke(Api.functions.auth.SendCode(
            phoneNumber: flow.phone, apiId: flow.apiID, apiHash: flow.apiHash,
            settings: Api.CodeSettings(logoutTokens: flow.logoutTokens.isEmpty ? nil : Array(flow.logoutTokens.prefix(FutureAuthTokens.limit)))))
    }

    private func resend(_ sent: Api.auth.SentCode.SentCode) async throws -> Api.auth.SentCode {
        try await client.invoke(Api.functions.auth.ResendCode(phoneNumber: flow.phone, phoneCodeHash: sent.phoneCodeHash))
    }

    /// Asks for the code `sent` describes and signs in with it (an email code as `email_verification`).
    private func enterCode(_ sent: Api.auth.SentCode.SentCode, configured: inout String?) async throws -> Outcome {
        let sentAt: ContinuousClock.Instant = .now
        let delivery: CodeDelivery = CodeDelivery(sent.type)
        let byEmail: Bool = if case .email = delivery { true } else { false }
        flow.prompter.notice(.codeSent(phone: flow.phone, delivery: delivery))
        for attempt in 1 ... max(1, flow.maximumAttempts) {
            let entered: String
            if let code = configured {
                configured = nil
                entered = code
            } else {
                let timeout: Duration = .seconds(Int(sent.timeout ?? 0))
                let wait: Duration = max(.zero, timeout - (ContinuousClock.now - sentAt))
                let offer: ResendOffer? = sent.nextType.map { ResendOffer(delivery: CodeDelivery($0), wait: wait) }
                switch try await flow.prompter.code(CodeQuestion(attempt: attempt, delivery: delivery, resend: offer)) {
                case .code(let code):
                    entered = code
                case .resend:
                    guard let offer else { continue }
                    let left: Duration = max(.zero, timeout - (ContinuousClock.now - sentAt))
                    if left > .zero {
                        flow.prompter.notice(.waitingToResend(delivery: offer.delivery, wait: left))
                        try await Task.sleep(for: left)
                    }
                    return .resent(try await resend(sent))
                }
            }
            do {
                let authorization: Api.auth.Authorization = try await client.invoke(Api.functions.auth.SignIn(
                    phoneNumber: flow.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: byEmail ? nil : entered,
                    emailVerification: byEmail ? .emailVerificationCode(Api.EmailVerification.EmailVerificationCode(code: entered)) : nil))
                return .authorized(try flow.authorized(authorization))
            } catch let error as RPCError {
                switch error.name {
                case let name where Self.wrongCodeErrors.contains(name): flow.prompter.notice(.wrongCode)
                case "PHONE_CODE_EXPIRED": return .expired
                case "SESSION_PASSWORD_NEEDED": return .authorized(try await flow.twoFactor.run(client: client))
                default: throw error
                }
            }
        }
        throw LoginError.wrongCode
    }
}

import MTProto
import TLSchema

extension CodeLogin {
    /// `auth.sentCodeTypeSetUpEmailRequired`: sets up a login email (the address is asked), verifies
    /// it with the code sent there (`account.verifyEmail`), and returns the login code Telegram then
    /// sends to it.
    func setUpEmail(_ sent: Api.auth.SentCode.SentCode) async throws -> Api.auth.SentCode {
        let purpose: Api.EmailVerifyPurpose = .emailVerifyPurposeLoginSetup(
            Api.EmailVerifyPurpose.EmailVerifyPurposeLoginSetup(phoneNumber: flow.phone, phoneCodeHash: sent.phoneCodeHash))
        flow.prompter.notice(.emailRequired(phone: flow.phone))
        let delivery: CodeDelivery = .email(pattern: try await sendEmailCode(purpose))
        for attempt in 1 ... max(1, flow.maximumAttempts) {
            guard case .code(let code) = try await flow.prompter.code(CodeQuestion(attempt: attempt, delivery: delivery, resend: nil)) else {
                continue
            }
            do {
                let verified: Api.account.EmailVerified = try await client.invoke(Api.functions.account.VerifyEmail(
                    purpose: purpose, verification: .emailVerificationCode(Api.EmailVerification.EmailVerificationCode(code: code))))
                guard case .emailVerifiedLogin(let login) = verified else {
                    throw LoginError.rejected(RPCError(code: 400, message: "EMAIL_VERIFIED_WITHOUT_LOGIN_CODE"))
                }
                flow.prompter.notice(.emailSetUp)
                return login.sentCode
            } catch let error as RPCError where Self.wrongCodeErrors.contains(error.name) {
                flow.prompter.notice(.wrongEmailCode)
            }
        }
        throw LoginError.wrongCode
    }

    /// Asks for an address until Telegram accepts one and sends it a code; returns the address's pattern.
    private func sendEmailCode(_ purpose: Api.EmailVerifyPurpose) async throws -> String {
        var refusal: RPCError = RPCError(code: 400, message: "EMAIL_INVALID")
        for attempt in 1 ... max(1, flow.maximumAttempts) {
            let email: String = try await flow.prompter.email(attempt: attempt)
            do {
                let sent: Api.account.SentEmailCode = try await client.invoke(Api.functions.account.SendVerifyEmailCode(purpose: purpose, email: email))
                return sent.emailPattern
            } catch let error as RPCError where error.name == "EMAIL_INVALID" || error.name == "EMAIL_NOT_ALLOWED" {
                flow.prompter.notice(.emailRefused(reason: error.name))
                refusal = error
            }
        }
        throw LoginError.rejected(refusal)
    }
}

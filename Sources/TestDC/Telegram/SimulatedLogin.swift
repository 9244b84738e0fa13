import Foundation
import MTProto
import TLSchema

/// The login part of the simulated Telegram's state.
struct SimulatedLoginState {
    /// A code sent to a number and not used yet.
    struct Pending {
        var hash: String
        /// Which of the account's ``TestAccount/codeTypes`` sent it.
        var step: Int = 0
        var sentAt: Date = Date()
        var expired: Bool = false
        /// The address given to `account.sendVerifyEmailCode`, before it is verified.
        var emailToVerify: String?
        /// Set once the login email is verified: the code then goes there.
        var byEmail: Bool = false
    }

    /// Phone → the code sent to it.
    var pending: [String: Pending] = [:]
    /// Future auth token → the user it logs in.
    var futureTokens: [[UInt8]: Int64] = [:]
    /// Numbers whose next login call answers `AUTH_RESTART`.
    var restarts: Set<String> = []
    /// The login methods called, in order (`auth.sendCode`, `auth.signIn`, …).
    var calls: [String] = []
    /// The `logout_tokens` of each `auth.sendCode`, in order.
    var logoutTokens: [[[UInt8]]] = []
    /// QR login tokens exported and not used up (SimulatedLogin+QR.swift).
    var qr: SimulatedQRLogins = SimulatedQRLogins()
}

extension SimulatedTelegram {
    // MARK: Scripting

    /// The login methods received so far, in order (`auth.sendCode`, `auth.resendCode`, `auth.signIn`, …).
    public var loginCalls: [String] { login.calls }

    /// The `codeSettings.logout_tokens` each `auth.sendCode` carried, in order.
    public var receivedLogoutTokens: [[[UInt8]]] { login.logoutTokens }

    /// The code sent to `phone` expires now: `auth.signIn` and `auth.resendCode` with it answer `PHONE_CODE_EXPIRED`.
    public func expireLoginCode(phone: String) {
        login.pending[phone]?.expired = true
    }

    /// The next `auth.signIn`, `auth.resendCode`, `account.sendVerifyEmailCode` or `account.verifyEmail` for
    /// `phone` answers `AUTH_RESTART` (once), and forgets the code sent.
    public func restartLogin(phone: String) {
        login.restarts.insert(phone)
    }

    /// The account's login email (set up during a login, or given).
    public func loginEmail(of userID: Int64) -> String? { accounts[userID]?.loginEmail }

    // MARK: Handlers

    private func account(phone: String) -> TestAccount? { accounts.values.first { $0.phone == phone } }

    private func newHash() -> String { TLHex.encode(SystemEntropy().randomBytes(count: 8)) }

    /// The `auth.sentCode` for the code pending for `phone`.
    private func sentCode(phone: String) -> Api.auth.SentCode {
        let pending: SimulatedLoginState.Pending = login.pending[phone] ?? SimulatedLoginState.Pending(hash: "")
        let account: TestAccount? = account(phone: phone)
        let types: [SimulatedCodeType] = account?.codeTypes ?? [.app]
        let type: SimulatedCodeType = pending.byEmail ? .email : types[min(pending.step, types.count - 1)]
        let next: Api.auth.CodeType? = pending.byEmail || pending.step + 1 >= types.count ? nil : types[pending.step + 1].nextType
        return .sentCode(Api.auth.SentCode.SentCode(
            type: type.sentCodeType(codeLength: Int32(loginCode.count), phone: phone, email: account?.loginEmail),
            phoneCodeHash: pending.hash, nextType: next, timeout: next == nil ? nil : account?.codeTimeout))
    }

    /// The pending code for `phone` if `hash` names it, or the error to answer.
    private func pending(phone: String, hash: String) -> Result<SimulatedLoginState.Pending, RPCError> {
        if login.restarts.remove(phone) != nil {
            login.pending[phone] = nil
            return .failure(RPCError(code: 500, message: "AUTH_RESTART"))
        }
        guard let pending = login.pending[phone], pending.hash == hash, !pending.expired else {
            return .failure(RPCError(code: 400, message: "PHONE_CODE_EXPIRED"))
        }
        if let lifetime = account(phone: phone)?.codeLifetime, Date().timeIntervalSince(pending.sentAt) > lifetime {
            return .failure(RPCError(code: 400, message: "PHONE_CODE_EXPIRED"))
        }
        return .success(pending)
    }

    func sendCode(_ context: HandlerContext) async -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.SendCode else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        let account: TestAccount? = account(phone: call.phoneNumber)
        if let account, account.homeDC != context.dc { return .error(code: 303, message: "PHONE_MIGRATE_\(account.homeDC)") }
        login.calls.append("auth.sendCode")
        login.logoutTokens.append(call.settings.logoutTokens ?? [])
        if let account, let token = (call.settings.logoutTokens ?? []).first(where: { login.futureTokens[$0] == account.userID }) {
            login.futureTokens[token] = nil
            return .value(Api.auth.SentCode.sentCodeSuccess(Api.auth.SentCode.SentCodeSuccess(
                authorization: .authorization(await authorization(context, account.userID)))))
        }
        login.pending[call.phoneNumber] = SimulatedLoginState.Pending(hash: newHash())
        return .value(sentCode(phone: call.phoneNumber))
    }

    func resendCode(_ context: HandlerContext) -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.ResendCode else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        login.calls.append("auth.resendCode")
        switch pending(phone: call.phoneNumber, hash: call.phoneCodeHash) {
        case .failure(let error): return .error(code: error.code, message: error.message)
        case .success(var pending):
            let types: [SimulatedCodeType] = account(phone: call.phoneNumber)?.codeTypes ?? [.app]
            guard !pending.byEmail, pending.step + 1 < types.count, types[pending.step + 1].nextType != nil else {
                return .error(code: 406, message: "SEND_CODE_UNAVAILABLE")
            }
            pending.step += 1
            pending.hash = newHash()
            pending.sentAt = Date()
            login.pending[call.phoneNumber] = pending
            return .value(sentCode(phone: call.phoneNumber))
        }
    }

    func signIn(_ context: HandlerContext) async -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.SignIn else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        login.calls.append("auth.signIn")
        let pending: SimulatedLoginState.Pending
        switch self.pending(phone: call.phoneNumber, hash: call.phoneCodeHash) {
        case .failure(let error): return .error(code: error.code, message: error.message)
        case .success(let found): pending = found
        }
        let account: TestAccount? = account(phone: call.phoneNumber)
        let types: [SimulatedCodeType] = account?.codeTypes ?? [.app]
        let type: SimulatedCodeType = pending.byEmail ? .email : types[min(pending.step, types.count - 1)]
        switch type {
        case .email:
            guard case .emailVerificationCode(let verification)? = call.emailVerification, verification.code == loginCode else {
                return .error(code: 400, message: "EMAIL_CODE_INVALID")
            }
        case .firebaseSms, .setUpEmailRequired:
            // No code was sent this way to a third-party app.
            return .error(code: 400, message: "PHONE_CODE_INVALID")
        default:
            guard call.emailVerification == nil, call.phoneCode == loginCode else { return .error(code: 400, message: "PHONE_CODE_INVALID") }
        }
        guard let account else {
            return .value(Api.auth.Authorization.authorizationSignUpRequired(Api.auth.Authorization.AuthorizationSignUpRequired()))
        }
        login.pending[call.phoneNumber] = nil
        if account.password != nil {
            awaitingPassword[context.authKeyID] = account.userID
            return .error(code: 401, message: "SESSION_PASSWORD_NEEDED")
        }
        return await authorize(context, account.userID)
    }

    /// The login email set-up `purpose` names (the number and its pending code), or the error to answer.
    private func emailSetUp(_ purpose: Api.EmailVerifyPurpose, call: String) -> Result<(phone: String, pending: SimulatedLoginState.Pending), RPCError> {
        guard case .emailVerifyPurposeLoginSetup(let setUp) = purpose else { return .failure(RPCError(code: 400, message: "EMAIL_NOT_SETUP")) }
        login.calls.append(call)
        switch pending(phone: setUp.phoneNumber, hash: setUp.phoneCodeHash) {
        case .failure(let error) where error.name == "PHONE_CODE_EXPIRED": return .failure(RPCError(code: 400, message: "PHONE_HASH_EXPIRED"))
        case .failure(let error): return .failure(error)
        case .success(let pending): return .success((setUp.phoneNumber, pending))
        }
    }

    func sendVerifyEmailCode(_ context: HandlerContext) -> HandlerOutcome {
        guard let call = context.function as? Api.functions.account.SendVerifyEmailCode else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        switch emailSetUp(call.purpose, call: "account.sendVerifyEmailCode") {
        case .failure(let error): return .error(code: error.code, message: error.message)
        case .success(let (phone, found)):
            var pending: SimulatedLoginState.Pending = found
            let parts: [Substring] = call.email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else { return .error(code: 400, message: "EMAIL_INVALID") }
            pending.emailToVerify = call.email
            login.pending[phone] = pending
            return .value(Api.account.SentEmailCode(emailPattern: SimulatedCodeType.pattern(of: call.email), length: Int32(loginCode.count)))
        }
    }

    func verifyEmail(_ context: HandlerContext) -> HandlerOutcome {
        guard let call = context.function as? Api.functions.account.VerifyEmail else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        switch emailSetUp(call.purpose, call: "account.verifyEmail") {
        case .failure(let error): return .error(code: error.code, message: error.message)
        case .success(let (phone, found)):
            var pending: SimulatedLoginState.Pending = found
            guard let email = pending.emailToVerify else { return .error(code: 400, message: "EMAIL_NOT_SETUP") }
            guard case .emailVerificationCode(let verification) = call.verification, verification.code == loginCode else {
                return .error(code: 400, message: "CODE_INVALID")
            }
            if let account = account(phone: phone) { accounts[account.userID]?.loginEmail = email }
            pending.byEmail = true
            pending.hash = newHash()
            pending.sentAt = Date()
            login.pending[phone] = pending
            return .value(Api.account.EmailVerified.emailVerifiedLogin(Api.account.EmailVerified.EmailVerifiedLogin(
                email: email, sentCode: sentCode(phone: phone))))
        }
    }

    /// Logs the key in as `userID` and answers `auth.authorization`, with a new future auth token.
    func authorize(_ context: HandlerContext, _ userID: Int64) async -> HandlerOutcome {
        .value(Api.auth.Authorization.authorization(await authorization(context, userID)))
    }

    func authorization(_ context: HandlerContext, _ userID: Int64) async -> Api.auth.Authorization.Authorization {
        await server.authorize(authKeyID: context.authKeyID, userID: userID, dc: context.dc)
        return Api.auth.Authorization.Authorization(futureAuthToken: futureToken(for: userID), user: user(userID, for: userID))
    }

    private func futureToken(for userID: Int64) -> [UInt8] {
        let token: [UInt8] = SystemEntropy().randomBytes(count: 16)
        login.futureTokens[token] = userID
        return token
    }

    func logOut(_ context: HandlerContext) async -> HandlerOutcome {
        await server.deauthorize(authKeyID: context.authKeyID, dc: context.dc)
        return .value(Api.auth.LoggedOut(futureAuthToken: context.userID.map { futureToken(for: $0) }))
    }
}

import Foundation
import MTProto
import TLSchema

/// The QR login tokens the simulated Telegram exported.
struct SimulatedQRLogins {
    /// One exported token.
    struct Token {
        /// The permanent key (and its DC) of the session that exported it: `updateLoginToken` goes there.
        var authKeyID: Int64
        var dc: Int
        var expires: Date
        /// The user whose app accepted it.
        var acceptedBy: Int64?
    }

    /// Token bytes → token; at most one unaccepted token per key.
    var tokens: [[UInt8]: Token] = [:]
    /// Seconds an exported token lives (Telegram: about 30).
    var lifetime: Double = 30
}

extension SimulatedTelegram {
    // MARK: Scripting

    /// How long exported QR login tokens live, in seconds (default 30).
    public func setLoginTokenLifetime(_ seconds: Double) {
        login.qr.lifetime = seconds
    }

    /// The app of `userID` scans the QR code of `token` (`auth.acceptLoginToken` on the phone): the
    /// session that exported it gets `updateLoginToken`. False for an unknown, expired or already
    /// accepted token (Telegram answers those `AUTH_TOKEN_INVALID` / `AUTH_TOKEN_EXPIRED` /
    /// `AUTH_TOKEN_ALREADY_ACCEPTED`).
    @discardableResult
    public func acceptLoginToken(token: [UInt8], by userID: Int64) async -> Bool {
        guard accounts[userID] != nil, let found = login.qr.tokens[token], found.acceptedBy == nil, found.expires > Date() else { return false }
        login.qr.tokens[token]?.acceptedBy = userID
        let update: Api.Updates = .updateShort(Api.Updates.UpdateShort(update: .updateLoginToken, date: Int32(Date().timeIntervalSince1970)))
        await server.push(update, toAuthKey: found.authKeyID)
        return true
    }

    // MARK: Handlers

    /// `auth.exportLoginToken`: once the key's token was accepted, the login (`loginTokenSuccess`,
    /// or `loginTokenMigrateTo` when the account lives on another DC, or `SESSION_PASSWORD_NEEDED`);
    /// before that a new token (the key's earlier one is dropped).
    func exportLoginToken(_ context: HandlerContext) async -> HandlerOutcome {
        guard context.function is Api.functions.auth.ExportLoginToken else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        login.calls.append("auth.exportLoginToken")
        let mine: [([UInt8], SimulatedQRLogins.Token)] = login.qr.tokens.filter { $0.value.authKeyID == context.authKeyID && $0.value.dc == context.dc }
            .map { ($0.key, $0.value) }
        if let accepted = mine.first(where: { $0.1.acceptedBy != nil }), let userID = accepted.1.acceptedBy {
            return await logIn(context, userID: userID, token: accepted.0)
        }
        for (bytes, _) in mine { login.qr.tokens[bytes] = nil }
        let token: [UInt8] = SystemEntropy().randomBytes(count: 32)
        let expires: Date = Date().addingTimeInterval(login.qr.lifetime)
        login.qr.tokens[token] = SimulatedQRLogins.Token(authKeyID: context.authKeyID, dc: context.dc, expires: expires)
        return .value(Api.auth.LoginToken.loginToken(Api.auth.LoginToken.LoginToken(expires: Int32(expires.timeIntervalSince1970), token: token)))
    }

    /// `auth.importLoginToken`, on the DC a `loginTokenMigrateTo` named: the login of the accepted token.
    func importLoginToken(_ context: HandlerContext) async -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.ImportLoginToken else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        login.calls.append("auth.importLoginToken")
        guard let found = login.qr.tokens[call.token], let userID = found.acceptedBy else { return .error(code: 400, message: "AUTH_TOKEN_INVALID") }
        return await logIn(context, userID: userID, token: call.token)
    }

    /// Logs the key in as `userID` with the accepted `token` (used up), or sends it to the account's DC.
    private func logIn(_ context: HandlerContext, userID: Int64, token: [UInt8]) async -> HandlerOutcome {
        guard let account = accounts[userID] else { return .error(code: 400, message: "AUTH_TOKEN_INVALID") }
        if account.homeDC != context.dc {
            return .value(Api.auth.LoginToken.loginTokenMigrateTo(Api.auth.LoginToken.LoginTokenMigrateTo(dcId: Int32(account.homeDC), token: token)))
        }
        login.qr.tokens[token] = nil
        if account.password != nil {
            awaitingPassword[context.authKeyID] = userID
            return .error(code: 401, message: "SESSION_PASSWORD_NEEDED")
        }
        let authorization: Api.auth.Authorization.Authorization = await authorization(context, userID)
        return .value(Api.auth.LoginToken.loginTokenSuccess(Api.auth.LoginToken.LoginTokenSuccess(authorization: .authorization(authorization))))
    }
}

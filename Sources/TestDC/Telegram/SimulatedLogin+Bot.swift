import MTProto
import TLSchema

extension SimulatedTelegram {
    /// Registers the handlers of the bot-token and QR logins.
    func installBotAndQRLogin() async {
        await server.handle(Api.functions.auth.ImportBotAuthorization.self) { [self] in await self.importBotAuthorization($0) }
        await server.handle(Api.functions.auth.ExportLoginToken.self) { [self] in await self.exportLoginToken($0) }
        await server.handle(Api.functions.auth.ImportLoginToken.self) { [self] in await self.importLoginToken($0) }
    }

    /// `auth.importBotAuthorization`: the bot whose ``TestAccount/botToken`` matches logs the key in;
    /// an unknown or malformed token answers `ACCESS_TOKEN_INVALID`, a bot living on another DC
    /// `USER_MIGRATE_X` (as Telegram answers on a DC that is not the bot's).
    func importBotAuthorization(_ context: HandlerContext) async -> HandlerOutcome {
        guard let call = context.function as? Api.functions.auth.ImportBotAuthorization else { return .error(code: 400, message: "INPUT_METHOD_INVALID") }
        login.calls.append("auth.importBotAuthorization")
        guard call.apiId > 0, !call.apiHash.isEmpty else { return .error(code: 400, message: "API_ID_INVALID") }
        let parts: [Substring] = call.botAuthToken.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[0]), !parts[1].isEmpty,
              let bot = accounts[id], bot.isBot, bot.botToken == call.botAuthToken else {
            return .error(code: 400, message: "ACCESS_TOKEN_INVALID")
        }
        if bot.homeDC != context.dc { return .error(code: 303, message: "USER_MIGRATE_\(bot.homeDC)") }
        await server.authorize(authKeyID: context.authKeyID, userID: bot.userID, dc: context.dc)
        return .value(Api.auth.Authorization.authorization(Api.auth.Authorization.Authorization(user: user(bot.userID, for: bot.userID))))
    }
}

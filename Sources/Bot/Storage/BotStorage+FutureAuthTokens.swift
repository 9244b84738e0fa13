import Telegram

extension BotStorage: FutureAuthTokenStore {
    /// Secret: the kept future auth tokens, newest first. ``forgetAccount()`` keeps them.
    public func futureAuthTokens() throws -> [[UInt8]] { try tokens.futureAuthTokens() }

    /// Keeps `token` as the newest, dropping the oldest beyond the limit of 20.
    public func addFutureAuthToken(_ token: [UInt8]) throws { try tokens.addFutureAuthToken(token) }
}

extension SQLiteClientStore: FutureAuthTokenStore {
    /// The future auth tokens of the session file (``FutureAuthTokens``), newest first.
    public func futureAuthTokens() throws -> [[UInt8]] { try FutureAuthTokens(session: session).futureAuthTokens() }

    /// Keeps `token` as the newest future auth token of the session file.
    public func addFutureAuthToken(_ token: [UInt8]) throws { try FutureAuthTokens(session: session).addFutureAuthToken(token) }
}

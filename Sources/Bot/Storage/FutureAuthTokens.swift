import MTProto

/// The future auth tokens Telegram gave at logins and logouts (api/auth "Future auth tokens"):
/// the newest ``limit`` are kept, across logouts, and sent at the next `auth.sendCode`.
enum FutureAuthTokens {
    /// At most this many are kept; older ones are dropped as new ones arrive.
    static let limit: Int = 20
    static let createTable: String =
        "CREATE TABLE IF NOT EXISTS future_auth_tokens (position INTEGER PRIMARY KEY AUTOINCREMENT, token BLOB NOT NULL UNIQUE)"
}

extension BotStorage {
    /// Secret: the kept future auth tokens, newest first. ``forgetAccount()`` keeps them.
    public func futureAuthTokens() throws(SessionStorageError) -> [[UInt8]] {
        try session.rows("SELECT token FROM future_auth_tokens ORDER BY position DESC").compactMap { $0.first?.blob }
    }

    /// Keeps `token` as the newest, dropping the oldest beyond the limit of 20.
    public func addFutureAuthToken(_ token: [UInt8]) throws(SessionStorageError) {
        try session.transaction([
            ("DELETE FROM future_auth_tokens WHERE token = ?", [.blob(token)]),
            ("INSERT INTO future_auth_tokens (token) VALUES (?)", [.blob(token)]),
            ("""
             DELETE FROM future_auth_tokens WHERE position NOT IN
                 (SELECT position FROM future_auth_tokens ORDER BY position DESC LIMIT ?)
             """, [.integer(Int64(FutureAuthTokens.limit))]),
        ])
    }
}

import MTProto

/// Where the future auth tokens Telegram gives at logins and logouts are kept (api/auth "Future
/// auth tokens"): sent in `codeSettings.logout_tokens` at the next `auth.sendCode`, one Telegram
/// still accepts logs in without a code. Secret: each one can log the account in.
public protocol FutureAuthTokenStore: Sendable {
    /// The kept tokens, newest first.
    func futureAuthTokens() throws -> [[UInt8]]
    /// Keeps `token` as the newest; at most ``FutureAuthTokens/limit`` are kept.
    func addFutureAuthToken(_ token: [UInt8]) throws
}

/// The default ``FutureAuthTokenStore``: the table `future_auth_tokens` of a session file (the
/// same table the bot has always used, so its tokens carry over). Logging out keeps them.
public struct FutureAuthTokens: FutureAuthTokenStore {
    /// At most this many are kept (Telegram reads at most 20); older ones are dropped as new ones arrive.
    public static let limit: Int = 20
    /// The table's definition.
    static let createTable: String =
        "CREATE TABLE IF NOT EXISTS future_auth_tokens (position INTEGER PRIMARY KEY AUTOINCREMENT, token BLOB NOT NULL UNIQUE)"

    /// The session file the table lives in.
    public let session: SQLiteSessionStorage

    /// The tokens of `session`; creates the table where missing.
    public init(session: SQLiteSessionStorage) throws(SessionStorageError) {
        self.session = session
        try session.execute(Self.createTable)
    }

    /// The kept tokens, newest first.
    public func futureAuthTokens() throws -> [[UInt8]] {
        try session.rows("SELECT token FROM future_auth_tokens ORDER BY position DESC").compactMap { $0.first?.blob }
    }

    /// Keeps `token` as the newest, dropping the oldest beyond ``limit``.
    public func addFutureAuthToken(_ token: [UInt8]) throws {
        try session.transaction([
            ("DELETE FROM future_auth_tokens WHERE token = ?", [.blob(token)]),
            ("INSERT INTO future_auth_tokens (token) VALUES (?)", [.blob(token)]),
            ("""
             DELETE FROM future_auth_tokens WHERE position NOT IN
                 (SELECT position FROM future_auth_tokens ORDER BY position DESC LIMIT ?)
             """, [.integer(Int64(Self.limit))]),
        ])
    }
}

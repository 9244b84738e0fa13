import Foundation
import MTProto
import Telegram

/// The bot's tables in the session file, next to the auth keys and the client store's `tg_`
/// tables: the context memory, the reply queue (with the replies not yet sent), who was handled,
/// model calls and skipped messages. Each change that must survive a crash together with another
/// is written in one transaction.
///
/// One database file for everything (a decision): the client's update state and peers
/// (``Telegram/SQLiteClientStore``), the auth keys and the bot's rows share the session file, so a
/// queued message is written in the very transaction that stores the update state past it (the
/// store's commit hook, ``ReplyQueueHook``) and a logout or a copy of the file moves one thing.
/// Session files of the bot from before it ran on `Telegram` kept the update state and the peers
/// in tables of their own; they move into the client store when the file is opened (see
/// ``migrateUpdateStateAndPeers()``), so what arrived during the downtime is still fetched.
public final class BotStorage: Sendable {
    /// The session file these tables live in, shared with the client (its auth keys are in the same file).
    public let session: SQLiteSessionStorage
    /// The client layer's store in the same file: update state, channel pts, peers, self user.
    public let clientStore: SQLiteClientStore
    /// The future auth tokens of this session file (kept across logouts, see ``forgetAccount()``).
    public let tokens: FutureAuthTokens

    /// Creates the bot's tables in `session` where missing (existing rows are kept) and moves an
    /// older file's update state and peers into the client store; throws when SQLite fails, for
    /// example on a closed or read-only file.
    public init(session: SQLiteSessionStorage) throws(SessionStorageError) {
        self.session = session
        clientStore = try SQLiteClientStore(session: session)
        tokens = try FutureAuthTokens(session: session)
        for sql in [
            "CREATE TABLE IF NOT EXISTS bot_values (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS exchanges (user_id INTEGER NOT NULL, position INTEGER NOT NULL, user TEXT NOT NULL,
                assistant TEXT NOT NULL, datetime REAL NOT NULL, username TEXT, phone TEXT, PRIMARY KEY (user_id, position))
            """,
            "CREATE TABLE IF NOT EXISTS last_handled (user_id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS pending_replies (user_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
                text TEXT NOT NULL, random_id INTEGER NOT NULL, received REAL NOT NULL, answer TEXT,
                stage INTEGER NOT NULL DEFAULT 1, date INTEGER, PRIMARY KEY (user_id, message_id))
            """,
            "CREATE TABLE IF NOT EXISTS model_calls (user_id INTEGER NOT NULL, at REAL NOT NULL)",
            "CREATE INDEX IF NOT EXISTS model_calls_at ON model_calls (at)",
            """
            CREATE TABLE IF NOT EXISTS skipped_messages (user_id INTEGER NOT NULL, message_id INTEGER NOT NULL, reason TEXT NOT NULL,
                at REAL NOT NULL, PRIMARY KEY (user_id, message_id))
            """,
            "CREATE TABLE IF NOT EXISTS bot_replies (user_id INTEGER NOT NULL, message_id INTEGER NOT NULL, PRIMARY KEY (user_id, message_id))",
        ] {
            try session.execute(sql)
        }
        // Session files from before the answer was kept with its queued message, and before the
        // queue was written by the commit hook (their rows are all accepted: stage 1).
        try addColumnIfMissing(table: "pending_replies", column: "answer", definition: "TEXT")
        try addColumnIfMissing(table: "pending_replies", column: "stage", definition: "INTEGER NOT NULL DEFAULT 1")
        try addColumnIfMissing(table: "pending_replies", column: "date", definition: "INTEGER")
        try migrateUpdateStateAndPeers()
    }

    private func addColumnIfMissing(table: String, column: String, definition: String) throws(SessionStorageError) {
        let columns: [String] = try session.rows("PRAGMA table_info(\(table))").compactMap { $0.count > 1 ? $0[1].text : nil }
        if !columns.contains(column) { try session.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(definition)") }
    }

    // MARK: Values

    func value(_ name: String) throws(SessionStorageError) -> Int64? {
        try session.rows("SELECT value FROM bot_values WHERE name = ?", [.text(name)]).first?.first?.integer
    }

    static func setValue(_ name: String, _ value: Int64) -> (sql: String, values: [SQLiteValue]) {
        ("INSERT OR REPLACE INTO bot_values (name, value) VALUES (?, ?)", [.text(name), .integer(value)])
    }

    func setValue(_ name: String, _ value: Int64) throws(SessionStorageError) {
        let statement: (sql: String, values: [SQLiteValue]) = Self.setValue(name, value)
        try session.execute(statement.sql, statement.values)
    }

    // MARK: Update state

    /// The stored update state, if the account has one (nil before the first login).
    public func updateState() throws -> UpdatesState? {
        try clientStore.updatesState()
    }

    /// Whether a recovery from the dialogs is due (stored with a state that jumped past a gap).
    public func dialogRecoveryDue() throws(SessionStorageError) -> Bool {
        try value("dialog_recovery_due") == 1
    }

    /// The highest message id queued or skipped for `userID`: older ids are never answered again.
    public func lastHandled(of userID: Int64) throws(SessionStorageError) -> Int32 {
        let id: Int64? = try session.rows("SELECT message_id FROM last_handled WHERE user_id = ?", [.integer(userID)]).first?.first?.integer
        return Int32(truncatingIfNeeded: id ?? 0)
    }

    static func lastHandledStatement(userID: Int64, messageID: Int32) -> (sql: String, values: [SQLiteValue]) {
        (
            """
            INSERT INTO last_handled (user_id, message_id) VALUES (?, ?)
            ON CONFLICT(user_id) DO UPDATE SET message_id = max(message_id, excluded.message_id)
            """,
            [.integer(userID), .integer(Int64(messageID))]
        )
    }

    /// Forgets the update state, the peers and everything tied to the account (logout); the
    /// memory of conversations and the future auth tokens are kept.
    public func forgetAccount() throws(SessionStorageError) {
        try session.transaction([
            ("DELETE FROM tg_values", []), ("DELETE FROM tg_channels", []), ("DELETE FROM tg_peers", []),
            ("DELETE FROM bot_values", []),
            ("DELETE FROM pending_replies", []), ("DELETE FROM last_handled", []), ("DELETE FROM skipped_messages", []),
            ("DELETE FROM bot_replies", []),
        ])
    }

    // MARK: Replies

    /// Replies accepted but not yet sent and stored, oldest first.
    public func pendingReplies() throws(SessionStorageError) -> [PendingReply] {
        try session.rows(
            "SELECT user_id, message_id, text, random_id, received, answer FROM pending_replies WHERE stage = 1 ORDER BY received, message_id"
        ).compactMap { (row: [SQLiteValue]) -> PendingReply? in
            guard let user = row[0].integer, let message = row[1].integer, let text = row[2].text, let random = row[3].integer,
                  let received = row[4].number else { return nil }
            return PendingReply(
                userID: user, messageID: Int32(truncatingIfNeeded: message), text: text, randomID: random,
                received: Date(timeIntervalSince1970: received), answer: row[5].text)
        }
    }

    /// Keeps the answer of a queued reply before it is sent: after a crash the same text is sent
    /// again with the same random_id (and stored), instead of a new answer from the model.
    public func saveAnswer(_ answer: String, for reply: PendingReply) throws(SessionStorageError) {
        try session.execute(
            "UPDATE pending_replies SET answer = ? WHERE user_id = ? AND message_id = ?",
            [.text(answer), .integer(reply.userID), .integer(Int64(reply.messageID))])
    }

    /// Takes replies that will not be sent out of the queue and records why (the model failed after
    /// its retries, a limit, the owner answered first, …), in one transaction.
    public func skip(_ replies: [PendingReply], reason: String) throws(SessionStorageError) {
        var statements: [(sql: String, values: [SQLiteValue])] = []
        for reply in replies {
            statements.append(("DELETE FROM pending_replies WHERE user_id = ? AND message_id = ?", [.integer(reply.userID), .integer(Int64(reply.messageID))]))
            statements.append(Self.skipStatement(SkippedMessage(userID: reply.userID, messageID: reply.messageID, reason: reason)))
        }
        try session.transaction(statements)
    }

    static func skipStatement(_ message: SkippedMessage) -> (sql: String, values: [SQLiteValue]) {
        (
            "INSERT OR REPLACE INTO skipped_messages (user_id, message_id, reason, at) VALUES (?, ?, ?, ?)",
            [.integer(message.userID), .integer(Int64(message.messageID)), .text(message.reason), .real(Date().timeIntervalSince1970)]
        )
    }

    /// Messages that got no answer, with the reason, newest first (kept for a week).
    public func skippedMessages() throws(SessionStorageError) -> [SkippedMessage] {
        try session.rows("SELECT user_id, message_id, reason FROM skipped_messages ORDER BY at DESC").compactMap { (row: [SQLiteValue]) -> SkippedMessage? in
            guard let user = row[0].integer, let message = row[1].integer, let reason = row[2].text else { return nil }
            return SkippedMessage(userID: user, messageID: Int32(truncatingIfNeeded: message), reason: reason)
        }
    }

    // MARK: Model calls

    /// Records a model call (the limits count it whether or not it succeeds).
    public func recordModelCall(userID: Int64, at time: Double) throws(SessionStorageError) {
        try session.execute("INSERT INTO model_calls (user_id, at) VALUES (?, ?)", [.integer(userID), .real(time)])
    }

    /// The model calls of the last day, and drops older records (of calls and of skipped messages).
    public func recentModelCalls(now: Double) throws(SessionStorageError) -> [(userID: Int64, at: Double)] {
        try pruneRecords(now: now)
        return try session.rows("SELECT user_id, at FROM model_calls").compactMap { (row: [SQLiteValue]) -> (userID: Int64, at: Double)? in
            guard let user = row[0].integer, let at = row[1].number else { return nil }
            return (user, at)
        }
    }

    /// Drops the records nothing needs any more: model calls older than a day, skipped messages
    /// older than a week (the bot does this at start and every hour).
    public func pruneRecords(now: Double) throws(SessionStorageError) {
        try session.transaction([
            ("DELETE FROM model_calls WHERE at < ?", [.real(now - 86_400)]),
            ("DELETE FROM skipped_messages WHERE at < ?", [.real(now - 7 * 86_400)]),
        ])
    }

    /// Per user, the ids of the bot's own recent replies and of the messages they quoted (the newest
    /// 40 each), so the bot's replies are not mistaken for the owner writing from another device, also
    /// when a reply's own id is unknown (sent before a crash, recognised by `RANDOM_ID_DUPLICATE`).
    public func botReplies() throws(SessionStorageError) -> [Int64: Set<Int32>] {
        var out: [Int64: Set<Int32>] = [:]
        for row in try session.rows("SELECT user_id, message_id FROM bot_replies") {
            if let user = row[0].integer, let id = row[1].integer { out[user, default: []].insert(Int32(truncatingIfNeeded: id)) }
        }
        return out
    }

    // MARK: Context memory

    /// The whole stored memory at once (inspection and tests; the bot reads one person at a time).
    public func contextMemory(limit: Int, dumpEvery: Int) throws -> ContextMemory {
        var exchanges: [Int64: [Exchange]] = [:]
        try forEachExchange { (user: Int64, exchange: Exchange) in exchanges[user, default: []].append(exchange) }
        return ContextMemory(limit: limit, dumpEvery: dumpEvery, exchanges: exchanges, storedCount: try storedExchangeCount())
    }

    /// Exchanges stored since the beginning (every stored pair counts, also those dropped since).
    public func storedExchangeCount() throws(SessionStorageError) -> Int64 {
        try value("stored_exchanges") ?? 0
    }

    /// One person's stored exchanges, oldest first.
    public func exchanges(of userID: Int64) throws(SessionStorageError) -> [Exchange] {
        try session.rows(
            "SELECT user, assistant, datetime, username, phone FROM exchanges WHERE user_id = ? ORDER BY position", [.integer(userID)]
        ).compactMap { (row: [SQLiteValue]) -> Exchange? in Self.exchange(row, from: 0) }
    }

    /// Calls `body` with every stored exchange, by user id then oldest first, reading `pageSize` rows
    /// at a time (so a dump of any size holds one page in memory and the file lock only briefly).
    public func forEachExchange(pageSize: Int = 500, _ body: (Int64, Exchange) throws -> Void) throws {
        var after: (user: Int64, position: Int64) = (Int64.min, -1)
        while true {
            let rows: [[SQLiteValue]] = try session.rows(
                """
                SELECT user_id, position, user, assistant, datetime, username, phone FROM exchanges
                WHERE (user_id, position) > (?, ?) ORDER BY user_id, position LIMIT ?
                """,
                [.integer(after.user), .integer(after.position), .integer(Int64(max(1, pageSize)))])
            for row in rows {
                guard let user = row[0].integer, let position = row[1].integer else { continue }
                after = (user, position)
                if let exchange = Self.exchange(row, from: 2) { try body(user, exchange) }
            }
            if rows.count < max(1, pageSize) { return }
        }
    }

    private static func exchange(_ row: [SQLiteValue], from column: Int) -> Exchange? {
        guard row.count >= column + 5, let text = row[column].text, let answer = row[column + 1].text else { return nil }
        let seconds: Double = row[column + 2].number ?? row[column + 2].text.flatMap { Double($0) } ?? 0
        return Exchange(
            user: text, assistant: answer, datetime: Date(timeIntervalSince1970: seconds), username: row[column + 3].text, phone: row[column + 4].text)
    }

    /// The stored-exchange count at which the last dump was written (0: none yet).
    public func dumpedExchangeCount() throws(SessionStorageError) -> Int64 {
        try value("dumped_exchanges") ?? 0
    }

    /// Records that a dump was written when `count` exchanges had been stored.
    public func setDumpedExchangeCount(_ count: Int64) throws(SessionStorageError) {
        try setValue("dumped_exchanges", count)
    }

    /// Stores a user's exchanges (after a reply was sent) and removes its pending replies, together;
    /// `ownMessages` (the sent reply's id when known, and the id it quoted) are remembered as the bot's.
    public func commit(
        exchanges: [Exchange], userID: Int64, storedCount: Int64, completing replies: [PendingReply], ownMessages: [Int32] = []
    ) throws(SessionStorageError) {
        var statements: [(sql: String, values: [SQLiteValue])] = [("DELETE FROM exchanges WHERE user_id = ?", [.integer(userID)])]
        for (position, exchange) in exchanges.enumerated() {
            statements.append((
                "INSERT INTO exchanges (user_id, position, user, assistant, datetime, username, phone) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.integer(userID), .integer(Int64(position)), .text(exchange.user), .text(exchange.assistant),
                 .real(exchange.datetime.timeIntervalSince1970), exchange.username.map { .text($0) } ?? .null,
                 exchange.phone.map { .text($0) } ?? .null]
            ))
        }
        statements.append(Self.setValue("stored_exchanges", storedCount))
        for reply in replies {
            statements.append((
                "DELETE FROM pending_replies WHERE user_id = ? AND message_id = ?", [.integer(reply.userID), .integer(Int64(reply.messageID))]))
        }
        for id in ownMessages {
            statements.append(("INSERT OR IGNORE INTO bot_replies (user_id, message_id) VALUES (?, ?)", [.integer(userID), .integer(Int64(id))]))
        }
        if !ownMessages.isEmpty {
            statements.append((
                """
                DELETE FROM bot_replies WHERE user_id = ? AND message_id NOT IN
                    (SELECT message_id FROM bot_replies WHERE user_id = ? ORDER BY message_id DESC LIMIT 40)
                """,
                [.integer(userID), .integer(userID)]))
        }
        try session.transaction(statements)
    }

    // MARK: Account

    /// The logged-in user's id (kept by the client store).
    public func selfUserID() throws -> Int64? { try clientStore.selfUserID() }
}

/// A message that gets no answer, and why (kept a week in the session file, and logged).
public struct SkippedMessage: Sendable, Equatable {
    /// The sender.
    public var userID: Int64
    /// The message's id in the private chat.
    public var messageID: Int32
    /// Why it gets no answer, as logged.
    public var reason: String

    /// A skipped message with the reason it gets no answer.
    public init(userID: Int64, messageID: Int32, reason: String) {
        self.userID = userID
        self.messageID = messageID
        self.reason = reason
    }
}

/// A message accepted for a reply: queued durably until the reply is sent and the exchange stored.
public struct PendingReply: Sendable, Equatable {
    /// The sender, who is answered in private; replies are sent one at a time per user.
    public var userID: Int64
    /// The id of the incoming message, which the reply quotes; with ``userID`` it keys the queue.
    public var messageID: Int32
    /// The incoming message's text, sent to the model as the last `user` message.
    public var text: String
    /// The random_id of the reply: fixed when the message is accepted, so a resend after a crash is
    /// recognised by Telegram (`RANDOM_ID_DUPLICATE`) instead of posting the reply twice.
    public var randomID: Int64
    /// When the bot accepted the message; after a restart the queue is resumed in this order.
    public var received: Date
    /// The answer, once the model gave it and before it is sent (``BotStorage/saveAnswer(_:for:)``);
    /// a reply resumed after a crash sends this text rather than asking the model again.
    public var answer: String?

    /// A newly accepted message takes a fresh random `randomID`; one loaded from storage keeps its stored one.
    public init(userID: Int64, messageID: Int32, text: String, randomID: Int64, received: Date, answer: String? = nil) {
        self.userID = userID
        self.messageID = messageID
        self.text = text
        self.randomID = randomID
        self.received = received
        self.answer = answer
    }
}

import Foundation
import MTProto

/// The bot's tables in the session file (next to the auth keys): update state, channel pts, peers,
/// the context memory and the replies not yet sent. Each change that must survive a crash
/// together with another is written in one transaction.
public final class BotStorage: Sendable {
    /// The session file these tables live in, shared with the client (its auth keys are in the same file).
    public let session: SQLiteSessionStorage

    /// Creates the bot's tables in `session` where missing (existing rows are kept); throws when SQLite
    /// fails, for example on a closed or read-only file.
    public init(session: SQLiteSessionStorage) throws(SessionStorageError) {
        self.session = session
        for sql in [
            "CREATE TABLE IF NOT EXISTS bot_values (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS channel_pts (channel INTEGER PRIMARY KEY, pts INTEGER NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS peers (kind INTEGER NOT NULL, id INTEGER NOT NULL, access_hash INTEGER NOT NULL,
                is_min INTEGER NOT NULL, username TEXT, phone TEXT, PRIMARY KEY (kind, id))
            """,
            """
            CREATE TABLE IF NOT EXISTS exchanges (user_id INTEGER NOT NULL, position INTEGER NOT NULL, user TEXT NOT NULL,
                assistant TEXT NOT NULL, datetime REAL NOT NULL, username TEXT, phone TEXT, PRIMARY KEY (user_id, position))
            """,
            "CREATE TABLE IF NOT EXISTS last_handled (user_id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL)",
            FutureAuthTokens.createTable,
            """
            CREATE TABLE IF NOT EXISTS pending_replies (user_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
                text TEXT NOT NULL, random_id INTEGER NOT NULL, received REAL NOT NULL, answer TEXT,
                PRIMARY KEY (user_id, message_id))
            """,
        ] {
            try session.execute(sql)
        }
        // Session files from before the answer was kept with its queued message.
        let columns: [String] = try session.rows("PRAGMA table_info(pending_replies)").compactMap { $0.count > 1 ? $0[1].text : nil }
        if !columns.contains("answer") { try session.execute("ALTER TABLE pending_replies ADD COLUMN answer TEXT") }
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
    public func updateState() throws(SessionStorageError) -> UpdateState? {
        guard let pts = try value("pts"), let qts = try value("qts"), let date = try value("date"), let seq = try value("seq") else {
            return nil
        }
        var channels: [Int64: Int32] = [:]
        for row in try session.rows("SELECT channel, pts FROM channel_pts") {
            if let channel = row[0].integer, let pts = row[1].integer { channels[channel] = Int32(truncatingIfNeeded: pts) }
        }
        return UpdateState(
            pts: Int32(truncatingIfNeeded: pts), qts: Int32(truncatingIfNeeded: qts), date: Int32(truncatingIfNeeded: date),
            seq: Int32(truncatingIfNeeded: seq), channels: channels)
    }

    static func saveStatements(_ state: UpdateState) -> [(sql: String, values: [SQLiteValue])] {
        var statements: [(sql: String, values: [SQLiteValue])] = [
            setValue("pts", Int64(state.pts)), setValue("qts", Int64(state.qts)), setValue("date", Int64(state.date)),
            setValue("seq", Int64(state.seq)),
        ]
        for (channel, pts) in state.channels {
            statements.append(("INSERT OR REPLACE INTO channel_pts (channel, pts) VALUES (?, ?)", [.integer(channel), .integer(Int64(pts))]))
        }
        return statements
    }

    /// The highest message id accepted for a reply, per user: older ids are never answered again.
    public func lastHandled() throws(SessionStorageError) -> [Int64: Int32] {
        var out: [Int64: Int32] = [:]
        for row in try session.rows("SELECT user_id, message_id FROM last_handled") {
            if let user = row[0].integer, let id = row[1].integer { out[user] = Int32(truncatingIfNeeded: id) }
        }
        return out
    }

    /// Saves the update state and queues the replies it made due, in one transaction: a message is
    /// never both past the stored pts and missing from the queue.
    public func commit(state: UpdateState, newReplies: [PendingReply]) throws(SessionStorageError) {
        var statements: [(sql: String, values: [SQLiteValue])] = Self.saveStatements(state)
        for reply in newReplies {
            statements.append((
                "INSERT OR IGNORE INTO pending_replies (user_id, message_id, text, random_id, received) VALUES (?, ?, ?, ?, ?)",
                [.integer(reply.userID), .integer(Int64(reply.messageID)), .text(reply.text), .integer(reply.randomID),
                 .real(reply.received.timeIntervalSince1970)]
            ))
            statements.append((
                """
                INSERT INTO last_handled (user_id, message_id) VALUES (?, ?)
                ON CONFLICT(user_id) DO UPDATE SET message_id = max(message_id, excluded.message_id)
                """,
                [.integer(reply.userID), .integer(Int64(reply.messageID))]
            ))
        }
        try session.transaction(statements)
    }

    /// Forgets the update state and everything tied to the account (logout).
    public func forgetAccount() throws(SessionStorageError) {
        try session.transaction([
            ("DELETE FROM bot_values", []), ("DELETE FROM channel_pts", []), ("DELETE FROM peers", []),
            ("DELETE FROM pending_replies", []),
            ("DELETE FROM last_handled", []),
        ])
    }

    // MARK: Replies

    /// Replies accepted but not yet sent and stored, oldest first.
    public func pendingReplies() throws(SessionStorageError) -> [PendingReply] {
        try session.rows(
            "SELECT user_id, message_id, text, random_id, received, answer FROM pending_replies ORDER BY received, message_id"
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

    /// Drops a reply that will not be sent (the model failed after its retries).
    public func dropReply(_ reply: PendingReply) throws(SessionStorageError) {
        try session.execute(
            "DELETE FROM pending_replies WHERE user_id = ? AND message_id = ?", [.integer(reply.userID), .integer(Int64(reply.messageID))])
    }

    // MARK: Context memory

    /// The stored memory.
    public func contextMemory(limit: Int, dumpEvery: Int) throws(SessionStorageError) -> ContextMemory {
        var exchanges: [Int64: [Exchange]] = [:]
        for row in try session.rows(
            "SELECT user_id, user, assistant, datetime, username, phone FROM exchanges ORDER BY user_id, position") {
            guard let user = row[0].integer, let text = row[1].text, let answer = row[2].text else { continue }
            let seconds: Double = row[3].number ?? row[3].text.flatMap { Double($0) } ?? 0
            exchanges[user, default: []].append(Exchange(
                user: text, assistant: answer, datetime: Date(timeIntervalSince1970: seconds), username: row[4].text, phone: row[5].text))
        }
        return ContextMemory(limit: limit, dumpEvery: dumpEvery, exchanges: exchanges, storedCount: try value("stored_exchanges") ?? 0)
    }

    /// The stored-exchange count at which the last dump was written (0: none yet).
    public func dumpedExchangeCount() throws(SessionStorageError) -> Int64 {
        try value("dumped_exchanges") ?? 0
    }

    /// Records that a dump was written when `count` exchanges had been stored.
    public func setDumpedExchangeCount(_ count: Int64) throws(SessionStorageError) {
        try setValue("dumped_exchanges", count)
    }

    /// Stores a user's exchanges (after a reply was sent) and removes its pending reply, together.
    public func commit(exchanges: [Exchange], userID: Int64, storedCount: Int64, completing reply: PendingReply?) throws(SessionStorageError) {
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
        if let reply {
            statements.append((
                "DELETE FROM pending_replies WHERE user_id = ? AND message_id = ?", [.integer(reply.userID), .integer(Int64(reply.messageID))]))
        }
        try session.transaction(statements)
    }

    // MARK: Peers

    /// Every stored peer.
    public func peers() throws(SessionStorageError) -> [StoredPeer] {
        try session.rows("SELECT kind, id, access_hash, is_min, username, phone FROM peers").compactMap { (row: [SQLiteValue]) -> StoredPeer? in
            guard let kind = row[0].integer.flatMap({ PeerKind(rawValue: Int($0)) }), let id = row[1].integer, let hash = row[2].integer,
                  let isMin = row[3].integer else { return nil }
            return StoredPeer(kind: kind, id: id, accessHash: hash, isMin: isMin != 0, username: row[4].text, phone: row[5].text)
        }
    }

    /// Saves peers (already merged by ``PeerCache``).
    public func save(peers: [StoredPeer]) throws(SessionStorageError) {
        guard !peers.isEmpty else { return }
        try session.transaction(peers.map { (peer: StoredPeer) -> (sql: String, values: [SQLiteValue]) in
            ("INSERT OR REPLACE INTO peers (kind, id, access_hash, is_min, username, phone) VALUES (?, ?, ?, ?, ?, ?)",
             [.integer(Int64(peer.kind.rawValue)), .integer(peer.id), .integer(peer.accessHash), .integer(peer.isMin ? 1 : 0),
              peer.username.map { .text($0) } ?? .null, peer.phone.map { .text($0) } ?? .null])
        })
    }

    // MARK: Account

    /// The logged-in user's id.
    public func selfUserID() throws(SessionStorageError) -> Int64? { try value("self_user_id") }

    /// Remembers the logged-in user's id (after a login); ``forgetAccount()`` clears it.
    public func setSelfUserID(_ id: Int64) throws(SessionStorageError) { try setValue("self_user_id", id) }
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

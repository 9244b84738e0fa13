import Foundation
import MTProto
import Telegram

extension BotStorage {
    static let recoveryDueName: String = "dialog_recovery_due"
    private static let recoveryDue: String = "EXISTS (SELECT 1 FROM bot_values WHERE name = 'dialog_recovery_due')"

    /// The statements that write one incoming message into the queue as ``QueueStage/new`` (or
    /// ``QueueStage/held`` while a recovery is due), unless it is at or below what was handled for
    /// its sender; then what was handled moves up to it (not while a recovery is due, unless the
    /// message comes from the recovery: `fromRecovery`, which also takes a held copy over).
    static func queueStatements(
        userID: Int64, message: NewMessage, randomID: Int64, received: Date, fromRecovery: Bool
    ) -> [(sql: String, values: [SQLiteValue])] {
        let values: [SQLiteValue] = [
            .integer(userID), .integer(Int64(message.id)), .text(message.text), .integer(randomID), .real(received.timeIntervalSince1970),
            .integer(Int64(message.date)),
        ]
        var out: [(sql: String, values: [SQLiteValue])] = []
        if fromRecovery {
            out.append((
                "DELETE FROM pending_replies WHERE user_id = ?1 AND message_id = ?2 AND stage = \(QueueStage.held.rawValue)",
                Array(values.prefix(2))))
        }
        let stage: String = fromRecovery
            ? "\(QueueStage.new.rawValue)" : "CASE WHEN \(recoveryDue) THEN \(QueueStage.held.rawValue) ELSE \(QueueStage.new.rawValue) END"
        out.append((
            """
            INSERT OR IGNORE INTO pending_replies (user_id, message_id, text, random_id, received, date, stage)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, \(stage)
            WHERE ?2 > coalesce((SELECT message_id FROM last_handled WHERE user_id = ?1), 0)
            """,
            values))
        out.append((
            """
            INSERT INTO last_handled (user_id, message_id) SELECT ?1, ?2 WHERE \(fromRecovery ? "1" : "NOT \(recoveryDue)")
            ON CONFLICT(user_id) DO UPDATE SET message_id = max(message_id, excluded.message_id)
            """,
            Array(values.prefix(2))))
        return out
    }

    /// Queues messages read from a chat's history during a recovery from the dialogs, as
    /// ``QueueStage/new``, in one transaction; returns how many rows the queue gained.
    func queueRecovered(_ messages: [NewMessage], userID: Int64, randomID: () -> Int64) throws(SessionStorageError) -> Int {
        let before: Int = try newCount()
        var statements: [(sql: String, values: [SQLiteValue])] = []
        for message in messages {
            statements += Self.queueStatements(userID: userID, message: message, randomID: randomID(), received: Date(), fromRecovery: true)
        }
        try session.transaction(statements)
        return try newCount() - before
    }

    private func newCount() throws(SessionStorageError) -> Int {
        Int(try session.rows("SELECT count(*) FROM pending_replies WHERE stage = ?", [.integer(QueueStage.new.rawValue)]).first?.first?.integer ?? 0)
    }

    /// The rows the bot has not decided on yet (``QueueStage/new``), oldest first, with the date each message was sent.
    func undecided() throws(SessionStorageError) -> [(reply: PendingReply, date: Int32)] {
        try session.rows(
            "SELECT user_id, message_id, text, random_id, received, date FROM pending_replies WHERE stage = ? ORDER BY message_id",
            [.integer(QueueStage.new.rawValue)]
        ).compactMap { (row: [SQLiteValue]) -> (reply: PendingReply, date: Int32)? in
            guard let user = row[0].integer, let message = row[1].integer, let text = row[2].text, let random = row[3].integer,
                  let received = row[4].number else { return nil }
            let reply: PendingReply = PendingReply(
                userID: user, messageID: Int32(truncatingIfNeeded: message), text: text, randomID: random, received: Date(timeIntervalSince1970: received))
            return (reply, Int32(truncatingIfNeeded: row[5].integer ?? 0))
        }
    }

    /// Stores the bot's decisions on undecided rows in one transaction: `accepted` wait for their
    /// reply, `skipped` leave the queue with the reason.
    func decide(accepted: [PendingReply], skipped: [SkippedMessage]) throws(SessionStorageError) {
        var statements: [(sql: String, values: [SQLiteValue])] = []
        for reply in accepted {
            statements.append((
                "UPDATE pending_replies SET stage = ? WHERE user_id = ? AND message_id = ?",
                [.integer(QueueStage.queued.rawValue), .integer(reply.userID), .integer(Int64(reply.messageID))]))
        }
        for message in skipped {
            statements.append((
                "DELETE FROM pending_replies WHERE user_id = ? AND message_id = ?", [.integer(message.userID), .integer(Int64(message.messageID))]))
            statements.append(Self.skipStatement(message))
        }
        guard !statements.isEmpty else { return }
        try session.transaction(statements)
    }

    /// Records that the recovery from the dialogs is done, in one transaction: the rows held
    /// meanwhile that the recovery did not read become undecided (``QueueStage/new``) and move what
    /// was handled; those it read already are dropped.
    public func setDialogRecoveryDone() throws(SessionStorageError) {
        let held: Int64 = QueueStage.held.rawValue
        try session.transaction([
            ("DELETE FROM bot_values WHERE name = ?", [.text(Self.recoveryDueName)]),
            ("""
             DELETE FROM pending_replies WHERE stage = ? AND message_id <=
                 coalesce((SELECT message_id FROM last_handled WHERE last_handled.user_id = pending_replies.user_id), 0)
             """, [.integer(held)]),
            ("""
             INSERT INTO last_handled (user_id, message_id) SELECT user_id, max(message_id) FROM pending_replies WHERE stage = ? GROUP BY user_id
             ON CONFLICT(user_id) DO UPDATE SET message_id = max(message_id, excluded.message_id)
             """, [.integer(held)]),
            ("UPDATE pending_replies SET stage = ? WHERE stage = ?", [.integer(QueueStage.new.rawValue), .integer(held)]),
        ])
    }
}

import Foundation
import MTProto
import Telegram
import TLSchema

/// The commit hook the bot sets on its client store (``Telegram/SQLiteClientStore/setCommitHook(_:)``):
/// every incoming private text message of a committed batch gets its row in the reply queue in the
/// very transaction that stores the update state past it, so no crash can lose it or queue it twice.
///
/// The hook only writes what a message is (sender, id, text, date) with a fixed random_id, as
/// stage ``QueueStage/new``; the bot decides on the row afterwards (``Userbot``: the reply policy,
/// the age, the owner's activity, the limits) and moves it to ``QueueStage/queued`` or into the
/// skipped messages. A message at or below the sender's last handled id is not written again.
/// After `updates.differenceTooLong` the hook stores that a recovery from the dialogs is due, in
/// the same transaction; until it is done new rows are ``QueueStage/held`` and do not move what
/// was handled, so the recovery reads every missed message above it.
enum ReplyQueueHook {
    /// The hook: the statements for `changes`, with fresh random_ids from `entropy`.
    static func make(entropy: any EntropySource) -> SQLiteClientStore.CommitHook {
        { (changes: StoreChanges, transaction: inout ClientStoreTransaction) in
            guard let batch = changes.updates else { return }
            for statement in statements(for: batch, now: Date(), randomID: { entropy.randomInt64() }) {
                transaction.execute(statement.sql, statement.values)
            }
        }
    }

    /// The statements that queue the messages of `batch` (and store a recovery it makes due).
    static func statements(
        for batch: UpdateBatch, now: Date, randomID: () -> Int64
    ) -> [(sql: String, values: [SQLiteValue])] {
        var out: [(sql: String, values: [SQLiteValue])] = []
        for case .differenceTooLong in batch.notices {
            out.append(BotStorage.setValue(BotStorage.recoveryDueName, 1))
        }
        for update in batch.updates {
            guard case .updateNewMessage(let u) = update, let message = NewMessage(u.message), let user = message.privateSender else { continue }
            out += BotStorage.queueStatements(userID: user, message: message, randomID: randomID(), received: now, fromRecovery: false)
        }
        return out
    }
}

/// Where a row of the reply queue (`pending_replies.stage`) is.
enum QueueStage: Int64 {
    /// Written by the commit hook; the bot has not decided on it yet.
    case new = 0
    /// Accepted: it waits for its reply (rows of older session files are all here).
    case queued = 1
    /// Arrived while a recovery from the dialogs was due: decided once the recovery is done.
    case held = 2
}

import Logging
import Telegram

/// The bot's client store: the session file's ``Telegram/SQLiteClientStore`` (with the reply
/// queue's commit hook), whose failed commits are logged to errors.log before the updates engine
/// goes back to the stored state and fetches the difference again.
struct LoggingClientStore: ClientStore {
    let store: SQLiteClientStore
    let logger: Logger

    init(_ store: SQLiteClientStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func updatesState() throws -> UpdatesState? { try store.updatesState() }
    func peer(_ id: PeerID) throws -> Peer? { try store.peer(id) }
    func peer(username: String) throws -> Peer? { try store.peer(username: username) }
    func peer(phone: String) throws -> Peer? { try store.peer(phone: phone) }
    func selfUserID() throws -> Int64? { try store.selfUserID() }

    func commit(_ changes: StoreChanges) throws {
        do {
            try store.commit(changes)
        } catch {
            let messages: Int = changes.updates?.updates.count ?? 0
            logger.error("could not save the update state; \(messages) update(s) come again with the next difference: \(error)")
            throw error
        }
    }
}

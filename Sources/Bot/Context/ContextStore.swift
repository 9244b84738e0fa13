import Foundation
import Logging
import MTProto

/// The context memory with its persistence and dumps: an exchange is written to the session file
/// together with the completion of its reply; every `dumpEvery` stored exchanges the whole memory
/// is dumped to JSON. The count at the last dump is stored too, so a dump that a crash prevented
/// is written on the next start (``writeMissedDump()``): never lost, at worst written twice.
public actor ContextStore {
    private var memory: ContextMemory
    private let storage: BotStorage?
    private let dumper: ContextDumper?
    private let logger: Logger

    /// `storage` nil keeps the memory in this process only; `dumper` nil writes no dumps.
    public init(memory: ContextMemory, storage: BotStorage?, dumper: ContextDumper?, logger: Logger) {
        self.memory = memory
        self.storage = storage
        self.dumper = dumper
        self.logger = logger
    }

    /// The seed's `messagesForOpenAI(userId)`: stored pairs, oldest first.
    public func messagesForOpenAI(userID: Int64) -> [ChatMessage] {
        memory.messagesForOpenAI(userID: userID)
    }

    /// The whole memory (tests and dumps).
    public var snapshot: ContextMemory { memory }

    /// The seed's `addExchange`: stores the pair (durably, and completing `reply` in the same
    /// transaction) and dumps the memory when a dump is due.
    public func addExchange(
        userID: Int64, userMessage: String, assistantMessage: String, username: String? = nil, phone: String? = nil,
        completing reply: PendingReply? = nil
    ) throws {
        var updated: ContextMemory = memory
        let dumpDue: Bool = updated.addExchange(
            userID: userID, Exchange(user: userMessage, assistant: assistantMessage, datetime: Date(), username: username, phone: phone))
        try storage?.commit(exchanges: updated.exchanges[userID] ?? [], userID: userID, storedCount: updated.storedCount, completing: reply)
        memory = updated
        if dumpDue { dump() }
    }

    /// Writes the dump that was due when the process last stopped, if it was not written (the
    /// process was killed between storing an exchange and writing the dump, or the write failed).
    public func writeMissedDump() {
        guard let storage, dumper != nil, let dumped = try? storage.dumpedExchangeCount() else { return }
        let every: Int64 = Int64(memory.dumpEvery)
        if memory.storedCount / every > dumped / every { dump() }
    }

    private func dump() {
        guard let dumper else { return }
        do {
            let file: URL = try dumper.write(try memory.dumpJSON())
            logger.info("context dumped to \(file.path)")
        } catch {
            logger.error("could not write the context dump: \(error)")
            return
        }
        do {
            try storage?.setDumpedExchangeCount(memory.storedCount)
        } catch {
            logger.error("could not record the context dump: \(error)")
        }
    }
}

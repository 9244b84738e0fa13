import Foundation
import Logging
import MTProto

/// The context memory with its persistence and dumps. The session file is the source: only the
/// people who wrote recently are kept in RAM (``recentPeople``, and at most ``recentBytes`` of their
/// text; the least recently used dropped first),
/// anyone else is read from the file when they write. An exchange is written together with the
/// completion of its reply; every `dumpEvery` stored exchanges the whole store is dumped to JSON,
/// streamed from the session file by a background task, off the path that answers people. The
/// count at the last dump is stored, so a dump that a crash prevented is written on the next start
/// (``writeMissedDump()``): never lost, at worst written twice.
public actor ContextStore {
    /// How many people's exchanges stay in RAM (ignored without storage: then everything stays).
    public let recentPeople: Int
    /// How much text (UTF-8 bytes of both sides of the kept exchanges) stays in RAM at most.
    public let recentBytes: Int

    /// The people in RAM, with the 10-pair rule and the global count that makes dumps due.
    private var memory: ContextMemory
    private let storage: BotStorage?
    private let dumper: ContextDumper?
    private let logger: Logger
    private var lastUse: [Int64: UInt64] = [:]
    private var sizes: [Int64: Int] = [:]
    private var bytesInMemory: Int = 0
    private var useCounter: UInt64 = 0
    private var dumpTask: Task<Void, Never>?
    private var dumpAgain: Bool = false

    /// `storage` nil keeps the memory in this process only; `dumper` nil writes no dumps. A `limit`
    /// (exchanges per person) or `dumpEvery` below 1 counts as 1.
    public init(
        storage: BotStorage?, dumper: ContextDumper?, logger: Logger, limit: Int = 10, dumpEvery: Int = 10, recentPeople: Int = 1000,
        recentBytes: Int = 16 << 20
    ) throws {
        self.recentBytes = max(1, recentBytes)
        self.storage = storage
        self.dumper = dumper
        self.logger = logger
        self.recentPeople = max(1, recentPeople)
        memory = ContextMemory(limit: limit, dumpEvery: dumpEvery, exchanges: [:], storedCount: try storage?.storedExchangeCount() ?? 0)
    }

    /// The seed's `messagesForOpenAI(userId)`: stored pairs, oldest first, alternating user/assistant.
    public func messagesForOpenAI(userID: Int64) throws -> [ChatMessage] {
        try load(userID)
        return memory.messagesForOpenAI(userID: userID)
    }

    /// A person's stored exchanges, oldest first (from RAM, or read from the session file).
    public func exchanges(of userID: Int64) throws -> [Exchange] {
        try load(userID)
        return memory.exchanges[userID] ?? []
    }

    /// How many people's exchanges are in RAM now.
    public var peopleInMemory: Int { memory.exchanges.count }

    /// Exchanges stored since the beginning (persisted, so dumps keep their rhythm across restarts).
    public var exchangeCount: Int64 { memory.storedCount }

    /// The seed's `addExchange`: stores the pair (durably, completing `replies` in the same
    /// transaction; `ownMessages` are the ids of the sent reply and of what it quoted) and starts a
    /// dump when one is due.
    public func addExchange(
        userID: Int64, userMessage: String, assistantMessage: String, username: String? = nil, phone: String? = nil,
        completing replies: [PendingReply] = [], ownMessages: [Int32] = []
    ) throws {
        try load(userID)
        var updated: ContextMemory = memory
        let dumpDue: Bool = updated.addExchange(
            userID: userID, Exchange(user: userMessage, assistant: assistantMessage, datetime: Date(), username: username, phone: phone))
        try storage?.commit(
            exchanges: updated.exchanges[userID] ?? [], userID: userID, storedCount: updated.storedCount, completing: replies, ownMessages: ownMessages)
        memory = updated
        account(userID)
        if dumpDue { startDump() }
    }

    /// Starts the dump that was due when the process last stopped, if it was not written (the
    /// process was killed between storing an exchange and writing the dump, or the write failed).
    public func writeMissedDump() {
        guard let storage, dumper != nil, let dumped = try? storage.dumpedExchangeCount() else { return }
        let every: Int64 = Int64(memory.dumpEvery)
        if memory.storedCount / every > dumped / every { startDump() }
    }

    /// Waits for the dump being written, if any (a stop, and tests).
    public func dumpsWritten() async {
        while let task = dumpTask { await task.value }
    }

    /// Makes `userID` the most recently used person, reading their exchanges from the session file
    /// when they are not in RAM.
    private func load(_ userID: Int64) throws {
        useCounter += 1
        lastUse[userID] = useCounter
        guard memory.exchanges[userID] == nil, let storage else { return }
        memory.restore(userID: userID, try storage.exchanges(of: userID))
        account(userID)
    }

    /// Counts a person's text in RAM, then drops the least recently used others while more than
    /// ``recentPeople`` or ``recentBytes`` are held (never with storage absent: it is the only copy).
    private func account(_ userID: Int64) {
        let size: Int = (memory.exchanges[userID] ?? []).reduce(0) { $0 + $1.user.utf8.count + $1.assistant.utf8.count }
        bytesInMemory += size - (sizes[userID] ?? 0)
        sizes[userID] = size
        guard storage != nil else { return }
        while memory.exchanges.count > recentPeople || (bytesInMemory > recentBytes && memory.exchanges.count > 1) {
            guard let oldest = lastUse.filter({ $0.key != userID }).min(by: { $0.value < $1.value })?.key else { return }
            memory.forget(userID: oldest)
            lastUse[oldest] = nil
            bytesInMemory -= sizes.removeValue(forKey: oldest) ?? 0
        }
    }

    private func startDump() {
        guard let dumper else { return }
        if dumpTask != nil {
            dumpAgain = true
            return
        }
        let count: Int64 = memory.storedCount
        let inMemory: ContextMemory? = storage == nil ? memory : nil
        let source: BotStorage? = storage
        let log: Logger = logger
        dumpTask = Task.detached(priority: .background) { [weak self] in
            do {
                let file: URL
                if let source { file = try dumper.write(from: source) } else { file = try dumper.write(try (inMemory ?? ContextMemory()).dumpJSON()) }
                log.info("context dumped to \(file.path)")
                try source?.setDumpedExchangeCount(count)
            } catch {
                log.error("could not write the context dump: \(error)")
            }
            await self?.dumpFinished()
        }
    }

    private func dumpFinished() {
        dumpTask = nil
        if dumpAgain {
            dumpAgain = false
            startDump()
        }
    }
}

import Foundation

/// The per-user memory of the original plan as a plain value: at most `limit` exchanges per user
/// id, oldest dropped first, and a global count of stored exchanges that triggers a dump every
/// `dumpEvery` of them.
public struct ContextMemory: Sendable, Equatable {
    /// Exchanges kept per user.
    public let limit: Int
    /// A dump is due after this many stored exchanges (counted across all users).
    public let dumpEvery: Int
    /// Each user's exchanges by user id, oldest first, at most ``limit`` per user.
    public private(set) var exchanges: [Int64: [Exchange]] = [:]
    /// Exchanges stored since the beginning (persisted, so dumps keep their rhythm across restarts).
    public private(set) var storedCount: Int64 = 0

    /// An empty memory. A `limit` or `dumpEvery` below 1 counts as 1 (a dump is due when the stored
    /// count is a multiple of `dumpEvery`).
    public init(limit: Int = 10, dumpEvery: Int = 10) {
        self.limit = max(1, limit)
        self.dumpEvery = max(1, dumpEvery)
    }

    /// Restores a saved memory.
    public init(limit: Int = 10, dumpEvery: Int = 10, exchanges: [Int64: [Exchange]], storedCount: Int64) {
        self.init(limit: limit, dumpEvery: dumpEvery)
        self.exchanges = exchanges.mapValues { Array($0.suffix(self.limit)) }
        self.storedCount = storedCount
    }

    /// Stores an exchange; returns true when a dump is due.
    @discardableResult
    public mutating func addExchange(userID: Int64, _ exchange: Exchange) -> Bool {
        var list: [Exchange] = exchanges[userID] ?? []
        list.append(exchange)
        if list.count > limit { list.removeFirst(list.count - limit) }
        exchanges[userID] = list
        storedCount += 1
        return storedCount % Int64(dumpEvery) == 0
    }

    /// Puts a person's exchanges read from storage in memory (at most ``limit``, the newest); the
    /// stored count is unchanged.
    public mutating func restore(userID: Int64, _ list: [Exchange]) {
        exchanges[userID] = Array(list.suffix(limit))
    }

    /// Drops a person from memory (their exchanges stay in storage); the stored count is unchanged.
    public mutating func forget(userID: Int64) {
        exchanges[userID] = nil
    }

    /// The user's stored exchanges as alternating user/assistant messages, oldest first.
    public func messagesForOpenAI(userID: Int64) -> [ChatMessage] {
        (exchanges[userID] ?? []).flatMap { (exchange: Exchange) -> [ChatMessage] in
            [ChatMessage(role: "user", content: exchange.user), ChatMessage(role: "assistant", content: exchange.assistant)]
        }
    }

    /// The whole memory as the dump's JSON: `{"<user id>": [{"user", "assistant", "datetime",
    /// "username"?, "phone"?}, …]}`, datetimes in ISO 8601 (UTC), keys sorted.
    public func dumpJSON() throws -> Data {
        let encoder: JSONEncoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var byKey: [String: [Exchange]] = [:]
        for (user, list) in exchanges { byKey[String(user)] = list }
        return try encoder.encode(byKey)
    }
}

@testable import Bot
import Foundation
import Logging
import MTProto
import Telegram
import Testing

struct BotStorageTests {
    static func open() throws -> (BotStorage, String) {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("bot-\(UUID().uuidString).session").path
        return (try BotStorage(session: try SQLiteSessionStorage(path: path)), path)
    }

    @Test func aDumpThatACrashPreventedIsWrittenOnTheNextStart() async throws {
        let (storage, path): (BotStorage, String) = try Self.open()
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("dumps-\(UUID().uuidString)")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try? FileManager.default.removeItem(at: folder)
        }
        func dumpCount() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.count }
        let context: ContextStore = try ContextStore(
            storage: storage, dumper: ContextDumper(directory: folder), logger: Logger(label: "test"), dumpEvery: 2)
        try await context.addExchange(userID: 1, userMessage: "q1", assistantMessage: "a1")
        try await context.addExchange(userID: 1, userMessage: "q2", assistantMessage: "a2")
        await context.dumpsWritten()
        #expect(dumpCount() == 1)
        await context.writeMissedDump()
        await context.dumpsWritten()
        #expect(dumpCount() == 1)  // nothing missed
        // Killed after the fourth exchange was stored, before its dump was written:
        let exchanges: [Exchange] = try await context.exchanges(of: 1)
        try storage.commit(exchanges: exchanges + exchanges, userID: 1, storedCount: 4, completing: [])
        let restarted: ContextStore = try ContextStore(
            storage: storage, dumper: ContextDumper(directory: folder), logger: Logger(label: "test"), dumpEvery: 2)
        await restarted.writeMissedDump()
        await restarted.dumpsWritten()
        #expect(dumpCount() == 2)
        await restarted.writeMissedDump()
        await restarted.dumpsWritten()
        #expect(dumpCount() == 2)
        #expect(try storage.dumpedExchangeCount() == 4)
    }

    @Test func aSessionFileFromBeforeKeptAnswersGainsTheColumn() throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("old-\(UUID().uuidString).session").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let old: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        try old.execute("""
            CREATE TABLE pending_replies (user_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
                text TEXT NOT NULL, random_id INTEGER NOT NULL, received REAL NOT NULL, PRIMARY KEY (user_id, message_id))
            """)
        try old.execute("INSERT INTO pending_replies VALUES (5, 9, 'hi', -42, 1735689600.0)")
        let storage: BotStorage = try BotStorage(session: old)
        let queued: PendingReply = try #require(try storage.pendingReplies().first)
        #expect(queued.answer == nil)
        try storage.saveAnswer("hello", for: queued)
        #expect(try storage.pendingReplies().map(\.answer) == ["hello"])
        old.close()
    }

    @Test func queuedRepliesAndTheMemorySurviveReopening() throws {
        let (storage, path): (BotStorage, String) = try Self.open()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let received: Date = Date(timeIntervalSince1970: 1_735_689_600.25)
        let reply: PendingReply = PendingReply(userID: 5, messageID: 9, text: "hi", randomID: -42, received: received)
        storage.clientStore.setCommitHook(ReplyQueueHook.make(entropy: SystemEntropy()))
        try storage.clientStore.commit(StoreChanges(
            state: UpdatesState(pts: 3, qts: 0, date: 1, seq: 2, channels: [77: 8]),
            updates: UpdateBatch(updates: [ReplyQueueTests.incoming(9, from: 5, text: "hi")])))
        let undecided: [(reply: PendingReply, date: Int32)] = try storage.undecided()
        #expect(undecided.map(\.reply.messageID) == [9])
        try storage.decide(accepted: undecided.map(\.reply), skipped: [])
        let exchange: Exchange = Exchange(user: "q", assistant: "a", datetime: received, username: "ann")
        try storage.commit(exchanges: [exchange], userID: 6, storedCount: 1, completing: [])
        storage.session.close()

        let reopened: BotStorage = try BotStorage(session: try SQLiteSessionStorage(path: path))
        #expect(try reopened.pendingReplies().map(\.messageID) == [reply.messageID])
        #expect(try reopened.lastHandled(of: 5) == 9)
        #expect(try reopened.updateState() == UpdatesState(pts: 3, qts: 0, date: 1, seq: 2, channels: [77: 8]))
        let memory: ContextMemory = try reopened.contextMemory(limit: 10, dumpEvery: 10)
        #expect(memory.exchanges[6] == [exchange])
        #expect(memory.storedCount == 1)
        // Completing the reply removes it from the queue in the same transaction.
        try reopened.commit(exchanges: [exchange, exchange], userID: 5, storedCount: 3, completing: try reopened.pendingReplies())
        #expect(try reopened.pendingReplies().isEmpty)
    }

    @Test func repliesAreCutToTelegramsLimitInUTF16Units() {
        #expect(Userbot.prefix("hello", utf16Length: 10) == "hello")
        #expect(Userbot.prefix("abcdef", utf16Length: 4) == "abcd")
        // 👍🏽 is 4 UTF-16 units and one character: never split.
        let text: String = "ab👍🏽cd"
        #expect(Userbot.prefix(text, utf16Length: 5) == "ab")
        #expect(Userbot.prefix(text, utf16Length: 6) == "ab👍🏽")
        #expect(Userbot.prefix(String(repeating: "é", count: 5000), utf16Length: 4096).utf16.count == 4096)
    }
}

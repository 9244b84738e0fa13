@testable import Bot
import Foundation
import MTProto
import Telegram
import TLSchema
import Testing

/// The reply queue written by the client store's commit hook, and the migration of session files
/// from before the bot ran on `Telegram`.
struct ReplyQueueTests {
    typealias H = BotHarness

    static func incoming(_ id: Int32, from user: Int64, text: String, date: Int32 = 1_735_689_600) -> Api.Update {
        .updateNewMessage(Api.Update.UpdateNewMessage(
            message: .message(Api.Message.Message(
                id: id, fromId: .peerUser(Api.Peer.PeerUser(userId: user)), peerId: .peerUser(Api.Peer.PeerUser(userId: user)), date: date,
                message: text)),
            pts: 0, ptsCount: 0))
    }

    static func withStorage(_ body: (BotStorage) throws -> Void) throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("queue-\(UUID().uuidString).session").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        defer { session.close() }
        let storage: BotStorage = try BotStorage(session: session)
        storage.clientStore.setCommitHook(ReplyQueueHook.make(entropy: SystemEntropy()))
        try body(storage)
    }

    static func commit(_ storage: BotStorage, pts: Int32, _ updates: [Api.Update], notices: [UpdatesNotice] = []) throws {
        try storage.clientStore.commit(StoreChanges(
            state: UpdatesState(pts: pts, qts: 0, date: 1, seq: 0), updates: UpdateBatch(updates: updates, notices: notices)))
    }

    @Test func onlyIncomingPrivateTextIsQueuedWithTheStateAndNeverTwice() throws {
        try Self.withStorage { (storage: BotStorage) in
            let outgoing: Api.Update = .updateNewMessage(Api.Update.UpdateNewMessage(
                message: .message(Api.Message.Message(out: true, id: 11, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1, message: "mine")),
                pts: 0, ptsCount: 0))
            let group: Api.Update = .updateNewMessage(Api.Update.UpdateNewMessage(
                message: .message(Api.Message.Message(
                    id: 12, fromId: .peerUser(Api.Peer.PeerUser(userId: 5)), peerId: .peerChat(Api.Peer.PeerChat(chatId: 9)), date: 1, message: "all")),
                pts: 0, ptsCount: 0))
            let service: Api.Update = .updateNewMessage(Api.Update.UpdateNewMessage(
                message: .messageService(Api.Message.MessageService(
                    id: 13, fromId: .peerUser(Api.Peer.PeerUser(userId: 5)), peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1,
                    action: .messageActionHistoryClear)),
                pts: 0, ptsCount: 0))
            let channel: Api.Update = .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: .message(Api.Message.Message(id: 14, peerId: .peerChannel(Api.Peer.PeerChannel(channelId: 77)), date: 1, message: "post")),
                pts: 0, ptsCount: 0))
            try Self.commit(storage, pts: 5, [
                Self.incoming(10, from: 5, text: "hello"), outgoing, group, service, channel, Self.incoming(15, from: 6, text: "  \n "),
            ])
            #expect(try storage.updateState()?.pts == 5)
            #expect(try storage.undecided().map(\.reply.messageID) == [10])
            #expect(try storage.lastHandled(of: 5) == 10)
            // The same message again (a difference repeating it): not queued twice, even once decided.
            let first: PendingReply = try #require(try storage.undecided().first?.reply)
            try storage.decide(accepted: [first], skipped: [])
            try Self.commit(storage, pts: 6, [Self.incoming(10, from: 5, text: "hello")])
            #expect(try storage.undecided().isEmpty)
            #expect(try storage.pendingReplies().map(\.messageID) == [10])
            // A failed commit stores neither the state nor the row.
            try storage.session.execute("CREATE TRIGGER full BEFORE INSERT ON pending_replies BEGIN SELECT RAISE(ABORT, 'disk full'); END")
            #expect(throws: (any Error).self) { try Self.commit(storage, pts: 7, [Self.incoming(16, from: 5, text: "lost?")]) }
            #expect(try storage.updateState()?.pts == 6)
            #expect(try storage.lastHandled(of: 5) == 10)
        }
    }

    @Test func whileARecoveryIsDueNewMessagesAreHeldUntilItIsDone() throws {
        try Self.withStorage { (storage: BotStorage) in
            try Self.commit(storage, pts: 5, [Self.incoming(10, from: 5, text: "before")])
            try Self.commit(storage, pts: 90, [], notices: [.differenceTooLong(pts: 90)])
            #expect(try storage.dialogRecoveryDue())
            // Arrives before the recovery read the dialogs: held, and what was handled stays put.
            try Self.commit(storage, pts: 91, [Self.incoming(30, from: 5, text: "live")])
            #expect(try storage.undecided().map(\.reply.messageID) == [10])
            #expect(try storage.lastHandled(of: 5) == 10)
            // The recovery reads the missed message and the live one from the history.
            let missed: NewMessage = try #require(NewMessage(Api.Message.message(Api.Message.Message(
                id: 20, fromId: .peerUser(Api.Peer.PeerUser(userId: 5)), peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 2, message: "missed"))))
            var live: NewMessage = missed
            live.id = 30
            #expect(try storage.queueRecovered([missed, live], userID: 5) { 7 } == 2)
            try storage.setDialogRecoveryDone()
            #expect(try !storage.dialogRecoveryDue())
            #expect(try storage.undecided().map(\.reply.messageID) == [10, 20, 30])
            #expect(try storage.lastHandled(of: 5) == 30)
            // Held and not read by the recovery (it came after the history was read): released.
            try Self.commit(storage, pts: 92, [], notices: [.differenceTooLong(pts: 92)])
            try Self.commit(storage, pts: 93, [Self.incoming(40, from: 6, text: "later")])
            #expect(try storage.undecided().map(\.reply.messageID) == [10, 20, 30])
            try storage.setDialogRecoveryDone()
            #expect(try storage.undecided().map(\.reply.messageID) == [10, 20, 30, 40])
            #expect(try storage.lastHandled(of: 6) == 40)
        }
    }

    @Test func anOldSessionFilesStateAndPeersMoveIntoTheClientStore() throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("old-\(UUID().uuidString).session").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let old: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        // The tables of the bot before it ran on Telegram, as it left them.
        for sql in [
            "CREATE TABLE bot_values (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE channel_pts (channel INTEGER PRIMARY KEY, pts INTEGER NOT NULL)",
            """
            CREATE TABLE peers (kind INTEGER NOT NULL, id INTEGER NOT NULL, access_hash INTEGER NOT NULL,
                is_min INTEGER NOT NULL, username TEXT, phone TEXT, flags INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, id))
            """,
            "INSERT INTO bot_values VALUES ('pts', 120), ('qts', 3), ('date', 1735689600), ('seq', 44), ('self_user_id', 1000), ('stored_exchanges', 7)",
            "INSERT INTO channel_pts VALUES (77, 8)",
            // A contact (bit 5) that is a bot (bit 0), a min user, a channel.
            "INSERT INTO peers VALUES (0, 5, 111, 0, 'ann', '15550005', 33), (0, 6, 222, 1, NULL, NULL, 0), (2, 77, 333, 0, 'news', NULL, 0)",
        ] {
            try old.execute(sql)
        }
        let storage: BotStorage = try BotStorage(session: old)
        #expect(try storage.updateState() == UpdatesState(pts: 120, qts: 3, date: 1_735_689_600, seq: 44, channels: [77: 8]))
        #expect(try storage.selfUserID() == 1000)
        let ann: Peer = try #require(try storage.clientStore.peer(.user(5)))
        #expect(ann.accessHash == 111)
        #expect(ann.flags == [.contact, .bot])
        #expect(ann.username == "ann")
        #expect(ann.phone == "15550005")
        #expect(try storage.clientStore.peer(.user(6))?.isMin == true)
        #expect(try storage.clientStore.peer(username: "news")?.id == .channel(77))
        // The old rows are gone, the bot's own values kept; opening again changes nothing.
        let tables: [String] = try old.rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text }
        #expect(!tables.contains("peers") && !tables.contains("channel_pts"))
        #expect(try storage.storedExchangeCount() == 7)
        let again: BotStorage = try BotStorage(session: old)
        #expect(try again.updateState()?.pts == 120)
        old.close()
    }

    /// The process dies right after the engine committed a batch, before the bot saw it: the
    /// message is in the queue already (written in the commit), so the next run answers it. A
    /// queue written after the commit would lose it: the stored pts is past it.
    @Test func aCrashBetweenTheCommitAndTheBotLosesNoMessage() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let before: Int32 = try #require(try session.storage.updateState()?.pts)
        session.storage.clientStore.setCommitHook(ReplyQueueHook.make(entropy: SystemEntropy()))
        let client: TelegramClient = TelegramClient(mtproto: session.client, store: session.storage.clientStore)
        try await client.start()
        let id: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "are you there?")
        #expect(try await harness.eventually { (try session.storage.updateState()?.pts ?? 0) > before })
        await client.stop()  // the crash: no consumer ever saw the batch
        await session.close()
        let again: BotSession = try await harness.openSession()
        let bot: Userbot = try await harness.startBot(again)
        #expect(await harness.eventually { await harness.telegram.messages(from: H.botID).map(\.replyTo) == [id] })
        await bot.stop()
        await again.close()
        await harness.stop()
    }
}

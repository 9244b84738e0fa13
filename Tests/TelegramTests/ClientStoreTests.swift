import Foundation
import MTProto
import Telegram
import Testing

struct ClientStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).session").path
    }

    @Test func stateChannelsPeersAndSelfSurviveAReopen() throws {
        let path: String = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
            defer { session.close() }
            let store: SQLiteClientStore = try SQLiteClientStore(session: session)
            #expect(try store.updatesState() == nil)
            try store.commit(StoreChanges(
                state: UpdatesState(pts: 10, qts: 2, date: 1_700_000_000, seq: 4, channels: [77: 500, 78: 9]),
                peers: [Peer(id: .user(5), accessHash: 55, username: "Someone", phone: "15550005", name: "Some One", flags: [.bot, .contact])],
                selfUserID: 1000))
            try store.commit(StoreChanges(state: UpdatesState(pts: 11, qts: 2, date: 1_700_000_001, seq: 5, channels: [77: 501]), removedChannels: [78]))
        }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        defer { session.close() }
        let store: SQLiteClientStore = try SQLiteClientStore(session: session)
        #expect(try store.updatesState() == UpdatesState(pts: 11, qts: 2, date: 1_700_000_001, seq: 5, channels: [77: 501]))
        #expect(try store.selfUserID() == 1000)
        let peer: Peer? = try store.peer(.user(5))
        #expect(peer?.accessHash == 55)
        #expect(peer?.flags == [.bot, .contact])
        #expect(try store.peer(username: "@someone")?.id == .user(5))
        #expect(try store.peer(phone: "+1 555 0005")?.id == .user(5))
        // Ids of other kinds do not collide.
        #expect(try store.peer(.channel(5)) == nil)
    }

    @Test func applicationRowsCommitWithTheStateOrNotAtAll() throws {
        let path: String = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        defer { session.close() }
        let store: SQLiteClientStore = try SQLiteClientStore(session: session)
        try session.execute("CREATE TABLE app_queue (message INTEGER PRIMARY KEY, text TEXT NOT NULL)")

        // By hand: the app's row and the state in one transaction.
        try store.transaction { (transaction: inout ClientStoreTransaction) in
            transaction.apply(StoreChanges(state: UpdatesState(pts: 1, qts: 0, date: 1, seq: 1)))
            transaction.execute("INSERT INTO app_queue (message, text) VALUES (?, ?)", [.integer(1), .text("hello")])
        }
        #expect(try store.updatesState()?.pts == 1)
        #expect(try session.rows("SELECT count(*) FROM app_queue").first?.first?.integer == 1)

        // A failing statement of the app: the state is not advanced either.
        #expect(throws: SessionStorageError.self) {
            try store.transaction { (transaction: inout ClientStoreTransaction) in
                transaction.apply(StoreChanges(state: UpdatesState(pts: 2, qts: 0, date: 2, seq: 2)))
                transaction.execute("INSERT INTO app_queue (message, text) VALUES (?, ?)", [.integer(1), .text("duplicate key")])
            }
        }
        #expect(try store.updatesState()?.pts == 1)

        // The hook: every commit of the client carries the app's rows.
        store.setCommitHook { (changes: StoreChanges, transaction: inout ClientStoreTransaction) in
            guard let pts = changes.state?.pts else { return }
            transaction.execute("INSERT INTO app_queue (message, text) VALUES (?, ?)", [.integer(Int64(pts)), .text("at pts \(pts)")])
        }
        try store.commit(StoreChanges(state: UpdatesState(pts: 3, qts: 0, date: 3, seq: 3)))
        #expect(try session.rows("SELECT text FROM app_queue WHERE message = 3").first?.first?.text == "at pts 3")
        #expect(throws: SessionStorageError.self) { try store.commit(StoreChanges(state: UpdatesState(pts: 1, qts: 0, date: 4, seq: 4))) }
        #expect(try store.updatesState()?.pts == 3)
        // A hook that throws stops the commit too.
        struct Refused: Error {}
        store.setCommitHook { (_: StoreChanges, _: inout ClientStoreTransaction) in throw Refused() }
        #expect(throws: Refused.self) { try store.commit(StoreChanges(state: UpdatesState(pts: 9, qts: 0, date: 9, seq: 9))) }
        #expect(try store.updatesState()?.pts == 3)
    }
}

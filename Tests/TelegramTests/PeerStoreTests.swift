import Foundation
import MTProto
import Telegram
import TLSchema
import Testing

struct PeerStoreTests {
    static func user(_ id: Int64, hash: Int64?, min: Bool = false, username: String? = nil, bot: Bool = false, contact: Bool = false) -> Api.User {
        .user(Api.User.User(contact: contact, bot: bot, min: min, id: id, accessHash: hash, firstName: "U\(id)", username: username))
    }

    static func channel(_ id: Int64, hash: Int64?, min: Bool = false) -> Api.Chat {
        .channel(Api.Chat.Channel(megagroup: true, min: min, id: id, accessHash: hash, title: "Group \(id)", photo: .chatPhotoEmpty, date: 0))
    }

    static func message(_ id: Int32, from user: Int64, in channel: Int64) -> Api.Message {
        .message(Api.Message.Message(
            id: id, fromId: .peerUser(Api.Peer.PeerUser(userId: user)), peerId: .peerChannel(Api.Peer.PeerChannel(channelId: channel)), date: 1,
            message: "hi"))
    }

    static func withStore(_ body: (SQLiteClientStore) async throws -> Void) async throws {
        let path: String = FileManager.default.temporaryDirectory.appendingPathComponent("peers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        defer { session.close() }
        try await body(try SQLiteClientStore(session: session))
    }

    @Test func aMinUserNeverReplacesAFullOneButRefreshesItsName() async throws {
        try await Self.withStore { (store: SQLiteClientStore) in
            let peers: PeerStore = PeerStore(store: store)
            try await peers.learn(users: [Self.user(5, hash: 111, username: "old", contact: true)], chats: [])
            let changed: [Peer] = try await peers.learn(users: [Self.user(5, hash: 999, min: true, username: "new", bot: true)], chats: [])
            #expect(changed.map(\.accessHash) == [111])
            let peer: Peer? = try await peers.peer(.user(5))
            #expect(peer?.isMin == false)
            #expect(peer?.username == "new")
            // The identity flags come with the min user; the contact flag is kept from the full one.
            #expect(peer?.flags == [.bot, .contact])
            #expect(wire(try await peers.inputPeer(.user(5))) == wire(Api.InputPeer.inputPeerUser(Api.InputPeer.InputPeerUser(userId: 5, accessHash: 111))))
            // Stored as merged.
            #expect(try store.peer(.user(5))?.accessHash == 111)
            // Nothing new: nothing written.
            #expect(try await peers.learn(users: [Self.user(5, hash: 999, min: true, username: "new", bot: true)], chats: []).isEmpty)
        }
    }

    @Test func aMinPeerIsAddressedThroughTheMessageItWasSeenIn() async throws {
        try await Self.withStore { (store: SQLiteClientStore) in
            let peers: PeerStore = PeerStore(store: store)
            // Seen only as min, and in no message: not addressable.
            try await peers.learn(users: [Self.user(6, hash: 222, min: true)], chats: [])
            await #expect(throws: TelegramError.peerNotAddressable(.user(6))) { try await peers.inputPeer(.user(6)) }
            await #expect(throws: TelegramError.peerNotFound("user 7")) { try await peers.inputPeer(.user(7)) }
            // Seen as the sender of message 42 in a supergroup the account knows fully.
            try await peers.learn(users: [Self.user(6, hash: 222, min: true)], chats: [Self.channel(300, hash: 333)], messages: [Self.message(42, from: 6, in: 300)])
            let group: Api.InputPeer = .inputPeerChannel(Api.InputPeer.InputPeerChannel(channelId: 300, accessHash: 333))
            #expect(wire(try await peers.inputPeer(.user(6))) == wire(Api.InputPeer.inputPeerUserFromMessage(Api.InputPeer.InputPeerUserFromMessage(peer: group, msgId: 42, userId: 6))))
            #expect(wire(try await peers.inputUser(6)) == wire(Api.InputUser.inputUserFromMessage(Api.InputUser.InputUserFromMessage(peer: group, msgId: 42, userId: 6))))
            // The context survives a restart (a new peer store over the same file).
            let reopened: PeerStore = PeerStore(store: store)
            #expect(try await reopened.peer(.user(6))?.minContext == MinContext(chat: .channel(300), messageID: 42))
            // A min channel seen forwarded in the group is addressed the same way.
            let forward: Api.Message = .message(Api.Message.Message(
                id: 43, fromId: .peerUser(Api.Peer.PeerUser(userId: 6)), peerId: .peerChannel(Api.Peer.PeerChannel(channelId: 300)),
                fwdFrom: Api.MessageFwdHeader(fromId: .peerChannel(Api.Peer.PeerChannel(channelId: 400)), date: 1), date: 2, message: ""))
            try await peers.learn(users: [], chats: [Self.channel(400, hash: 444, min: true)], messages: [forward])
            #expect(wire(try await peers.inputChannel(400)) == wire(Api.InputChannel.inputChannelFromMessage(Api.InputChannel.InputChannelFromMessage(peer: group, msgId: 43, channelId: 400))))
            // Once the full user arrives it replaces the min one and the context is dropped.
            try await peers.learn(users: [Self.user(6, hash: 666)], chats: [])
            #expect(wire(try await peers.inputPeer(.user(6))) == wire(Api.InputPeer.inputPeerUser(Api.InputPeer.InputPeerUser(userId: 6, accessHash: 666))))
            #expect(try store.peer(.user(6))?.minContext == nil)
        }
    }

    @Test func memoryIsBoundedAndTheStoreIsTheSource() async throws {
        try await Self.withStore { (store: SQLiteClientStore) in
            let peers: PeerStore = PeerStore(store: store, capacity: 10)
            try await peers.learn(users: (1 ... 50).map { Self.user($0, hash: $0 * 10) }, chats: [])
            #expect(await peers.cachedCount <= 10)
            #expect(try store.peerCount() == 50)
            for id: Int64 in [1, 25, 50] {
                #expect(try await peers.peer(.user(id))?.accessHash == id * 10)
            }
            #expect(await peers.cachedCount <= 10)
        }
    }

    @Test(arguments: [
        ("@person1", PeerReference.username("person1")), ("person1", .username("person1")), ("https://t.me/person1", .username("person1")),
        ("t.me/person1", .username("person1")), ("https://t.me/s/some_channel", .username("some_channel")),
        ("https://t.me/person1/123", .username("person1")), ("t.me/+15550002001", .phone("15550002001")),
        ("tg://resolve?domain=person1", .username("person1")), ("tg://resolve?phone=15550002001", .phone("15550002001")),
        ("+1 555 000-2001", .phone("15550002001")), ("+15550002001", .phone("15550002001")), ("me", .me), ("2001", .id(.user(2001))), ("-123", .id(.chat(123))),
        ("-1000000000777", .id(.channel(777))),
    ])
    func referencesParse(text: String, reference: PeerReference) {
        #expect(PeerReference(text) == reference)
    }

    @Test(arguments: ["", "@ab", "https://t.me/+AbCdEf123", "https://t.me/joinchat/AbCdEf", "https://example.com/person1", "1abc", "tg://join?invite=x"])
    func invitesAndNonsenseNameNoPeer(text: String) {
        #expect(PeerReference(text) == nil)
    }
}

import Bot
import TLSchema
import Testing

struct PeerCacheTests {
    static func user(_ id: Int64, hash: Int64, min: Bool = false, username: String? = nil) -> Api.User {
        .user(Api.User.User(min: min, id: id, accessHash: hash, username: username))
    }

    @Test func fullHashesAreKeptAndMinUsersNeverAddressed() {
        var cache: PeerCache = PeerCache()
        #expect(cache.learn(users: [Self.user(5, hash: 111)], chats: []).count == 1)
        // A min constructor never replaces the full hash, but may bring a newer username.
        let changed: [StoredPeer] = cache.learn(users: [Self.user(5, hash: 999, min: true, username: "new")], chats: [])
        #expect(changed.map(\.accessHash) == [111])
        #expect(cache.peer(.user, 5)?.username == "new")
        guard case .inputPeerUser(let peer)? = cache.inputUser(5) else {
            Issue.record("user 5 not addressable")
            return
        }
        #expect(peer.accessHash == 111)
        // Only ever seen as min: stored apart, not addressable.
        _ = cache.learn(users: [Self.user(6, hash: 222, min: true)], chats: [])
        #expect(cache.peer(.user, 6)?.isMin == true)
        #expect(cache.inputUser(6) == nil)
        // Nothing new: nothing to save.
        #expect(cache.learn(users: [Self.user(5, hash: 111)], chats: []).isEmpty)
    }

    @Test func idsOfDifferentKindsDoNotCollide() {
        var cache: PeerCache = PeerCache()
        _ = cache.learn(users: [Self.user(7, hash: 1)], chats: [
            .channel(Api.Chat.Channel(id: 7, accessHash: 2, title: "c", photo: .chatPhotoEmpty, date: 0)),
        ])
        #expect(cache.peer(.user, 7)?.accessHash == 1)
        #expect(cache.peer(.channel, 7)?.accessHash == 2)
    }
}

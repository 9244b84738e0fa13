import MTProto
import TLSchema

/// The client userbot authors program against: an ``MTProto/MTProtoClient`` for the connection, a
/// ``ClientStore`` for what survives a restart, and a ``PeerStore`` that learns every access hash
/// the account is sent. Every call goes through ``invoke(_:timeout:)``, which feeds the users and
/// chats of its result to the peer store.
public actor TelegramClient {
    /// The connection (flood waits, migrations and reconnects are handled there).
    public nonisolated let mtproto: MTProtoClient
    /// Where the update state, the peers and the self user are kept.
    public nonisolated let store: any ClientStore
    /// Every peer seen, with its access hash.
    public nonisolated let peers: PeerStore
    private var started: Bool = false
    private var selfUser: Peer?

    /// A client on `mtproto` keeping its state in `store`, with at most `peerCapacity` peers held in memory.
    public init(mtproto: MTProtoClient, store: any ClientStore, peerCapacity: Int = 10_000) {
        self.mtproto = mtproto
        self.store = store
        self.peers = PeerStore(store: store, capacity: peerCapacity)
    }

    /// Connects and makes sure the session is logged in: when Telegram answers the self-user query
    /// with `AUTH_KEY_UNREGISTERED`, `login` is run (see ``LoginMethod``; future auth tokens are kept
    /// in the store when it is a ``FutureAuthTokenStore``) and the query asked again; without
    /// `login`, that error is thrown. Returns the self user.
    @discardableResult
    public func start(login: LoginMethod? = nil) async throws -> Peer {
        try await mtproto.connect()
        started = true
        do {
            return try await me(refresh: true)
        } catch let error as RPCError where error.is(.authKeyUnregistered) {
            guard let login else { throw error }
            _ = try await login.run(on: mtproto, tokens: store as? any FutureAuthTokenStore)
            return try await me(refresh: true)
        }
    }

    /// Forgets the self user held in memory (after a logout).
    func forgetSelfUser() { selfUser = nil }

    /// Closes the connection; later calls fail with ``TelegramError/notStarted``.
    public func stop() async {
        started = false
        await mtproto.close()
    }

    /// Calls `function` and returns its typed result; users and chats it carries are learned first
    /// (see ``PeerCarrying``). Throws ``MTProto/RPCError`` for Telegram's errors (match them with
    /// ``MTProto/RPCError/is(_:)``) and ``TelegramError/notStarted`` before ``start(login:)``.
    public func invoke<F: TLFunction>(_ function: F, timeout: Duration? = nil) async throws -> F.Result {
        guard started else { throw TelegramError.notStarted }
        let result: F.Result = try await mtproto.invoke(function, timeout: timeout)
        if let carrier = result as? any PeerCarrying {
            let carried: CarriedPeers = carrier.carriedPeers
            try await peers.learn(users: carried.users, chats: carried.chats, messages: carried.messages)
        }
        return result
    }

    /// The logged-in user: asked once with `users.getUsers([inputUserSelf])`, then kept (and its id
    /// stored); `refresh` asks again.
    public func me(refresh: Bool = false) async throws -> Peer {
        if let selfUser, !refresh { return selfUser }
        let users: [Api.User] = try await invoke(Api.functions.users.GetUsers(id: [.inputUserSelf]))
        guard let user = users.first, let peer = Peer(user) else { throw TelegramError.unexpectedResult("users.getUsers gave no self user") }
        try store.commit(StoreChanges(selfUserID: peer.id.id))
        selfUser = peer
        return peer
    }
}

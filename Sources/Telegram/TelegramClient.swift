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
    private(set) var started: Bool = false
    private var selfUser: Peer?
    /// How the updates engine runs.
    public nonisolated let updatesOptions: UpdatesOptions
    nonisolated let updatesHub: UpdatesHub = UpdatesHub()
    nonisolated let connectionHub: ConnectionStateHub = ConnectionStateHub()
    var updatesDriver: UpdatesDriver?

    /// A client on `mtproto` keeping its state in `store`, with at most `peerCapacity` peers held
    /// in memory, running its updates engine as `updates` says.
    public init(mtproto: MTProtoClient, store: any ClientStore, peerCapacity: Int = 10_000, updates: UpdatesOptions = UpdatesOptions()) {
        self.mtproto = mtproto
        self.store = store
        self.peers = PeerStore(store: store, capacity: peerCapacity)
        self.updatesOptions = updates
        connectionHub.follow(mtproto.connectionStates)
    }

    /// Connects and makes sure the session is logged in: when Telegram answers the self-user query
    /// with `AUTH_KEY_UNREGISTERED`, `login` is run (see ``LoginMethod``; future auth tokens are kept
    /// in the store when it is a ``FutureAuthTokenStore``) and the query asked again; without
    /// `login`, that error is thrown. Then the updates engine starts (unless
    /// ``UpdatesOptions/startsWithClient`` is off). Returns the self user.
    @discardableResult
    public func start(login: LoginMethod? = nil) async throws -> Peer {
        try await mtproto.connect()
        started = true
        let user: Peer
        do {
            user = try await me(refresh: true)
        } catch let error as RPCError where error.is(.authKeyUnregistered) {
            guard let login else { throw error }
            _ = try await login.run(on: mtproto, tokens: store as? any FutureAuthTokenStore)
            user = try await me(refresh: true)
        }
        if updatesOptions.startsWithClient { try await startUpdates() }
        return user
    }

    /// Forgets the self user held in memory (after a logout).
    func forgetSelfUser() { selfUser = nil }

    /// Stops the updates engine (every ``updates(capacity:)`` and ``events(_:capacity:)`` stream
    /// ends) and closes the connection; later calls fail with ``TelegramError/notStarted``.
    public func stop() async {
        started = false
        await updatesDriver?.stop()
        updatesDriver = nil
        updatesHub.finishAll()
        await mtproto.close()
        connectionHub.publish(.closed)
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
        feedUpdates(function, result)
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

import TLSchema

/// Every peer the account has seen, with its access hash
/// ([peers](https://core.telegram.org/api/peers)): learned from each `users`/`chats` vector of a
/// result or update, merged so that a `min` constructor never replaces a full one, written through
/// to the ``ClientStore`` (the source), and held in memory only for the most recently used ones.
public actor PeerStore {
    private let store: any ClientStore
    private var recent: PeerLRU

    /// A peer store over `store`, holding at most `capacity` peers in memory.
    public init(store: any ClientStore, capacity: Int = 10_000) {
        self.store = store
        self.recent = PeerLRU(capacity: capacity)
    }

    /// How many peers are held in memory (at most the capacity).
    public var cachedCount: Int { recent.count }

    /// The peer with this id: from memory, else from the store.
    public func peer(_ id: PeerID) throws -> Peer? {
        if let peer = recent.get(id) { return peer }
        guard let peer = try store.peer(id) else { return nil }
        recent.put(peer)
        return peer
    }

    /// The stored peer with this username (without `@`, any case).
    public func peer(username: String) throws -> Peer? {
        guard let peer = try store.peer(username: username) else { return nil }
        recent.put(peer)
        return peer
    }

    /// The stored user with this phone number.
    public func peer(phone: String) throws -> Peer? {
        guard let peer = try store.peer(phone: phone) else { return nil }
        recent.put(peer)
        return peer
    }

    /// Merges the peers of one result or update; `messages` tell where each `min` peer was seen
    /// (its sender or forward source, in a group or channel). Returns the peers that changed, which
    /// were stored.
    @discardableResult
    public func learn(users: [Api.User], chats: [Api.Chat], messages: [Api.Message] = []) throws -> [Peer] {
        let changed: [Peer] = try merge(users: users, chats: chats, messages: messages)
        if !changed.isEmpty { try store.commit(StoreChanges(peers: changed)) }
        return changed
    }

    /// Like ``learn(users:chats:messages:)`` but without storing: returns the changed peers for
    /// the caller to commit with its own changes (the update state they came with). Memory holds
    /// them already.
    public func merge(users: [Api.User], chats: [Api.Chat], messages: [Api.Message] = []) throws -> [Peer] {
        var seen: [PeerID: Peer] = [:]
        for peer in users.compactMap(Peer.init) + chats.compactMap(Peer.init) { seen[peer.id] = peer }
        // Only `min` peers take a message as their context: without one, no message is looked at.
        let anyMin: Bool = seen.values.contains(where: \.isMin)
        for message in messages where anyMin {
            for (author, context) in Self.minReferences(in: message) where seen[author]?.isMin ?? false {
                seen[author]?.minContext = context
            }
        }
        var changed: [Peer] = []
        for (id, newer) in seen {
            let known: Peer? = try peer(id)
            let merged: Peer = known.map { $0.merged(with: newer) } ?? newer
            if known != merged { changed.append(merged) }
            recent.put(merged)
        }
        return changed
    }

    /// Stores `peer` as it is (no merge), replacing the stored one.
    public func save(_ peer: Peer) throws {
        try store.commit(StoreChanges(peers: [peer]))
        recent.put(peer)
    }

    /// The senders and forward sources of a message in a group or channel, with the message as the
    /// context they can be addressed through.
    private static func minReferences(in message: Api.Message) -> [(PeerID, MinContext)] {
        let chat: PeerID
        let id: Int32
        var authors: [PeerID] = []
        switch message {
        case .message(let m):
            chat = PeerID(m.peerId)
            id = m.id
            if let from = m.fromId { authors.append(PeerID(from)) }
            if let from = m.fwdFrom?.fromId { authors.append(PeerID(from)) }
        case .messageService(let m):
            chat = PeerID(m.peerId)
            id = m.id
            if let from = m.fromId { authors.append(PeerID(from)) }
        case .messageEmpty:
            return []
        }
        if case .user = chat { return [] }
        return authors.filter { $0 != chat }.map { ($0, MinContext(chat: chat, messageID: id)) }
    }

    /// How to address the peer: by its access hash when a full one is known, through the message it
    /// was seen in when only a `min` one is (`inputPeerUserFromMessage`,
    /// `inputPeerChannelFromMessage`). Throws ``TelegramError/peerNotFound(_:)`` for an unknown
    /// peer and ``TelegramError/peerNotAddressable(_:)`` for a `min` one without a usable message.
    public func inputPeer(_ id: PeerID) throws -> Api.InputPeer {
        try inputPeer(id, depth: 0)
    }

    private func inputPeer(_ id: PeerID, depth: Int) throws -> Api.InputPeer {
        if case .chat(let chat) = id { return .inputPeerChat(Api.InputPeer.InputPeerChat(chatId: chat)) }
        guard let peer = try peer(id) else { throw TelegramError.peerNotFound("\(id)") }
        if !peer.isMin {
            switch id {
            case .user(let user): return .inputPeerUser(Api.InputPeer.InputPeerUser(userId: user, accessHash: peer.accessHash))
            case .channel(let channel): return .inputPeerChannel(Api.InputPeer.InputPeerChannel(channelId: channel, accessHash: peer.accessHash))
            case .chat: break
            }
        }
        // The chat of the context may itself be known only as min: follow it a few steps at most.
        guard let context = peer.minContext, depth < 3, let chat = try? inputPeer(context.chat, depth: depth + 1) else {
            throw TelegramError.peerNotAddressable(id)
        }
        switch id {
        case .user(let user):
            return .inputPeerUserFromMessage(Api.InputPeer.InputPeerUserFromMessage(peer: chat, msgId: context.messageID, userId: user))
        case .channel(let channel):
            return .inputPeerChannelFromMessage(Api.InputPeer.InputPeerChannelFromMessage(peer: chat, msgId: context.messageID, channelId: channel))
        case .chat:
            throw TelegramError.peerNotAddressable(id)
        }
    }

    /// The user as an `InputUser` (see ``inputPeer(_:)``).
    public func inputUser(_ user: Int64) throws -> Api.InputUser {
        switch try inputPeer(.user(user)) {
        case .inputPeerUser(let p): return .inputUser(Api.InputUser.InputUser(userId: p.userId, accessHash: p.accessHash))
        case .inputPeerUserFromMessage(let p):
            return .inputUserFromMessage(Api.InputUser.InputUserFromMessage(peer: p.peer, msgId: p.msgId, userId: p.userId))
        default: throw TelegramError.peerNotAddressable(.user(user))
        }
    }

    /// The channel as an `InputChannel` (see ``inputPeer(_:)``).
    public func inputChannel(_ channel: Int64) throws -> Api.InputChannel {
        switch try inputPeer(.channel(channel)) {
        case .inputPeerChannel(let p): return .inputChannel(Api.InputChannel.InputChannel(channelId: p.channelId, accessHash: p.accessHash))
        case .inputPeerChannelFromMessage(let p):
            return .inputChannelFromMessage(Api.InputChannel.InputChannelFromMessage(peer: p.peer, msgId: p.msgId, channelId: p.channelId))
        default: throw TelegramError.peerNotAddressable(.channel(channel))
        }
    }
}

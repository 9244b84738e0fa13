import TLSchema

/// A peer by kind and id: user, basic group and channel ids are separate spaces that overlap, so
/// an id alone names nothing. Supergroups and gigagroups are channels.
public enum PeerID: Hashable, Sendable, CustomStringConvertible {
    /// A user (bots included).
    case user(Int64)
    /// A basic group (`chat`); needs no access hash.
    case chat(Int64)
    /// A channel, supergroup or gigagroup.
    case channel(Int64)

    /// The peer a `Peer` constructor names.
    public init(_ peer: Api.Peer) {
        switch peer {
        case .peerUser(let p): self = .user(p.userId)
        case .peerChat(let p): self = .chat(p.chatId)
        case .peerChannel(let p): self = .channel(p.channelId)
        }
    }

    /// The id within its kind.
    public var id: Int64 {
        switch self {
        case .user(let id), .chat(let id), .channel(let id): return id
        }
    }

    /// The peer as a `Peer` constructor.
    public var api: Api.Peer {
        switch self {
        case .user(let id): return .peerUser(Api.Peer.PeerUser(userId: id))
        case .chat(let id): return .peerChat(Api.Peer.PeerChat(chatId: id))
        case .channel(let id): return .peerChannel(Api.Peer.PeerChannel(channelId: id))
        }
    }

    /// The "marked" id of the Bot API and Telethon: users as they are, basic groups negated, channels
    /// as `-100…` (−(10¹² + id)).
    public var markedID: Int64 {
        switch self {
        case .user(let id): return id
        case .chat(let id): return -id
        case .channel(let id): return -(1_000_000_000_000 + id)
        }
    }

    /// The peer a marked id names (see ``markedID``).
    public init(markedID: Int64) {
        if markedID >= 0 {
            self = .user(markedID)
        } else if markedID <= -1_000_000_000_000 {
            self = .channel(-markedID - 1_000_000_000_000)
        } else {
            self = .chat(-markedID)
        }
    }

    public var description: String {
        switch self {
        case .user(let id): return "user \(id)"
        case .chat(let id): return "chat \(id)"
        case .channel(let id): return "channel \(id)"
        }
    }
}

import TLSchema

/// A chat of the simulated Telegram as a scripting call names it: a basic group or a channel
/// (supergroups are channels, as in Telegram).
public enum SimulatedChat: Hashable, Sendable {
    /// A basic group (`chat`).
    case group(Int64)
    /// A supergroup or broadcast channel (`channel`).
    case channel(Int64)
}

/// The bounds of the simulation: it is a test double, and everything it keeps per chat is capped.
public struct SimulatedLimits: Sendable, Equatable {
    /// Messages kept per channel, and events per account box; older ones are forgotten (history
    /// no longer has them, and a difference from before them is "too long").
    public var messagesPerChat: Int = 10_000
    /// `updates.getChannelDifference` from more than this many pts behind answers
    /// `channelDifferenceTooLong` (Telegram documents about 100,000; tests set a few).
    public var channelDifferenceTooLongGap: Int32 = 100_000
    /// Members of one group or channel.
    public var membersPerChat: Int = 10_000
    /// Messages of ``SimulatedTelegram/messages`` (the log of everything sent) kept.
    public var loggedMessages: Int = 100_000
    /// Bytes of uploads in progress and stored files held per account; a part past them answers
    /// `FILE_STORAGE_FULL` (a simulation limit: Telegram's own quotas are not documented).
    public var fileBytesPerAccount: Int64 = 512 * 1024 * 1024
    /// Uploads in progress per account; past them the oldest is forgotten.
    public var pendingUploadsPerAccount: Int = 64

    /// The default limits.
    public init() {}
}

/// A peer inside the simulation (a private chat partner, a basic group or a channel).
enum SimulatedPeer: Hashable, Sendable {
    case user(Int64)
    case chat(Int64)
    case channel(Int64)

    var api: Api.Peer {
        switch self {
        case .user(let id): return .peerUser(Api.Peer.PeerUser(userId: id))
        case .chat(let id): return .peerChat(Api.Peer.PeerChat(chatId: id))
        case .channel(let id): return .peerChannel(Api.Peer.PeerChannel(channelId: id))
        }
    }

    init(_ peer: Api.Peer) {
        switch peer {
        case .peerUser(let p): self = .user(p.userId)
        case .peerChat(let p): self = .chat(p.chatId)
        case .peerChannel(let p): self = .channel(p.channelId)
        }
    }

    var userID: Int64? {
        if case .user(let id) = self { return id }
        return nil
    }
}

/// What a new message holds, before it gets an id in a box or channel.
struct MessageDraft: Sendable {
    var sender: Int64
    var text: String
    var hasMedia: Bool = false
    /// A stored photo or document the message carries (its `file_reference` is the current one
    /// whenever the message is served).
    var media: SimulatedMedia? = nil
    /// The caption's or text's entities.
    var entities: [Api.MessageEntity]? = nil
    /// The album the message belongs to.
    var groupedID: Int64? = nil
    var replyTo: Int32? = nil
    var forwardHeader: Api.MessageFwdHeader? = nil
    /// A service message's action (then `text` is empty).
    var action: Api.MessageAction? = nil
    var date: Int32
}

/// A basic group: its members share no box; each member's common box holds its own copy of
/// every message (with its own id), as in Telegram.
struct SimulatedGroup: Sendable {
    var id: Int64
    var title: String
    var creator: Int64
    var date: Int32
    /// Members in the order they joined, with who added them and when.
    var members: [(user: Int64, inviter: Int64, date: Int32)]
    var version: Int32 = 1

    func isMember(_ user: Int64) -> Bool { members.contains { $0.user == user } }
}

/// One message of a channel (a post or a service message), stored once for every viewer.
struct ChannelPost: Sendable {
    var id: Int32
    var draft: MessageDraft
    var editDate: Int32? = nil
    /// The simulation-wide serial of its sending (orders dialogs and global search across chats).
    var origin: Int64 = 0
}

/// One pts step of a channel's own box.
struct ChannelEvent: Sendable {
    enum Kind: Sendable {
        case newPost(Int32)
        case edit(Int32)
        case delete([Int32])
        case pin([Int32], pinned: Bool)
    }

    var pts: Int32
    var kind: Kind
}

/// A supergroup or broadcast channel with its own pts box.
struct SimulatedChannel: Sendable {
    var id: Int64
    var title: String
    var isBroadcast: Bool
    var creator: Int64
    var username: String?
    var date: Int32
    /// Members in the order they joined, with who invited them and when.
    var members: [(user: Int64, inviter: Int64, date: Int32)] = []
    var banned: Set<Int64> = []
    var pts: Int32 = 1
    var nextID: Int32 = 1
    /// The messages kept, in id order (capped at ``SimulatedLimits/messagesPerChat``).
    var posts: [ChannelPost] = []
    /// The events kept, in pts order (capped likewise).
    var events: [ChannelEvent] = []
    /// The lowest pts whose updates are still known: a difference from below is too long.
    var horizon: Int32 = 0
    /// Per member: the highest message id read.
    var readInbox: [Int64: Int32] = [:]
    var pinned: [Int32] = []

    func isMember(_ user: Int64) -> Bool { members.contains { $0.user == user } }

    /// Takes the next pts for `kind`, forgetting the oldest posts and events past `limit`.
    mutating func appendEvent(_ kind: ChannelEvent.Kind, limit: Int) {
        pts += 1
        events.append(ChannelEvent(pts: pts, kind: kind))
        if events.count > limit {
            horizon = events[events.count - limit - 1].pts
            events.removeFirst(events.count - limit)
        }
        if posts.count > limit { posts.removeFirst(posts.count - limit) }
    }

    var isPublic: Bool { username != nil }

    func post(_ id: Int32) -> ChannelPost? {
        guard let index = index(of: id) else { return nil }
        return posts[index]
    }

    func index(of id: Int32) -> Int? {
        // Ids only grow: binary search.
        var low: Int = 0
        var high: Int = posts.count - 1
        while low <= high {
            let middle: Int = (low + high) / 2
            if posts[middle].id == id { return middle }
            if posts[middle].id < id { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }
}

/// The groups and channels of the simulation, and the per-account settings around them.
struct SimulatedRooms: Sendable {
    var groups: [Int64: SimulatedGroup] = [:]
    var channels: [Int64: SimulatedChannel] = [:]
    var nextChatID: Int64 = 5000
    /// A serial shared by every copy of one logical message across boxes (to find the copy of a
    /// message in another member's box).
    var nextOrigin: Int64 = 1
    /// Per account: the chats it archived (folder 1).
    var archived: [Int64: Set<SimulatedPeer>] = [:]
    var limits: SimulatedLimits = SimulatedLimits()
    /// Per account: the random_ids of forwards (deduplicated like sends).
    var forwardRandomIDs: [Int64: Set<Int64>] = [:]
}

import TLSchema

/// What kind of peer an id names (user, chat and channel ids overlap).
public enum PeerKind: Int, Sendable, Equatable, Hashable {
    case user = 0
    case chat = 1
    case channel = 2
}

/// A peer with what is needed to address it.
public struct StoredPeer: Sendable, Equatable {
    /// Which id space `id` belongs to (users, basic groups and channels overlap).
    public var kind: PeerKind
    /// The user, basic group or channel id within its kind.
    public var id: Int64
    /// The access hash used to address the peer; 0 for basic groups, which need none.
    public var accessHash: Int64
    /// From a `min` constructor: the hash is only good for profile photos.
    public var isMin: Bool
    /// The public username (without `@`), if any; a `min` constructor may update it.
    public var username: String?
    /// A user's phone number when Telegram shares it with the account; nil for groups and channels.
    public var phone: String?
    /// What Telegram says about a user (bot, scam, contact, …), as of the newest `user` seen; empty for chats.
    public var flags: PeerFlags

    /// `accessHash` 0 and `isMin` false for a basic group; `username`, `phone` and `flags` may be left out.
    public init(
        kind: PeerKind, id: Int64, accessHash: Int64, isMin: Bool, username: String? = nil, phone: String? = nil, flags: PeerFlags = []
    ) {
        self.kind = kind
        self.id = id
        self.accessHash = accessHash
        self.isMin = isMin
        self.username = username
        self.phone = phone
        self.flags = flags
    }
}

/// The flags of a Telegram `user` that decide whether the bot may answer it.
public struct PeerFlags: OptionSet, Sendable, Hashable {
    /// The stored bit pattern (the `flags` column of the peers table).
    public let rawValue: Int64

    /// Flags from their stored bit pattern; unknown bits are kept as they are.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// A bot account.
    public static let bot: PeerFlags = PeerFlags(rawValue: 1 << 0)
    /// An official Telegram support account.
    public static let support: PeerFlags = PeerFlags(rawValue: 1 << 1)
    /// Marked as a scam by Telegram.
    public static let scam: PeerFlags = PeerFlags(rawValue: 1 << 2)
    /// Marked as impersonating someone by Telegram.
    public static let fake: PeerFlags = PeerFlags(rawValue: 1 << 3)
    /// A deleted account.
    public static let deleted: PeerFlags = PeerFlags(rawValue: 1 << 4)
    /// In the account's contacts.
    public static let contact: PeerFlags = PeerFlags(rawValue: 1 << 5)
    /// In the account's contacts, and the account is in theirs.
    public static let mutualContact: PeerFlags = PeerFlags(rawValue: 1 << 6)
    /// Verified by Telegram.
    public static let verified: PeerFlags = PeerFlags(rawValue: 1 << 7)

    /// The flags that describe who the user is (a `min` user carries these reliably; contact flags it may not).
    static let identity: PeerFlags = [.bot, .support, .scam, .fake, .deleted, .verified]

    /// The flags a `user` constructor carries.
    public init(_ user: Api.User.User) {
        var flags: PeerFlags = []
        if user.bot { flags.insert(.bot) }
        if user.support { flags.insert(.support) }
        if user.scam { flags.insert(.scam) }
        if user.fake { flags.insert(.fake) }
        if user.deleted { flags.insert(.deleted) }
        if user.contact { flags.insert(.contact) }
        if user.mutualContact { flags.insert(.mutualContact) }
        if user.verified { flags.insert(.verified) }
        self = flags
    }
}

/// Access hashes from every `users`/`chats` vector (api-flows §9). A full hash is never replaced
/// by a `min` one; `min` users are kept apart and never used to address a user.
public struct PeerCache: Sendable {
    private var peers: [PeerKey: StoredPeer] = [:]

    private struct PeerKey: Hashable, Sendable {
        var kind: PeerKind
        var id: Int64
    }

    /// Starts from the peers saved earlier (``BotStorage/peers()``), taken as they are, without the `min` merge rules.
    public init(_ stored: [StoredPeer] = []) {
        for peer in stored { peers[PeerKey(kind: peer.kind, id: peer.id)] = peer }
    }

    /// A peer, if known.
    public func peer(_ kind: PeerKind, _ id: Int64) -> StoredPeer? { peers[PeerKey(kind: kind, id: id)] }

    /// The input peer to message a user: nil when only a `min` hash (or nothing) is known.
    public func inputUser(_ id: Int64) -> Api.InputPeer? {
        guard let peer = peers[PeerKey(kind: .user, id: id)], !peer.isMin else { return nil }
        return .inputPeerUser(Api.InputPeer.InputPeerUser(userId: id, accessHash: peer.accessHash))
    }

    /// Merges users and chats from a result or update; returns the peers that changed (to save).
    public mutating func learn(users: [Api.User], chats: [Api.Chat]) -> [StoredPeer] {
        var changed: [StoredPeer] = []
        for user in users {
            guard case .user(let u) = user else { continue }
            // Without an access hash (deleted accounts, some service users) the user cannot be
            // addressed, but its flags still count: kept like a `min` user.
            merge(
                StoredPeer(
                    kind: .user, id: u.id, accessHash: u.accessHash ?? 0, isMin: u.min || u.accessHash == nil, username: u.username,
                    phone: u.phone, flags: PeerFlags(u)),
                into: &changed)
        }
        for chat in chats {
            switch chat {
            case .chat(let c):
                merge(StoredPeer(kind: .chat, id: c.id, accessHash: 0, isMin: false), into: &changed)
            case .channel(let c):
                guard let hash = c.accessHash else { continue }
                merge(StoredPeer(kind: .channel, id: c.id, accessHash: hash, isMin: c.min, username: c.username), into: &changed)
            default:
                continue
            }
        }
        return changed
    }

    private mutating func merge(_ incoming: StoredPeer, into changed: inout [StoredPeer]) {
        let key: PeerKey = PeerKey(kind: incoming.kind, id: incoming.id)
        var merged: StoredPeer = incoming
        if let existing = peers[key] {
            if incoming.isMin && !existing.isMin {
                // Keep the full hash; a min constructor may still carry a newer username and who
                // the user is (bot, scam, …), but not reliably the contact flags.
                merged = existing
                merged.username = incoming.username ?? existing.username
                merged.flags = existing.flags.subtracting(PeerFlags.identity).union(incoming.flags.intersection(PeerFlags.identity))
            } else {
                merged.username = incoming.username ?? existing.username
                merged.phone = incoming.phone ?? existing.phone
            }
            if merged == existing { return }
        }
        peers[key] = merged
        changed.append(merged)
    }
}

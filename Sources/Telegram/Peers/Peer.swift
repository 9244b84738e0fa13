/// A user, basic group or channel with what is needed to address it and to tell who it is.
public struct Peer: Hashable, Sendable {
    /// Kind and id.
    public var id: PeerID
    /// The access hash; 0 for basic groups (they need none) and for users seen without one.
    public var accessHash: Int64
    /// Known only from a `min` constructor: ``accessHash`` cannot address it, ``minContext`` can.
    public var isMin: Bool
    /// The public username (without `@`), if any.
    public var username: String?
    /// A user's phone number, when Telegram shares it with the account.
    public var phone: String?
    /// A user's first and last name, or a group's or channel's title.
    public var name: String
    /// What Telegram says about the peer.
    public var flags: PeerFlags
    /// The newest message the peer was seen in while it was `min` (nil when not `min`, or not seen in one).
    public var minContext: MinContext?

    /// A peer; everything but the id may be left out.
    public init(
        id: PeerID, accessHash: Int64 = 0, isMin: Bool = false, username: String? = nil, phone: String? = nil, name: String = "",
        flags: PeerFlags = [], minContext: MinContext? = nil
    ) {
        self.id = id
        self.accessHash = accessHash
        self.isMin = isMin
        self.username = username
        self.phone = phone
        self.name = name
        self.flags = flags
        self.minContext = minContext
    }

    /// This peer after `newer` was seen: a `min` constructor never replaces a full one (it only
    /// refreshes the username, the name and the identity flags, as
    /// [min constructors](https://core.telegram.org/api/min) allow); a full one replaces anything.
    /// A `min` context is kept until a full constructor arrives.
    public func merged(with newer: Peer) -> Peer {
        if !newer.isMin {
            var full: Peer = newer
            full.minContext = nil
            return full
        }
        var out: Peer = self
        if newer.username != nil { out.username = newer.username }
        if !newer.name.isEmpty { out.name = newer.name }
        if case .user = id {
            out.flags = out.flags.subtracting(.identity).union(newer.flags.intersection(.identity))
        }
        if isMin {
            if newer.accessHash != 0 { out.accessHash = newer.accessHash }
            out.minContext = newer.minContext ?? minContext
        }
        return out
    }
}

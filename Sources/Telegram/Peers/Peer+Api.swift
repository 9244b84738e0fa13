import TLSchema

extension Peer {
    /// The peer a `User` constructor describes; nil for `userEmpty`. A user sent without an access
    /// hash cannot be addressed by one, so it is kept as `min`.
    public init?(_ user: Api.User) {
        guard case .user(let u) = user else { return nil }
        let name: String = [u.firstName, u.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        self.init(
            id: .user(u.id), accessHash: u.accessHash ?? 0, isMin: u.min || u.accessHash == nil,
            username: u.username ?? Self.activeUsername(u.usernames), phone: u.phone, name: name, flags: PeerFlags(u))
    }

    /// The peer a `Chat` constructor describes; nil for `chatEmpty` and communities (not a peer kind this layer addresses yet).
    public init?(_ chat: Api.Chat) {
        switch chat {
        case .chatEmpty, .community, .communityForbidden:
            return nil
        case .chat(let c):
            var flags: PeerFlags = []
            if c.creator { flags.insert(.creator) }
            if c.left { flags.insert(.left) }
            if c.deactivated { flags.insert(.deactivated) }
            self.init(id: .chat(c.id), name: c.title, flags: flags)
        case .chatForbidden(let c):
            self.init(id: .chat(c.id), name: c.title, flags: .forbidden)
        case .channel(let c):
            self.init(
                id: .channel(c.id), accessHash: c.accessHash ?? 0, isMin: c.min || c.accessHash == nil,
                username: c.username ?? Self.activeUsername(c.usernames), name: c.title, flags: PeerFlags(c))
        case .channelForbidden(let c):
            var flags: PeerFlags = .forbidden
            if c.broadcast { flags.insert(.broadcast) }
            if c.megagroup { flags.insert(.megagroup) }
            self.init(id: .channel(c.id), accessHash: c.accessHash, name: c.title, flags: flags)
        }
    }

    private static func activeUsername(_ usernames: [Api.Username]?) -> String? {
        for username in usernames ?? [] where username.active { return username.username }
        return nil
    }
}

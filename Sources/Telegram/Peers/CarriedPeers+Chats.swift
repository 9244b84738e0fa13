import TLSchema

extension Api.messages.ChatFull: PeerCarrying {
    /// The chat and its members.
    public var carriedPeers: CarriedPeers { CarriedPeers(users: users, chats: chats) }
}

extension Api.messages.Chats: PeerCarrying {
    /// The chats (both forms).
    public var carriedPeers: CarriedPeers {
        switch self {
        case .chats(let c): return CarriedPeers(chats: c.chats)
        case .chatsSlice(let c): return CarriedPeers(chats: c.chats)
        }
    }
}

extension Api.channels.ChannelParticipants: PeerCarrying {
    /// The members' users and chats; `channelParticipantsNotModified` carries none.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .channelParticipants(let p): return CarriedPeers(users: p.users, chats: p.chats)
        case .channelParticipantsNotModified: return CarriedPeers()
        }
    }
}

extension Api.messages.PeerDialogs: PeerCarrying {
    /// The dialogs' users, chats and top messages.
    public var carriedPeers: CarriedPeers { CarriedPeers(users: users, chats: chats, messages: messages) }
}

extension Api.messages.InvitedUsers: PeerCarrying {
    /// The peers of the `updates` it holds.
    public var carriedPeers: CarriedPeers { updates.carriedPeers }
}

extension Api.messages.ChatInviteJoinResult: PeerCarrying {
    /// The peers of the `updates` of a join (a web view answer carries its users).
    public var carriedPeers: CarriedPeers {
        switch self {
        case .chatInviteJoinResultOk(let r): return r.updates.carriedPeers
        case .chatInviteJoinResultWebView(let r): return CarriedPeers(users: r.users)
        }
    }
}

import TLSchema

/// The users, chats and messages a result or update brings: what the ``PeerStore`` learns from.
public struct CarriedPeers: Sendable {
    /// Users of the `users` vector.
    public var users: [Api.User]
    /// Basic groups and channels of the `chats` vector.
    public var chats: [Api.Chat]
    /// Messages, to tell where a `min` peer was seen.
    public var messages: [Api.Message]

    /// The given vectors; none unless given.
    public init(users: [Api.User] = [], chats: [Api.Chat] = [], messages: [Api.Message] = []) {
        self.users = users
        self.chats = chats
        self.messages = messages
    }
}

/// A result type that carries users or chats; ``TelegramClient/invoke(_:timeout:)`` feeds them
/// to the peer store.
public protocol PeerCarrying {
    /// The users, chats and messages it brings.
    var carriedPeers: CarriedPeers { get }
}

extension Api.Updates: PeerCarrying {
    /// The users and chats of `updates`/`updatesCombined` and the messages of its new and edited
    /// message updates; short forms carry none.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .updates(let u): return CarriedPeers(users: u.users, chats: u.chats, messages: u.updates.compactMap(Self.message))
        case .updatesCombined(let u): return CarriedPeers(users: u.users, chats: u.chats, messages: u.updates.compactMap(Self.message))
        default: return CarriedPeers()
        }
    }

    /// The message a new- or edited-message update holds.
    static func message(_ update: Api.Update) -> Api.Message? {
        switch update {
        case .updateNewMessage(let u): return u.message
        case .updateNewChannelMessage(let u): return u.message
        case .updateEditMessage(let u): return u.message
        case .updateEditChannelMessage(let u): return u.message
        default: return nil
        }
    }
}

extension Api.messages.Messages: PeerCarrying {
    /// Every form but `messagesNotModified` carries users, chats and messages.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .messages(let m): return CarriedPeers(users: m.users, chats: m.chats, messages: m.messages)
        case .messagesSlice(let m): return CarriedPeers(users: m.users, chats: m.chats, messages: m.messages)
        case .channelMessages(let m): return CarriedPeers(users: m.users, chats: m.chats, messages: m.messages)
        case .messagesNotModified: return CarriedPeers()
        }
    }
}

extension Api.messages.Dialogs: PeerCarrying {
    /// Every form but `dialogsNotModified` carries users, chats and the top messages.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .dialogs(let d): return CarriedPeers(users: d.users, chats: d.chats, messages: d.messages)
        case .dialogsSlice(let d): return CarriedPeers(users: d.users, chats: d.chats, messages: d.messages)
        case .dialogsNotModified: return CarriedPeers()
        }
    }
}

extension Api.contacts.ResolvedPeer: PeerCarrying {
    /// The resolved peer comes in `users` or `chats`.
    public var carriedPeers: CarriedPeers { CarriedPeers(users: users, chats: chats) }
}

extension Api.users.UserFull: PeerCarrying {
    /// The user (and chats its full info names).
    public var carriedPeers: CarriedPeers { CarriedPeers(users: users, chats: chats) }
}

extension Api.updates.Difference: PeerCarrying {
    /// The users, chats and new messages of a difference or a slice of one.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .difference(let d):
            return CarriedPeers(users: d.users, chats: d.chats, messages: d.newMessages + d.otherUpdates.compactMap(Api.Updates.message))
        case .differenceSlice(let d):
            return CarriedPeers(users: d.users, chats: d.chats, messages: d.newMessages + d.otherUpdates.compactMap(Api.Updates.message))
        case .differenceEmpty, .differenceTooLong: return CarriedPeers()
        }
    }
}

extension Api.updates.ChannelDifference: PeerCarrying {
    /// The users, chats and messages of a channel difference.
    public var carriedPeers: CarriedPeers {
        switch self {
        case .channelDifference(let d):
            return CarriedPeers(users: d.users, chats: d.chats, messages: d.newMessages + d.otherUpdates.compactMap(Api.Updates.message))
        case .channelDifferenceTooLong(let d): return CarriedPeers(users: d.users, chats: d.chats, messages: d.messages)
        case .channelDifferenceEmpty: return CarriedPeers()
        }
    }
}

extension Array: PeerCarrying where Element == Api.User {
    /// A `Vector<User>` (`users.getUsers`).
    public var carriedPeers: CarriedPeers { CarriedPeers(users: self) }
}

import TLSchema

/// Updates applied together, in order, with the users and chats that came with them (the
/// `users`/`chats` vectors of their container or difference). Messages fetched by a difference
/// arrive as `updateNewMessage` / `updateNewChannelMessage` with `pts` and `pts_count` 0.
public struct UpdateBatch: Sendable {
    /// The updates, in the order they apply.
    public var updates: [Api.Update]
    /// Users the updates mention.
    public var users: [Api.User]
    /// Basic groups and channels the updates mention.
    public var chats: [Api.Chat]
    /// What happened to the update state beside the updates (a difference too long, a channel reset
    /// or dropped).
    public var notices: [UpdatesNotice]

    /// A batch; empty unless given.
    public init(updates: [Api.Update] = [], users: [Api.User] = [], chats: [Api.Chat] = [], notices: [UpdatesNotice] = []) {
        self.updates = updates
        self.users = users
        self.chats = chats
        self.notices = notices
    }

    /// Nothing to hand to a consumer.
    public var isEmpty: Bool { updates.isEmpty && notices.isEmpty }

    mutating func append(_ update: Api.Update, users: [Api.User], chats: [Api.Chat]) {
        updates.append(update)
        add(users: users, chats: chats)
    }

    /// Adds peers once per vector (the same vector comes with every update of one container).
    mutating func add(users more: [Api.User], chats moreChats: [Api.Chat]) {
        if !more.isEmpty, users.count < 10_000 { users += more }
        if !moreChats.isEmpty, chats.count < 10_000 { chats += moreChats }
    }
}

/// A change of the update state an application may need to act on: updates it will never see.
public enum UpdatesNotice: Equatable, Sendable {
    /// `updates.differenceTooLong`: the common box jumped to `pts`; the events in between are in no
    /// difference. Refresh what you cache from `messages.getDialogs` / `messages.getHistory`.
    case differenceTooLong(pts: Int32)
    /// `updates.channelDifferenceTooLong`: the channel's box was reset to `pts` from its dialog;
    /// only its latest messages came (as new channel messages in this batch).
    case channelReset(channel: Int64, pts: Int32)
    /// The channel's box is no longer followed: the account left it, it became private or
    /// forbidden, or more channels are followed than the engine keeps.
    case channelDropped(channel: Int64, reason: ChannelDropReason)
    /// A channel's gap could not be fetched (its access hash is unknown): the buffered updates were
    /// applied and the rest of the gap skipped.
    case channelGapSkipped(channel: Int64)
}

/// Why a channel's box was dropped.
public enum ChannelDropReason: Equatable, Sendable {
    /// `updateChannel` with the channel `left` or `channelForbidden`.
    case left
    /// `updates.getChannelDifference` answered `CHANNEL_PRIVATE`, `CHANNEL_INVALID` or a ban.
    case unavailable
    /// More channels were followed than ``MessageBoxLimits/maximumChannels``; the one updated
    /// longest ago went (it is followed again from its next update).
    case evicted
}

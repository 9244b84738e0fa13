import TLSchema

/// One of the account's update sequences ([updates](https://core.telegram.org/api/updates)): the
/// common box (`pts`: private chats and basic groups), the secondary box (`qts`: secret chats and
/// some bot events), or one channel's own box (its `pts`).
public enum UpdateBox: Hashable, Sendable {
    /// Private chats and basic groups, counted by the account's `pts`.
    case common
    /// Secret chats and bot events, counted by `qts`.
    case secondary
    /// A channel or supergroup, counted by its own `pts`.
    case channel(Int64)
}

/// Where an update sits in its box: the box, the box's position after it, and how many events it is.
struct BoxPosition: Equatable, Sendable {
    var box: UpdateBox
    var pts: Int32
    var count: Int32
}

/// What an update means for the message box.
enum UpdateOrdering: Equatable, Sendable {
    /// It moves a box (checked against the local position).
    case positioned(BoxPosition)
    /// A channel has more than its updates say: fetch its difference (`updateChannelTooLong`).
    case channelTooLong(channel: Int64, pts: Int32?)
    /// A channel changed (`updateChannel`): it may have been left or become forbidden.
    case channelChanged(Int64)
    /// No counter (typing, status, `updateMessageID`, …): applied at once.
    case unordered
}

extension Api.Update {
    /// How the message box orders this update (api-flows §7.2).
    var ordering: UpdateOrdering {
        switch self {
        case .updateNewMessage(let u): return .common(u.pts, u.ptsCount)
        case .updateEditMessage(let u): return .common(u.pts, u.ptsCount)
        case .updateDeleteMessages(let u): return .common(u.pts, u.ptsCount)
        case .updateReadHistoryInbox(let u): return .common(u.pts, u.ptsCount)
        case .updateReadHistoryOutbox(let u): return .common(u.pts, u.ptsCount)
        case .updateReadMessagesContents(let u): return .common(u.pts, u.ptsCount)
        case .updateWebPage(let u): return .common(u.pts, u.ptsCount)
        case .updatePinnedMessages(let u): return .common(u.pts, u.ptsCount)
        case .updateFolderPeers(let u): return .common(u.pts, u.ptsCount)
        case .updateNewChannelMessage(let u): return Self.channel(of: u.message).map { .channel($0, u.pts, u.ptsCount) } ?? .unordered
        case .updateEditChannelMessage(let u): return Self.channel(of: u.message).map { .channel($0, u.pts, u.ptsCount) } ?? .unordered
        case .updateDeleteChannelMessages(let u): return .channel(u.channelId, u.pts, u.ptsCount)
        case .updatePinnedChannelMessages(let u): return .channel(u.channelId, u.pts, u.ptsCount)
        case .updateChannelWebPage(let u): return .channel(u.channelId, u.pts, u.ptsCount)
        case .updateReadChannelInbox(let u): return .channel(u.channelId, u.pts, 0)
        case .updateChannelTooLong(let u): return .channelTooLong(channel: u.channelId, pts: u.pts)
        case .updateChannel(let u): return .channelChanged(u.channelId)
        default: return qts.map { .secondary($0) } ?? .unordered
        }
    }

    /// The qts of the secondary-box updates (each counts one event).
    private var qts: Int32? {
        switch self {
        case .updateNewEncryptedMessage(let u): return u.qts
        case .updateMessagePollVote(let u): return u.qts
        case .updateChatParticipant(let u): return u.qts
        case .updateChannelParticipant(let u): return u.qts
        case .updateBotStopped(let u): return u.qts
        case .updateBotChatInviteRequester(let u): return u.qts
        case .updateBotChatBoost(let u): return u.qts
        case .updateBotMessageReaction(let u): return u.qts
        case .updateBotMessageReactions(let u): return u.qts
        case .updateBotBusinessConnect(let u): return u.qts
        case .updateBotNewBusinessMessage(let u): return u.qts
        case .updateBotEditBusinessMessage(let u): return u.qts
        case .updateBotDeleteBusinessMessage(let u): return u.qts
        case .updateBotPurchasedPaidMedia(let u): return u.qts
        default: return nil
        }
    }

    private static func channel(of message: Api.Message) -> Int64? {
        if case .channel(let id)? = message.chat { return id }
        return nil
    }
}

extension UpdateOrdering {
    fileprivate static func common(_ pts: Int32, _ count: Int32) -> UpdateOrdering {
        .positioned(BoxPosition(box: .common, pts: pts, count: count))
    }

    fileprivate static func channel(_ id: Int64, _ pts: Int32, _ count: Int32) -> UpdateOrdering {
        .positioned(BoxPosition(box: .channel(id), pts: pts, count: count))
    }

    fileprivate static func secondary(_ qts: Int32) -> UpdateOrdering {
        // A qts of 0 means "unordered".
        qts == 0 ? .unordered : .positioned(BoxPosition(box: .secondary, pts: qts, count: 1))
    }
}

import TLSchema

/// The account's update state (api-flows §7.1): the common box (`pts`), the secondary box
/// (`qts`), `date`, `seq`, and one pts per channel seen.
public struct UpdateState: Sendable, Equatable {
    /// The common box: position of the last applied message event (new messages, edits, deletions).
    public var pts: Int32
    /// The secondary box: position of the last applied secret-chat or bot update.
    public var qts: Int32
    /// The server's unix time (seconds) of this state; sent with `updates.getDifference`.
    public var date: Int32
    /// Sequence number of the last applied `updates`/`updatesCombined` container.
    public var seq: Int32
    /// The pts of each channel seen, by channel id (every channel has a box of its own).
    public var channels: [Int64: Int32]

    /// A state as stored (see ``BotStorage/updateState()``); no channel pts unless given.
    public init(pts: Int32, qts: Int32, date: Int32, seq: Int32, channels: [Int64: Int32] = [:]) {
        self.pts = pts
        self.qts = qts
        self.date = date
        self.seq = seq
        self.channels = channels
    }

    /// From `updates.getState` or a difference's `state`, keeping the channel pts.
    public init(_ state: Api.updates.State, channels: [Int64: Int32] = [:]) {
        self.init(pts: state.pts, qts: state.qts, date: state.date, seq: state.seq, channels: channels)
    }
}

/// A new message as the bot sees it, from any of the forms Telegram delivers one in.
public struct NewMessage: Sendable, Equatable {
    /// Where the message was posted: a private chat (the other user's id), a basic group, or a channel
    /// (supergroups included), each by its id.
    public enum Chat: Sendable, Equatable, Hashable {
        case user(Int64)
        case group(Int64)
        case channel(Int64)
    }

    /// The message id: counted per account in private chats and basic groups, per channel in channels.
    public var id: Int32
    /// Where it was posted; a private chat is named by the other user's id, for outgoing messages too.
    public var chat: Chat
    /// The sender's user id, when it is a user.
    public var senderID: Int64?
    /// Sent by this account (from any of its sessions), not received.
    public var isOutgoing: Bool
    /// The text, or the caption of a media message.
    public var text: String
    /// Carries media (photo, document, …); never set for short updates, which carry text only.
    public var hasMedia: Bool
    /// A service message (joins, pins, calls, …).
    public var isService: Bool
    /// When the message was sent: unix time in seconds.
    public var date: Int32
    /// The id of the message this one replies to, if any (same chat).
    public var replyToID: Int32?

    /// A message from already extracted fields (short updates); ``init(_:)`` converts a full `Message`.
    public init(
        id: Int32, chat: Chat, senderID: Int64?, isOutgoing: Bool, text: String, hasMedia: Bool, isService: Bool, date: Int32,
        replyToID: Int32? = nil
    ) {
        self.id = id
        self.chat = chat
        self.senderID = senderID
        self.isOutgoing = isOutgoing
        self.text = text
        self.hasMedia = hasMedia
        self.isService = isService
        self.date = date
        self.replyToID = replyToID
    }

    /// Converts a `Message`; nil for `messageEmpty`.
    public init?(_ message: Api.Message) {
        switch message {
        case .message(let m):
            let chat: Chat = Self.chat(m.peerId)
            var sender: Int64? = nil
            if case .peerUser(let p)? = m.fromId { sender = p.userId } else if m.fromId == nil, case .user(let id) = chat, !m.out { sender = id }
            self.init(
                id: m.id, chat: chat, senderID: sender, isOutgoing: m.out, text: m.message, hasMedia: m.media != nil, isService: false,
                date: m.date, replyToID: UpdatesEngine.replyToID(m.replyTo))
        case .messageService(let m):
            var sender: Int64? = nil
            if case .peerUser(let p)? = m.fromId { sender = p.userId }
            self.init(id: m.id, chat: Self.chat(m.peerId), senderID: sender, isOutgoing: m.out, text: "", hasMedia: false, isService: true, date: m.date)
        default:
            return nil
        }
    }

    static func chat(_ peer: Api.Peer) -> Chat {
        switch peer {
        case .peerUser(let p): return .user(p.userId)
        case .peerChat(let p): return .group(p.chatId)
        case .peerChannel(let p): return .channel(p.channelId)
        }
    }
}

import Foundation
import TLSchema

/// A new message as the bot sees it, from any of the forms Telegram delivers one in.
struct NewMessage: Sendable, Equatable {
    /// Where the message was posted: a private chat (the other user's id), a basic group, or a channel
    /// (supergroups included), each by its id.
    enum Chat: Sendable, Equatable, Hashable {
        case user(Int64)
        case group(Int64)
        case channel(Int64)
    }

    /// The message id: counted per account in private chats and basic groups, per channel in channels.
    var id: Int32
    /// Where it was posted; a private chat is named by the other user's id, for outgoing messages too.
    var chat: Chat
    /// The sender's user id, when it is a user.
    var senderID: Int64?
    /// Sent by this account (from any of its sessions), not received.
    var isOutgoing: Bool
    /// The text, or the caption of a media message.
    var text: String
    /// Carries media (photo, document, …); never set for short updates, which carry text only.
    var hasMedia: Bool
    /// A service message (joins, pins, calls, …).
    var isService: Bool
    /// When the message was sent: unix time in seconds.
    var date: Int32
    /// The id of the message this one replies to, if any (same chat).
    var replyToID: Int32?

    /// A message from already extracted fields (short updates); ``init(_:)`` converts a full `Message`.
    init(
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
    init?(_ message: Api.Message) {
        switch message {
        case .message(let m):
            let chat: Chat = Self.chat(m.peerId)
            var sender: Int64? = nil
            if case .peerUser(let p)? = m.fromId { sender = p.userId } else if m.fromId == nil, case .user(let id) = chat, !m.out { sender = id }
            self.init(
                id: m.id, chat: chat, senderID: sender, isOutgoing: m.out, text: m.message, hasMedia: m.media != nil, isService: false,
                date: m.date, replyToID: Self.replyToID(m.replyTo))
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

    static func replyToID(_ header: Api.MessageReplyHeader?) -> Int32? {
        if case .messageReplyHeader(let h)? = header { return h.replyToMsgId }
        return nil
    }

    /// The sender of an incoming private message with text, the only kind the bot may answer (not
    /// its own messages, not groups or channels, not service messages, not media without a caption,
    /// not a message in a private chat written by someone else than its user); nil for the rest.
    var privateSender: Int64? {
        guard case .user(let peer) = chat, !isOutgoing, !isService, let sender = senderID, sender == peer,
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return sender
    }
}

import TLSchema

/// Something happened to a chat: people joined or left, the title changed, a message was pinned.
public struct ChatActionEvent: Sendable {
    /// What happened.
    public enum Action: Equatable, Sendable {
        /// These users joined (added, or by link or request: then the actor).
        case joined([Int64])
        /// This user left or was removed.
        case left(Int64)
        /// The new title.
        case titleChanged(String)
        /// Messages pinned (or unpinned, `pinned` false); the ids when known.
        case pinned(messageIDs: [Int32], pinned: Bool)
    }

    /// The chat.
    public let chat: PeerID
    /// Who did it, when known.
    public let actor: PeerID?
    /// What happened.
    public let action: Action
    /// The service message that told, if it came as one.
    public let message: Api.Message?
}

extension ChatActionEvent {
    /// The chat action an update tells of.
    static func from(_ update: Api.Update) -> ChatActionEvent? {
        switch update {
        case .updateNewMessage(let u): return event(u.message)
        case .updateNewChannelMessage(let u): return event(u.message)
        case .updatePinnedMessages(let u):
            return ChatActionEvent(chat: PeerID(u.peer), actor: nil, action: .pinned(messageIDs: u.messages, pinned: u.pinned), message: nil)
        case .updatePinnedChannelMessages(let u):
            return ChatActionEvent(chat: .channel(u.channelId), actor: nil, action: .pinned(messageIDs: u.messages, pinned: u.pinned), message: nil)
        default: return nil
        }
    }

    private static func event(_ message: Api.Message) -> ChatActionEvent? {
        guard case .messageService(let m) = message else { return nil }
        let actor: PeerID? = m.fromId.map(PeerID.init)
        let action: ChatActionEvent.Action
        switch m.action {
        case .messageActionChatAddUser(let a): action = .joined(a.users)
        case .messageActionChatJoinedByLink, .messageActionChatJoinedByRequest:
            guard case .user(let id)? = actor else { return nil }
            action = .joined([id])
        case .messageActionChatDeleteUser(let a): action = .left(a.userId)
        case .messageActionChatEditTitle(let a): action = .titleChanged(a.title)
        case .messageActionPinMessage:
            var ids: [Int32] = []
            if case .messageReplyHeader(let h)? = m.replyTo, let id = h.replyToMsgId { ids = [id] }
            action = .pinned(messageIDs: ids, pinned: true)
        default: return nil
        }
        return ChatActionEvent(chat: PeerID(m.peerId), actor: actor, action: action, message: message)
    }
}

extension EventFilter where Self == UpdateFilter<ChatActionEvent> {
    /// Joins, leaves, title changes and pins.
    public static var chatAction: UpdateFilter<ChatActionEvent> {
        UpdateFilter { (update: Api.Update, _: TelegramClient) -> ChatActionEvent? in ChatActionEvent.from(update) }
    }
}

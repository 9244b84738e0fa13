import TLSchema

/// A new or edited message (service messages are ``ChatActionEvent``s).
public struct MessageEvent: Sendable {
    /// The message as Telegram sent it.
    public let message: Api.Message
    /// An edit (`updateEditMessage` / `updateEditChannelMessage`) rather than a new message.
    public let isEdit: Bool
    /// The chat it is in (a private chat is named by the other user).
    public let chat: PeerID
    /// Private, group or channel.
    public let chatKind: ChatKind
    /// Who sent it: `from_id`, else the other user of an incoming private message or the channel of
    /// a post; nil for an outgoing message without `from_id`.
    public let sender: PeerID?
    /// The sender as it came with the update, when it did.
    public let senderPeer: Peer?
    /// The client it arrived on (for ``reply(_:)`` and ``respond(_:)``).
    public let client: TelegramClient

    /// The id in its box.
    public var id: Int32 { message.messageID }
    /// The text (a caption for media).
    public var text: String { message.text }
    /// When it was sent (unix seconds).
    public var date: Int32 { message.date }
    /// Sent by this account.
    public var isOutgoing: Bool {
        if case .message(let m) = message { return m.out }
        return false
    }

    init?(_ message: Api.Message, isEdit: Bool, peers: BatchPeers, client: TelegramClient) {
        guard case .message(let m) = message else { return nil }
        let chat: PeerID = PeerID(m.peerId)
        var author: PeerID? = m.fromId.map(PeerID.init)
        if author == nil && !m.out {
            switch chat {
            case .user, .channel: author = chat
            case .chat: break
            }
        }
        let known: Peer?
        switch author {
        case .user(let id)?: known = peers.users[id]
        case .chat(let id)?, .channel(let id)?: known = peers.chats[id]
        case nil: known = nil
        }
        self.message = message
        self.isEdit = isEdit
        self.chat = chat
        self.chatKind = peers.kind(of: chat)
        self.sender = author
        self.senderPeer = known
        self.client = client
    }

    /// Answers in the same chat as a reply to this message.
    @discardableResult
    public func reply(_ text: String) async throws -> SentMessage {
        try await client.send(text, to: chat, replyTo: id)
    }

    /// Answers in the same chat, not as a reply.
    @discardableResult
    public func respond(_ text: String) async throws -> SentMessage {
        try await client.send(text, to: chat)
    }
}

/// One condition of a ``MessageFilter``. Conditions of the same kind are alternatives
/// (`.private, .group`: either), conditions of different kinds must all hold
/// (`.incoming, .private`: both).
public struct MessageCondition: Sendable {
    enum Kind: Hashable, Sendable {
        case direction, chatKind, sender, chat, text
    }

    let kind: Kind
    let test: @Sendable (MessageEvent) -> Bool

    /// Received, not sent by this account.
    public static let incoming: MessageCondition = MessageCondition(kind: .direction) { !$0.isOutgoing }
    /// Sent by this account (from any of its sessions).
    public static let outgoing: MessageCondition = MessageCondition(kind: .direction) { $0.isOutgoing }
    /// In a private chat.
    public static let `private`: MessageCondition = MessageCondition(kind: .chatKind) { $0.chatKind == .private }
    /// In a basic group or supergroup.
    public static let group: MessageCondition = MessageCondition(kind: .chatKind) { $0.chatKind == .group }
    /// In a broadcast channel.
    public static let channel: MessageCondition = MessageCondition(kind: .chatKind) { $0.chatKind == .channel }

    /// Sent by one of `senders`.
    public static func from(_ senders: PeerID...) -> MessageCondition { from(senders) }

    /// Sent by one of `senders`.
    public static func from(_ senders: [PeerID]) -> MessageCondition {
        let set: Set<PeerID> = Set(senders)
        return MessageCondition(kind: .sender) { $0.sender.map(set.contains) ?? false }
    }

    /// Posted in one of `chats`.
    public static func chats(_ chats: PeerID...) -> MessageCondition {
        let set: Set<PeerID> = Set(chats)
        return MessageCondition(kind: .chat) { set.contains($0.chat) }
    }

    /// The text contains `part`.
    public static func text(contains part: String) -> MessageCondition {
        MessageCondition(kind: .text) { $0.text.contains(part) }
    }

    /// The text satisfies `predicate`.
    public static func text(_ predicate: @escaping @Sendable (String) -> Bool) -> MessageCondition {
        MessageCondition(kind: .text) { predicate($0.text) }
    }

    /// The text contains a match of the regular expression `pattern` (Swift `Regex` syntax);
    /// throws for a pattern that does not compile.
    public static func pattern(_ pattern: String) throws -> MessageCondition {
        let regex: CompiledPattern = CompiledPattern(try Regex(pattern))
        return MessageCondition(kind: .text) { regex.matches($0.text) }
    }

    /// Whether `event` passes every kind of condition in `conditions`.
    static func all(_ conditions: [MessageCondition], pass event: MessageEvent) -> Bool {
        var passed: [Kind: Bool] = [:]
        for condition in conditions where passed[condition.kind] != true { passed[condition.kind] = condition.test(event) }
        return !passed.values.contains(false)
    }
}

/// A compiled regular expression; never mutated after creation, so shared between tasks.
private final class CompiledPattern: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }

    func matches(_ text: String) -> Bool { text.contains(regex) }
}

/// New or edited messages passing the conditions.
public struct MessageFilter: EventFilter {
    let edits: Bool
    let conditions: [MessageCondition]

    /// The messages of `batch` that pass.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [MessageEvent] {
        let peers: BatchPeers = BatchPeers(batch)
        return batch.updates.compactMap { (update: Api.Update) -> MessageEvent? in
            let message: Api.Message
            switch update {
            case .updateNewMessage(let u) where !edits: message = u.message
            case .updateNewChannelMessage(let u) where !edits: message = u.message
            case .updateEditMessage(let u) where edits: message = u.message
            case .updateEditChannelMessage(let u) where edits: message = u.message
            default: return nil
            }
            guard let event = MessageEvent(message, isEdit: edits, peers: peers, client: client),
                  MessageCondition.all(conditions, pass: event) else { return nil }
            return event
        }
    }
}

extension EventFilter where Self == MessageFilter {
    /// New messages passing every kind of condition: `.newMessage(.incoming, .private)`.
    public static func newMessage(_ conditions: MessageCondition...) -> MessageFilter {
        MessageFilter(edits: false, conditions: conditions)
    }

    /// Edited messages passing every kind of condition.
    public static func editedMessage(_ conditions: MessageCondition...) -> MessageFilter {
        MessageFilter(edits: true, conditions: conditions)
    }

    /// New messages passing every kind of condition, given as a list (built at run time).
    public static func newMessage(_ conditions: [MessageCondition]) -> MessageFilter {
        MessageFilter(edits: false, conditions: conditions)
    }

    /// Edited messages passing every kind of condition, given as a list.
    public static func editedMessage(_ conditions: [MessageCondition]) -> MessageFilter {
        MessageFilter(edits: true, conditions: conditions)
    }
}

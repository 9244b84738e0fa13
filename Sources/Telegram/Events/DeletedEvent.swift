import TLSchema

/// Messages deleted (`updateDeleteMessages`, `updateDeleteChannelMessages`).
public struct DeletedEvent: Sendable {
    /// The channel they were in; nil for private chats and basic groups, whose ids are unique
    /// within the account (Telegram does not say which chat they were in).
    public let chat: PeerID?
    /// The deleted message ids.
    public let messageIDs: [Int32]
}

extension EventFilter where Self == UpdateFilter<DeletedEvent> {
    /// Deleted messages.
    public static var deleted: UpdateFilter<DeletedEvent> {
        UpdateFilter { (update: Api.Update, _: TelegramClient) -> DeletedEvent? in
            switch update {
            case .updateDeleteMessages(let u): return DeletedEvent(chat: nil, messageIDs: u.messages)
            case .updateDeleteChannelMessages(let u): return DeletedEvent(chat: .channel(u.channelId), messageIDs: u.messages)
            default: return nil
            }
        }
    }
}

/// A chat read up to a message: by this account on any device (inbox) or by the other side (outbox).
public struct ReadEvent: Sendable {
    /// The chat.
    public let chat: PeerID
    /// Messages up to this id are read.
    public let maxID: Int32
    /// The other side read this account's messages (`updateReadHistoryOutbox`,
    /// `updateReadChannelOutbox`); otherwise this account read incoming ones.
    public let isOutbox: Bool
}

extension EventFilter where Self == UpdateFilter<ReadEvent> {
    /// Read receipts.
    public static var read: UpdateFilter<ReadEvent> {
        UpdateFilter { (update: Api.Update, _: TelegramClient) -> ReadEvent? in
            switch update {
            case .updateReadHistoryInbox(let u): return ReadEvent(chat: PeerID(u.peer), maxID: u.maxId, isOutbox: false)
            case .updateReadHistoryOutbox(let u): return ReadEvent(chat: PeerID(u.peer), maxID: u.maxId, isOutbox: true)
            case .updateReadChannelInbox(let u): return ReadEvent(chat: .channel(u.channelId), maxID: u.maxId, isOutbox: false)
            case .updateReadChannelOutbox(let u): return ReadEvent(chat: .channel(u.channelId), maxID: u.maxId, isOutbox: true)
            default: return nil
            }
        }
    }
}

/// Events picked one update at a time (deletions, reads, chat actions, typing, callback queries).
public struct UpdateFilter<Event: Sendable>: EventFilter {
    let pick: @Sendable (Api.Update, TelegramClient) -> Event?

    /// A filter that turns each update into at most one event.
    public init(_ pick: @escaping @Sendable (Api.Update, TelegramClient) -> Event?) {
        self.pick = pick
    }

    /// The events of `batch`, in order.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [Event] {
        batch.updates.compactMap { pick($0, client) }
    }
}

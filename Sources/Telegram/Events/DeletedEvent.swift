import TLSchema

/// Messages deleted (`updateDeleteMessages`, `updateDeleteChannelMessages`).
public struct DeletedEvent: Sendable {
    /// The channel they were in; nil for private chats and basic groups, whose ids are unique
    /// within the account (Telegram does not say which chat they were in).
    public let chat: PeerID?
    /// The deleted message ids.
    public let messageIDs: [Int32]
}

/// Every deletion.
public struct DeletedFilter: EventFilter {
    /// The deletions of `batch`.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [DeletedEvent] {
        batch.updates.compactMap { (update: Api.Update) -> DeletedEvent? in
            switch update {
            case .updateDeleteMessages(let u): return DeletedEvent(chat: nil, messageIDs: u.messages)
            case .updateDeleteChannelMessages(let u): return DeletedEvent(chat: .channel(u.channelId), messageIDs: u.messages)
            default: return nil
            }
        }
    }
}

extension EventFilter where Self == DeletedFilter {
    /// Deleted messages.
    public static var deleted: DeletedFilter { DeletedFilter() }
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

/// Every read receipt.
public struct ReadFilter: EventFilter {
    /// The read receipts of `batch`.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [ReadEvent] {
        batch.updates.compactMap { (update: Api.Update) -> ReadEvent? in
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

extension EventFilter where Self == ReadFilter {
    /// Read receipts.
    public static var read: ReadFilter { ReadFilter() }
}

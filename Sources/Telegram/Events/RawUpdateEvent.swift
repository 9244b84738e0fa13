import TLSchema

/// One update as it came, with the users and chats of its batch.
public struct RawUpdateEvent: Sendable {
    /// The update.
    public let update: Api.Update
    /// The users that came with it.
    public let users: [Api.User]
    /// The chats that came with it.
    public let chats: [Api.Chat]
}

/// Every update.
public struct RawUpdateFilter: EventFilter {
    /// Each update of `batch`.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [RawUpdateEvent] {
        batch.updates.map { RawUpdateEvent(update: $0, users: batch.users, chats: batch.chats) }
    }
}

extension EventFilter where Self == RawUpdateFilter {
    /// Every update, unfiltered.
    public static var raw: RawUpdateFilter { RawUpdateFilter() }
}

/// The engine's notices (a difference too long, a channel reset or dropped).
public struct NoticeFilter: EventFilter {
    /// The notices of `batch`.
    public func events(in batch: UpdateBatch, client: TelegramClient) -> [UpdatesNotice] { batch.notices }
}

extension EventFilter where Self == NoticeFilter {
    /// What the updates engine reports beside updates (see ``UpdatesNotice``).
    public static var notices: NoticeFilter { NoticeFilter() }
}

import TLSchema

/// Picks the events of one kind out of each batch of updates. Written as
/// `client.events(.newMessage(.incoming, .private))` or `client.on(.deleted) { … }`; the
/// filters are ``MessageFilter`` (`.newMessage`, `.editedMessage`), ``UpdateFilter`` (`.deleted`,
/// `.read`, `.chatAction`, `.typing`, `.callbackQuery`), ``RawUpdateFilter`` (`.raw`) and
/// ``NoticeFilter`` (`.notices`).
public protocol EventFilter: Sendable {
    /// What the filter yields.
    associatedtype Event: Sendable
    /// The events of `batch`, in order.
    func events(in batch: UpdateBatch, client: TelegramClient) -> [Event]
}

/// The events one filter picks from a subscription of their own (see ``TelegramClient/updates(capacity:)``).
public struct EventStream<Filter: EventFilter>: AsyncSequence, Sendable {
    /// The filter's event type.
    public typealias Element = Filter.Event

    let updates: UpdateStream
    let filter: Filter
    let client: TelegramClient

    /// Iterates the events.
    public func makeAsyncIterator() -> Iterator { Iterator(base: updates.makeAsyncIterator(), filter: filter, client: client) }

    /// The iterator of an ``EventStream``.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline var base: UpdateStream.Iterator
        @usableFromInline let filter: Filter
        @usableFromInline let client: TelegramClient
        /// The current batch's events not yet handed out, last first: each is moved out with
        /// `popLast` rather than copied (a copy retains and releases every reference it holds).
        @usableFromInline var pending: [Filter.Event] = []

        init(base: UpdateStream.Iterator, filter: Filter, client: TelegramClient) {
            self.base = base
            self.filter = filter
            self.client = client
        }

        /// The next event; nil once the subscription ended. Inlinable, so that it is specialized
        /// for the filter in the consumer's module: unspecialized, the array's reverse and
        /// `popLast` go through witness tables and metadata look-ups for every event.
        @inlinable
        public mutating func next() async -> Filter.Event? {
            while pending.isEmpty {
                guard let batch = await base.next() else { return nil }
                pending = filter.events(in: batch, client: client)
                pending.reverse()
            }
            return pending.popLast()
        }
    }
}

/// A handler registered with ``TelegramClient/on(_:onError:_:)``.
public struct EventHandlerRegistration: Sendable {
    let task: Task<Void, Never>

    /// Stops the handler (an event being handled is finished first, unless it checks cancellation).
    public func cancel() { task.cancel() }
}

extension TelegramClient {
    /// The events `filter` picks from every update from now on, in order, on a subscription of
    /// their own (`capacity` batches, see ``updates(capacity:)``):
    /// `for await message in client.events(.newMessage(.incoming, .private)) { … }`.
    public nonisolated func events<Filter: EventFilter>(_ filter: Filter, capacity: Int? = nil) -> EventStream<Filter> {
        EventStream(updates: updates(capacity: capacity), filter: filter, client: self)
    }

    /// Runs `handler` for each event `filter` picks, one at a time, in order, on a subscription
    /// of its own. A handler that throws is told through `onError` and goes on with the next
    /// event; it never stops another handler. Subscribed before this returns.
    @discardableResult
    public nonisolated func on<Filter: EventFilter>(
        _ filter: Filter, onError: (@Sendable (any Error) -> Void)? = nil, _ handler: @escaping @Sendable (Filter.Event) async throws -> Void
    ) -> EventHandlerRegistration {
        let stream: EventStream<Filter> = events(filter)
        let task: Task<Void, Never> = Task {
            for await event in stream {
                do {
                    try await handler(event)
                } catch {
                    onError?(error)
                }
            }
        }
        return EventHandlerRegistration(task: task)
    }
}

/// The users and chats of one batch, by id.
struct BatchPeers {
    /// The batch's users and chats as peers, converted once per batch (not once per message).
    let users: [Int64: Peer]
    let chats: [Int64: Peer]

    init(_ batch: UpdateBatch) {
        var users: [Int64: Peer] = [:]
        for user in batch.users { if let peer = Peer(user) { users[peer.id.id] = peer } }
        var chats: [Int64: Peer] = [:]
        for chat in batch.chats { if let peer = Peer(chat) { chats[peer.id.id] = peer } }
        self.users = users
        self.chats = chats
    }

    /// A private chat, a group (basic or super), or a broadcast channel.
    func kind(of chat: PeerID) -> ChatKind {
        switch chat {
        case .user: return .private
        case .chat: return .group
        case .channel(let id):
            guard let known = chats[id] else { return .channel }
            return known.flags.contains(.megagroup) || known.flags.contains(.gigagroup) ? .group : .channel
        }
    }
}

/// Where a message was posted.
public enum ChatKind: Equatable, Sendable {
    /// A private chat with one user (or the saved messages).
    case `private`
    /// A basic group or a supergroup.
    case group
    /// A broadcast channel (a supergroup whose chat did not come with the update counts as one too).
    case channel
}

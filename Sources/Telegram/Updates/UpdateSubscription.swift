import Synchronization

/// One consumer's bounded queue of batches. The engine waits while it is full (so a slow
/// consumer holds the engine back rather than losing updates; meanwhile pushed updates overflow
/// into a difference, fetched once there is room again); the consumer waits while it is empty.
final class UpdateSubscription: Sendable {
    private struct State {
        var buffer: [UpdateBatch] = []
        var head: Int = 0
        var consumer: CheckedContinuation<UpdateBatch?, Never>?
        var producer: CheckedContinuation<Void, Never>?
        var finished: Bool = false

        var count: Int { buffer.count - head }

        mutating func pop() -> UpdateBatch {
            let batch: UpdateBatch = buffer[head]
            head += 1
            if head >= 64 && head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    /// Batches held at most.
    let capacity: Int
    private let state: Mutex<State> = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Hands `batch` to the consumer, waiting while the queue is full. Returns false once the
    /// subscription ended (the batch is then not delivered).
    func send(_ batch: UpdateBatch) async -> Bool {
        while true {
            enum Step { case handed(CheckedContinuation<UpdateBatch?, Never>), queued, full, ended }
            let step: Step = state.withLock { (s: inout State) -> Step in
                if s.finished { return .ended }
                if let consumer = s.consumer {
                    s.consumer = nil
                    return .handed(consumer)
                }
                guard s.count < capacity else { return .full }
                s.buffer.append(batch)
                return .queued
            }
            switch step {
            case .handed(let consumer):
                consumer.resume(returning: batch)
                return true
            case .queued: return true
            case .ended: return false
            case .full:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let wait: Bool = state.withLock { (s: inout State) -> Bool in
                        guard !s.finished, s.count >= capacity else { return false }
                        s.producer = c
                        return true
                    }
                    if !wait { c.resume() }
                }
            }
        }
    }

    /// The next batch, or nil once the subscription ended (and was drained). Cancelling the
    /// waiting task ends the subscription.
    func next() async -> UpdateBatch? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<UpdateBatch?, Never>) in
                let (ready, producer): (UpdateBatch??, CheckedContinuation<Void, Never>?) = state.withLock { (s: inout State) in
                    if s.count > 0 {
                        let batch: UpdateBatch = s.pop()
                        let producer: CheckedContinuation<Void, Never>? = s.producer
                        s.producer = nil
                        return (.some(batch), producer)
                    }
                    if s.finished { return (.some(nil), nil) }
                    s.consumer = c
                    return (nil, nil)
                }
                producer?.resume()
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the subscription: a waiting consumer gets nil, a waiting engine goes on.
    func finish() {
        let (consumer, producer): (CheckedContinuation<UpdateBatch?, Never>?, CheckedContinuation<Void, Never>?) = state.withLock {
            (s: inout State) in
            s.finished = true
            s.buffer.removeAll()
            s.head = 0
            defer {
                s.consumer = nil
                s.producer = nil
            }
            return (s.consumer, s.producer)
        }
        consumer?.resume(returning: nil)
        producer?.resume()
    }
}

/// Every live subscription of one client.
final class UpdatesHub: Sendable {
    private let subscriptions: Mutex<[ObjectIdentifier: UpdateSubscription]> = Mutex([:])

    /// A new subscription, receiving every batch from now on.
    func subscribe(capacity: Int) -> UpdateSubscription {
        let subscription: UpdateSubscription = UpdateSubscription(capacity: capacity)
        subscriptions.withLock { $0[ObjectIdentifier(subscription)] = subscription }
        return subscription
    }

    func remove(_ subscription: UpdateSubscription) {
        subscription.finish()
        _ = subscriptions.withLock { $0.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    var count: Int { subscriptions.withLock { $0.count } }

    /// Hands `batch` to every subscription in turn (each may make the engine wait); ended ones are removed.
    func broadcast(_ batch: UpdateBatch) async {
        let all: [UpdateSubscription] = subscriptions.withLock { Array($0.values) }
        for subscription in all where !(await subscription.send(batch)) { remove(subscription) }
    }

    /// Ends every subscription.
    func finishAll() {
        let all: [UpdateSubscription] = subscriptions.withLock { (s: inout [ObjectIdentifier: UpdateSubscription]) in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for subscription in all { subscription.finish() }
    }
}

/// A consumer's updates: each ``TelegramClient/updates(capacity:)`` call is a subscription of its
/// own, receiving every batch from then on, in order. It ends when the client stops, when the
/// iterating task is cancelled, or when the stream and its iterator are released.
public struct UpdateStream: AsyncSequence, Sendable {
    /// Batches of updates with their users and chats.
    public typealias Element = UpdateBatch

    let handle: SubscriptionHandle

    /// Iterates the subscription.
    public func makeAsyncIterator() -> Iterator { Iterator(handle: handle) }

    /// The iterator of an ``UpdateStream``.
    public struct Iterator: AsyncIteratorProtocol {
        let handle: SubscriptionHandle

        /// The next batch; nil once the subscription ended.
        public mutating func next() async -> UpdateBatch? { await handle.subscription.next() }
    }
}

/// Ends its subscription when the last stream or iterator holding it is released.
final class SubscriptionHandle: Sendable {
    let subscription: UpdateSubscription
    private let hub: UpdatesHub

    init(hub: UpdatesHub, capacity: Int) {
        self.hub = hub
        self.subscription = hub.subscribe(capacity: capacity)
    }

    deinit { hub.remove(subscription) }
}

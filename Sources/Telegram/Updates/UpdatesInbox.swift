import Synchronization
import TLSchema

/// What reaches the engine: pushed updates, update-bearing results of the client's own calls,
/// and `affectedMessages` positions, in arrival order. Bounded: past ``capacity`` queued inputs
/// the queue is emptied and a single `updatesTooLong` stands for all of them (the difference
/// brings what they held), so a stalled engine costs no memory.
final class UpdatesInbox: Sendable {
    enum Input: Sendable {
        case updates(Api.Updates)
        case affected(pts: Int32, count: Int32)
        /// A deadline of the message box passed.
        case tick
    }

    private struct State {
        var items: [Input] = []
        var head: Int = 0
        var waiter: CheckedContinuation<Input?, Never>?
        var waitGeneration: Int = 0
        var closed: Bool = false
        var count: Int { items.count - head }

        mutating func pop() -> Input? {
            guard count > 0 else { return nil }
            let input: Input = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return input
        }
    }

    let capacity: Int
    private let state: Mutex<State> = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    /// Queues an input (dropped once closed).
    func push(_ input: Input) {
        let waiter: CheckedContinuation<Input?, Never>? = state.withLock { (s: inout State) -> CheckedContinuation<Input?, Never>? in
            if s.closed { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            if s.count >= capacity {
                s.items = [.updates(.updatesTooLong)]
                s.head = 0
            }
            s.items.append(input)
            return nil
        }
        waiter?.resume(returning: input)
    }

    /// The next queued input if there is one, without waiting.
    func poll() -> Input? {
        state.withLock { (s: inout State) -> Input? in s.pop() }
    }

    /// The next input; `.tick` when `deadline` passes first; nil once closed.
    func next(deadline: ContinuousClock.Instant?) async -> Input? {
        var timer: Task<Void, Never>? = nil
        defer { timer?.cancel() }
        return await withCheckedContinuation { (c: CheckedContinuation<Input?, Never>) in
            let (ready, generation): (Input??, Int) = state.withLock { (s: inout State) in
                if let input = s.pop() { return (.some(input), 0) }
                if s.closed { return (.some(nil), 0) }
                s.waiter = c
                s.waitGeneration += 1
                return (nil, s.waitGeneration)
            }
            if let ready {
                c.resume(returning: ready)
            } else if let deadline {
                timer = Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    self?.fire(generation: generation)
                }
            }
        }
    }

    private func fire(generation: Int) {
        let waiter: CheckedContinuation<Input?, Never>? = state.withLock { (s: inout State) in
            guard s.waitGeneration == generation, let waiter = s.waiter else { return nil }
            s.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .tick)
    }

    /// Ends the queue: a waiting reader gets nil.
    func close() {
        let waiter: CheckedContinuation<Input?, Never>? = state.withLock { (s: inout State) in
            s.closed = true
            s.items.removeAll()
            s.head = 0
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }
}

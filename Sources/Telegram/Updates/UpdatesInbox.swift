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
        /// When the waiting reader wants a `.tick` (nil: it waits for an input only).
        var waiterDeadline: ContinuousClock.Instant?
        /// The sleeping timer and the instant it wakes at. One timer serves many waits: the
        /// deadline usually moves later with every input (the idle timeout), and a task per wait
        /// cost more than the wait itself in a burst.
        var timer: Task<Void, Never>?
        var timerDeadline: ContinuousClock.Instant?
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
                s.waiterDeadline = nil
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
        await withCheckedContinuation { (c: CheckedContinuation<Input?, Never>) in
            let (ready, wake): (Input??, ContinuousClock.Instant?) = state.withLock { (s: inout State) in
                if let input = s.pop() { return (.some(input), nil) }
                if s.closed { return (.some(nil), nil) }
                s.waiter = c
                s.waiterDeadline = deadline
                return (nil, Self.timerToArm(&s))
            }
            if let ready {
                c.resume(returning: ready)
            } else if let wake {
                arm(at: wake)
            }
        }
    }

    /// The instant a new timer must wake at for the waiter's deadline, or nil when the sleeping
    /// one wakes early enough (a timer that wakes before the deadline arms the next one then).
    private static func timerToArm(_ s: inout State) -> ContinuousClock.Instant? {
        guard let deadline = s.waiterDeadline else { return nil }
        if let armed = s.timerDeadline, armed <= deadline { return nil }
        s.timer?.cancel()
        s.timer = nil
        s.timerDeadline = deadline
        return deadline
    }

    private func arm(at wake: ContinuousClock.Instant) {
        let timer: Task<Void, Never> = Task { [weak self] in
            try? await Task.sleep(until: wake, clock: .continuous)
            if Task.isCancelled { return }
            self?.fire(armedAt: wake)
        }
        let stale: Bool = state.withLock { (s: inout State) -> Bool in
            guard s.timerDeadline == wake, s.timer == nil, !s.closed else { return true }
            s.timer = timer
            return false
        }
        if stale { timer.cancel() }
    }

    /// The timer armed for `wake` woke: a waiter whose deadline passed gets `.tick`; one that
    /// waits longer gets a timer for its own deadline.
    private func fire(armedAt wake: ContinuousClock.Instant) {
        let (waiter, rearm): (CheckedContinuation<Input?, Never>?, ContinuousClock.Instant?) = state.withLock { (s: inout State) in
            guard s.timerDeadline == wake else { return (nil, nil) }
            s.timer = nil
            s.timerDeadline = nil
            guard let waiter = s.waiter, let deadline = s.waiterDeadline else { return (nil, nil) }
            if deadline <= wake {
                s.waiter = nil
                s.waiterDeadline = nil
                return (waiter, nil)
            }
            return (nil, Self.timerToArm(&s))
        }
        if let rearm { arm(at: rearm) }
        waiter?.resume(returning: .tick)
    }

    /// Ends the queue: a waiting reader gets nil.
    func close() {
        let waiter: CheckedContinuation<Input?, Never>? = state.withLock { (s: inout State) in
            s.closed = true
            s.items.removeAll()
            s.head = 0
            s.timer?.cancel()
            s.timer = nil
            s.timerDeadline = nil
            s.waiterDeadline = nil
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }
}

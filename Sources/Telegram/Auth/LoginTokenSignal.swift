import TLSchema
import Synchronization

/// Wakes the QR login when `updateLoginToken` arrives: a push that comes while nobody waits is
/// kept for the next ``wait(atMost:)``. Waiting can end by the push, the time, or cancellation,
/// without the stream of updates ever being consumed or cancelled (the login observes it).
final class LoginTokenSignal: Sendable {
    private struct State {
        var pending: Bool = false
        var waiter: CheckedContinuation<Bool, Never>?
        /// Counts waits, so a timer of an earlier one never ends a later one.
        var generation: Int = 0
        /// The timer of the current wait, cancelled when the wait ends otherwise.
        var timer: Task<Void, Never>?
    }

    private let state: Mutex<State> = Mutex(State())

    /// Whether `updates` carries an `updateLoginToken`.
    static func carriesLoginToken(_ updates: Api.Updates) -> Bool {
        switch updates {
        case .updateShort(let short): if case .updateLoginToken = short.update { return true }
        case .updates(let many): return many.updates.contains { if case .updateLoginToken = $0 { true } else { false } }
        case .updatesCombined(let many): return many.updates.contains { if case .updateLoginToken = $0 { true } else { false } }
        default: break
        }
        return false
    }

    /// The token was accepted (or changed): wakes the waiter, or the next one.
    func fire() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { (s: inout State) -> CheckedContinuation<Bool, Never>? in
            guard let waiter = s.waiter else {
                s.pending = true
                return nil
            }
            s.waiter = nil
            s.timer?.cancel()
            s.timer = nil
            return waiter
        }
        waiter?.resume(returning: true)
    }

    /// Waits for ``fire()`` at most `duration`; true when it fired (now or before).
    func wait(atMost duration: Duration) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let generation: Int? = state.withLock { (s: inout State) -> Int? in
                    if s.pending || Task.isCancelled {
                        let fired: Bool = s.pending
                        s.pending = false
                        continuation.resume(returning: fired)
                        return nil
                    }
                    s.generation += 1
                    s.waiter = continuation
                    return s.generation
                }
                guard let generation else { return }
                let timer: Task<Void, Never> = Task {
                    guard (try? await Task.sleep(for: duration)) != nil else { return }
                    self.end(generation: generation)
                }
                state.withLock { (s: inout State) in
                    if s.generation == generation && s.waiter != nil { s.timer = timer } else { timer.cancel() }
                }
            }
        } onCancel: {
            end(generation: nil)
        }
    }

    /// Ends the wait of `generation` (any wait when nil) without a push.
    private func end(generation: Int?) {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { (s: inout State) -> CheckedContinuation<Bool, Never>? in
            guard generation == nil || generation == s.generation else { return nil }
            defer {
                s.waiter = nil
                if generation == nil { s.timer?.cancel() }
                s.timer = nil
            }
            return s.waiter
        }
        waiter?.resume(returning: false)
    }
}

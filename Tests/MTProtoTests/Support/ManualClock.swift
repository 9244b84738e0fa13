import Foundation
import Synchronization
@testable import MTProto

/// A clock the test moves by hand: ``advance(by:)`` wakes every sleeper whose deadline has come.
/// The wall clock is the system's (message ids stay acceptable to a server that keeps real time);
/// only the monotonic clock, which every renewal, timeout and backoff decision reads, is manual.
final class ManualClock: ClientClock {
    private struct Sleeper {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var elapsed: Duration = .zero
        var sleepers: [Int: Sleeper] = [:]
        var nextSleeper: Int = 0
    }

    private let origin: ContinuousClock.Instant = .now
    private let state: Mutex<State> = Mutex(State())

    var wallSeconds: Double { Date().timeIntervalSince1970 }

    var now: ContinuousClock.Instant { origin + state.withLock { $0.elapsed } }

    /// How many tasks sleep on this clock now.
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id: Int = state.withLock { (s: inout State) -> Int in
            s.nextSleeper += 1
            return s.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock: a cancellation handler that ran before this found no sleeper to wake.
                let wake: Result<Void, any Error>? = state.withLock { (s: inout State) -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if origin + s.elapsed >= deadline { return .success(()) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let wake { continuation.resume(with: wake) }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on by `duration` and wakes the sleepers whose deadline has come.
    func advance(by duration: Duration) {
        let woken: [Sleeper] = state.withLock { (s: inout State) -> [Sleeper] in
            s.elapsed += duration
            let now: ContinuousClock.Instant = origin + s.elapsed
            let due: [Int] = s.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return due.compactMap { s.sleepers.removeValue(forKey: $0) }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

}

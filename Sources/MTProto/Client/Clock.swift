import Foundation

/// Where an ``MTProtoClient`` reads the time and waits for it. Every decision of the client that
/// depends on time (temporary key renewal and expiry, call timeouts, reconnect backoff, keep-alive
/// pings, flood waits) goes through it, so tests can move time by hand instead of waiting.
public protocol ClientClock: Sendable {
    /// Seconds since 1970 by the wall clock: message ids, server time offsets, key expiry dates.
    var wallSeconds: Double { get }
    /// Now, on a clock that never goes back: deadlines, backoff, renewal, keep-alive.
    var now: ContinuousClock.Instant { get }
    /// Returns once ``now`` has reached `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension ClientClock {
    /// Returns once `duration` has passed on this clock.
    func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// The clocks of the system: `Date` for the wall clock, `ContinuousClock` for the rest.
public struct SystemClientClock: ClientClock {
    /// The system clocks.
    public init() {}

    /// Seconds since 1970 by `Date`.
    public var wallSeconds: Double { Date().timeIntervalSince1970 }

    /// `ContinuousClock.now`.
    public var now: ContinuousClock.Instant { .now }

    /// `Task.sleep(until:clock: .continuous)`.
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}

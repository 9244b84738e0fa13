/// The bookkeeping of the one timer that fails calls at their deadline: a task per call would
/// cost more than the call itself for small RPCs, so one timer sleeps until the earliest deadline.
struct TimeoutTimer: Sendable, Equatable {
    /// When the running timer wakes; nil when none runs.
    private(set) var wake: ContinuousClock.Instant?
    /// Counts the timers started: one that wakes after a newer one started is ignored.
    private(set) var generation: Int = 0

    /// A call with `deadline` was taken in: the generation of a new timer to start (replacing the
    /// running one), or nil when the running one wakes early enough.
    mutating func schedule(at deadline: ContinuousClock.Instant) -> Int? {
        if let wake, wake <= deadline { return nil }
        generation += 1
        wake = deadline
        return generation
    }

    /// The timer of `timer` woke: whether it is the current one (which is then no longer running).
    mutating func fired(_ timer: Int) -> Bool {
        guard timer == generation else { return false }
        wake = nil
        return true
    }

    /// No timer runs any more (the client closed).
    mutating func stop() {
        wake = nil
        generation += 1
    }
}

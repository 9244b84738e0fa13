/// Decides whether a call that failed with an `rpc_error` is made again, and after how long: one
/// method, so a policy is easy to write and to test. ``FloodWaitPolicy`` is the client's.
protocol RetryPolicy: Sendable {
    /// The delay before making the call again after `error`, the call having been retried
    /// `retries` times already; nil: the call fails with `error`.
    func retryDelay(after error: RPCError, retries: Int) -> Duration?
}

extension FloodWaitPolicy: RetryPolicy {
    /// The wait the error asks for, when it is one of the waits this policy knows, the call has
    /// retries left and the wait is within ``sleepThreshold``.
    func retryDelay(after error: RPCError, retries: Int) -> Duration? {
        guard let wait = Self.wait(for: error) else { return nil }
        let delay: Duration = .seconds(wait.seconds)
        guard retries < maximumRetries, delay <= sleepThreshold else { return nil }
        return delay
    }

    /// What a call of a method that is flood-limited for `remaining` more does: waits within
    /// ``sleepThreshold``, else fails at once with the `FLOOD_WAIT` the server would give.
    func admission(remaining: Duration) -> FloodAdmission {
        guard remaining > .zero else { return .call }
        guard remaining <= sleepThreshold else {
            return .fail(RPCError(code: 420, message: "FLOOD_WAIT_\(Int(remaining.components.seconds) + 1)"))
        }
        return .wait(remaining)
    }
}

/// What a call of a flood-limited method does (``FloodWaitPolicy/admission(remaining:)``).
enum FloodAdmission: Equatable, Sendable {
    /// The method is no longer limited: call it.
    case call
    /// Wait this long, then call it.
    case wait(Duration)
    /// Fail with this error without calling.
    case fail(RPCError)
}

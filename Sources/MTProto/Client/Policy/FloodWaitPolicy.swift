/// How the client reacts to `FLOOD_WAIT_X` / `FLOOD_PREMIUM_WAIT_X` / `FLOOD_TEST_PHONE_WAIT_X` (all
/// calls of that method wait until it is due), `SLOWMODE_WAIT_X` and `2FA_CONFIRM_WAIT_X` (only that
/// request is retried; the latter, before deleting an account with a password, is usually a week,
/// so it fails its call unless it is below the threshold).
public struct FloodWaitPolicy: Sendable {
    /// Waits up to this long are slept through automatically; longer ones fail the call with the
    /// ``RPCError`` (name `FLOOD_WAIT`, value = seconds).
    public var sleepThreshold: Duration
    /// How many times one call is retried after a wait.
    public var maximumRetries: Int

    /// A policy that sleeps through waits up to `sleepThreshold` and retries a call at most `maximumRetries` times.
    public init(sleepThreshold: Duration = .seconds(60), maximumRetries: Int = 3) {
        self.sleepThreshold = sleepThreshold
        self.maximumRetries = maximumRetries
    }

    /// Never sleep: every flood wait fails its call.
    public static let never: FloodWaitPolicy = FloodWaitPolicy(sleepThreshold: .zero, maximumRetries: 0)

    /// Whether `error` asks to wait, and for how long.
    static func wait(for error: RPCError) -> (seconds: Int, perMethod: Bool)? {
        switch error.name {
        case "FLOOD_WAIT", "FLOOD_PREMIUM_WAIT", "FLOOD_TEST_PHONE_WAIT": return (error.value ?? 0, true)
        case "SLOWMODE_WAIT", "2FA_CONFIRM_WAIT": return (error.value ?? 0, false)
        default: return nil
        }
    }
}

import Foundation

/// How long the client waits before its next connection attempt: exponential from
/// ``ClientConfiguration/reconnectDelay`` up to ``ClientConfiguration/maximumReconnectDelay``,
/// each delay scaled by a random factor between 0.5 and 1 (jitter).
struct ReconnectBackoff: Sendable, Equatable {
    /// The delay of the first attempt after a failure (before jitter).
    var base: Duration
    /// The largest delay (before jitter).
    var cap: Duration

    /// The backoff `configuration` asks for.
    init(_ configuration: ClientConfiguration) {
        self.init(base: configuration.reconnectDelay, cap: configuration.maximumReconnectDelay)
    }

    /// A backoff from `base` doubling up to `cap`.
    init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// The delay before attempt `attempt` (0 after a connection that had become ready), with the
    /// jitter factor taken from `jitterByte` (0 → 0.5, 255 → 1). After a transport error that asks
    /// to back off (−429) the delay is at least half the cap.
    func delay(attempt: Int, jitterByte: UInt8, transportFlood: Bool = false) -> Duration {
        // Both in seconds with their fractions (a cap below one second used to count as zero).
        let baseSeconds: Double = Self.seconds(base)
        let capSeconds: Double = Self.seconds(cap)
        let raw: Double = min(capSeconds, baseSeconds * pow(2, Double(min(max(attempt, 0), 16))))
        let jitter: Double = 0.5 + Double(jitterByte) / 510.0
        let delay: Duration = .milliseconds(Int(raw * jitter * 1000))
        return transportFlood ? max(delay, cap / 2) : delay
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

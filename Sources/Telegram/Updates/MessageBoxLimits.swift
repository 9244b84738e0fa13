/// The timings and bounds of a ``MessageBox``.
public struct MessageBoxLimits: Sendable {
    /// How long a gap may stay open before its difference is fetched (seconds).
    public var gapTimeout: Double
    /// After this long without any update, the common difference is fetched (seconds).
    public var idleTimeout: Double
    /// Updates held for gaps, all boxes together; beyond it the box that overflows fetches its
    /// difference instead (nothing is dropped that the difference does not bring again).
    public var maximumBuffered: Int
    /// Channel boxes kept. An account is in at most 500 channels (1,000 with Premium), so the
    /// default is never reached by a real account; past it the channel updated longest ago is
    /// dropped (reported, and followed again from its next update), so hostile input cannot grow
    /// memory without bound. Every kept channel's pts is persisted.
    public var maximumChannels: Int
    /// `limit` of `updates.getChannelDifference` (Telegram allows up to 100 for user accounts).
    public var channelDifferenceLimit: Int32
    /// First delay before a failed difference is asked again (seconds); doubled per failure.
    public var retryDelay: Double
    /// Longest delay between attempts of a failing difference (seconds).
    public var maximumRetryDelay: Double

    /// The defaults: 0.5 s gaps, 15 min of silence, 4,096 buffered updates, 2,000 channels, 100
    /// messages per channel difference, retries from 1 s to 60 s.
    public init(
        gapTimeout: Double = 0.5, idleTimeout: Double = 15 * 60, maximumBuffered: Int = 4096, maximumChannels: Int = 2000,
        channelDifferenceLimit: Int32 = 100, retryDelay: Double = 1, maximumRetryDelay: Double = 60
    ) {
        self.gapTimeout = gapTimeout
        self.idleTimeout = idleTimeout
        self.maximumBuffered = maximumBuffered
        self.maximumChannels = maximumChannels
        self.channelDifferenceLimit = channelDifferenceLimit
        self.retryDelay = retryDelay
        self.maximumRetryDelay = maximumRetryDelay
    }
}

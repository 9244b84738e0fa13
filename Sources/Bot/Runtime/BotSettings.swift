import Foundation

/// How the bot behaves (everything not about connecting).
public struct BotSettings: Sendable {
    /// Sent first in every request when set.
    public var systemPrompt: String?
    /// Exchanges remembered per person.
    public var historyLimit: Int = 10
    /// Where context dumps go.
    public var dumpDirectory: URL
    /// A reply longer than Telegram's limit is cut to this many characters.
    public var maximumReplyLength: Int = 4096
    /// How long a stop waits for replies in flight before cancelling them (they are answered after
    /// the next start, from the durable queue).
    public var stopGracePeriod: Duration = .seconds(10)
    /// Fetch the difference when nothing arrived for this long (api-flows §7.5).
    public var idleDifferenceInterval: Duration = .seconds(15 * 60)

    /// The other settings start at their defaults: 10 exchanges, 4096 characters, a 10-second grace
    /// period and a difference after 15 idle minutes.
    public init(systemPrompt: String? = nil, dumpDirectory: URL) {
        self.systemPrompt = systemPrompt
        self.dumpDirectory = dumpDirectory
    }
}

/// Why the bot could not start or stopped.
public enum BotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No account is logged in on this session.
    case notLoggedIn
    /// Telegram no longer accepts the session (`AUTH_KEY_UNREGISTERED`, `SESSION_REVOKED`, …).
    case sessionRevoked(String)

    public var description: String {
        switch self {
        case .notLoggedIn: return "this session is not logged in: run `userbot login` first"
        case .sessionRevoked(let why): return "Telegram no longer accepts this session (\(why)): run `userbot login` again"
        }
    }
}

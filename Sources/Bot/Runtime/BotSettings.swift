import Foundation
import MTProto

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
    /// Who gets an answer (`USERBOT_REPLY_TO`, `USERBOT_DENY`).
    public var replyPolicy: ReplyPolicy = ReplyPolicy()
    /// One reply per message, or one per burst (`USERBOT_BURSTS`).
    public var bursts: BurstMode = .each
    /// Model calls per person in any rolling hour (`USERBOT_PERSON_HOURLY_LIMIT`).
    public var personHourlyLimit: Int = 30
    /// Model calls at once across people (`USERBOT_CONCURRENCY`).
    public var concurrency: Int = 4
    /// Model calls per UTC day overall; 0 for no limit (`USERBOT_DAILY_LIMIT`).
    public var dailyLimit: Int = 500
    /// Characters of content per model request (`USERBOT_MAX_PROMPT_CHARS`).
    public var maximumPromptCharacters: Int = 24_000
    /// Messages older than this are not answered (`USERBOT_MAX_AGE`).
    public var maximumAge: Duration = .seconds(24 * 3600)
    /// The longest wait between two attempts at `updates.getDifference` after failures (flood waits
    /// the server asks for are waited out in full); the first wait is the smaller of this and 1 s.
    public var maximumDifferenceRetryDelay: Duration = .seconds(60)
    /// After the update state could not be stored (disk full, I/O error), the difference from the
    /// stored state is fetched again after this long.
    public var commitRetryDelay: Duration = .seconds(5)

    /// The other settings start at their defaults: 10 exchanges, 4096 characters, a 10-second grace
    /// period, a difference after 15 idle minutes, and the limits documented in `config.example.env`.
    public init(systemPrompt: String? = nil, dumpDirectory: URL) {
        self.systemPrompt = systemPrompt
        self.dumpDirectory = dumpDirectory
    }
}

/// How messages of one person that arrive while the bot is answering them are answered.
public enum BurstMode: String, Sendable, Equatable {
    /// Every message gets its own reply, in order (the original plan).
    case each
    /// The messages that arrived meanwhile get one reply together (one model call, quoting the last;
    /// the stored exchange holds their texts joined by newlines).
    case together
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
        case .sessionRevoked(let why):
            return "the session was revoked or expired (\(why)): run `userbot login`; the messages waiting for a reply are kept"
        }
    }

    /// The RPC errors that mean the account is gone from this session: any 401 but a login step's,
    /// and `AUTH_KEY_DUPLICATED` (406). Nil for any other error.
    public static func accountLost(_ error: any Error) -> BotError? {
        guard let rpc = error as? RPCError else { return nil }
        if rpc.code == 401 && rpc.name != "SESSION_PASSWORD_NEEDED" { return .sessionRevoked(rpc.name) }
        if rpc.code == 406 && rpc.name == "AUTH_KEY_DUPLICATED" { return .sessionRevoked(rpc.name) }
        return nil
    }
}

extension Duration {
    /// The duration as seconds with their fraction, for arithmetic on unix times and backoffs.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

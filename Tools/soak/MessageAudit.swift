import Bot
import TestDC

/// One message a stranger or a bot sent to the bot.
struct DeliveredMessage: Sendable {
    /// Its id in the bot's chats.
    let id: Int32
    let from: Int64
    /// Its place in the flood (its text is `StrangerText.make(index:from:length:)`).
    let index: Int
}

/// How each delivered message ended, from Telegram's side (the bot's replies, each quoting the
/// message it answers) and the session file's (the skipped messages with their reasons, the
/// messages still queued). Correct: answered exactly once, in its chat, with the echo of its text;
/// or not answered and skipped with a reason; a bot's message always skipped as a bot's.
struct MessageAudit {
    /// Answered once, correctly, and not skipped.
    private(set) var answeredOnce: Int = 0
    /// Not answered, skipped with a reason.
    private(set) var skipped: Int = 0
    /// Skipped messages by reason.
    private(set) var reasons: [String: Int] = [:]
    private(set) var answeredTwice: Int = 0
    /// Neither answered nor skipped (``stillQueued`` of them are in the queue).
    private(set) var lost: Int = 0
    private(set) var stillQueued: Int = 0
    private(set) var answeredAndSkipped: Int = 0
    /// Skipped with an empty reason.
    private(set) var noReason: Int = 0
    /// Answered once, but in another chat or with another text than the echo.
    private(set) var wrongReplies: Int = 0
    /// Replies quoting nothing that was delivered.
    private(set) var strayReplies: Int = 0
    /// Replies sent to a bot.
    private(set) var repliesToBots: Int = 0
    /// Bots' messages skipped for another reason than the sender being a bot.
    private(set) var botsNotRefused: Int = 0
    /// A few of the wrong messages, described.
    private(set) var examples: [String] = []

    /// Messages that ended well.
    var passed: Int { answeredOnce + skipped }

    init(
        delivered: [DeliveredMessage], length: Int, bots: Set<Int64>, replies: [SimulatedMessage], skippedMessages: [SkippedMessage],
        queued: [PendingReply]
    ) {
        var repliesTo: [Int32: [SimulatedMessage]] = [:]
        for reply in replies {
            if bots.contains(reply.to) { repliesToBots += 1 }
            repliesTo[reply.replyTo ?? 0, default: []].append(reply)
        }
        var reasonOf: [Int32: String] = [:]
        for message in skippedMessages { reasonOf[message.messageID] = message.reason }
        let queuedIDs: Set<Int32> = Set(queued.map(\.messageID))
        let botReason: String = ReplyPolicy.Refusal.bot.description
        var deliveredIDs: Set<Int32> = []
        for message in delivered {
            deliveredIDs.insert(message.id)
            let mine: [SimulatedMessage] = repliesTo[message.id] ?? []
            let reason: String? = reasonOf[message.id]
            let problem: String?
            switch (mine.count, reason) {
            case (0, let reason?) where reason.isEmpty:
                noReason += 1
                problem = "skipped without a reason"
            case (0, let reason?):
                skipped += 1
                reasons[reason, default: 0] += 1
                problem = bots.contains(message.from) && reason != botReason ? "a bot's message skipped for: \(reason)" : nil
                if problem != nil { botsNotRefused += 1 }
            case (0, nil):
                lost += 1
                if queuedIDs.contains(message.id) { stillQueued += 1 }
                problem = queuedIDs.contains(message.id) ? "neither answered nor skipped (still queued)" : "neither answered nor skipped"
            case (1, nil):
                let expected: String = "echo: " + StrangerText.make(index: message.index, from: message.from, length: length)
                let right: Bool = mine[0].to == message.from && mine[0].text == expected
                if right { answeredOnce += 1 } else { wrongReplies += 1 }
                problem = right ? nil : "answered in chat \(mine[0].to) with \(mine[0].text.count) characters, not the echo"
            case (1, let reason?):
                answeredAndSkipped += 1
                problem = "answered and skipped (\(reason))"
            default:
                answeredTwice += 1
                problem = "answered \(mine.count) times"
            }
            if let problem, examples.count < 10 { examples.append("message \(message.id) (#\(message.index)) of user \(message.from): \(problem)") }
        }
        strayReplies = repliesTo.filter { !deliveredIDs.contains($0.key) }.values.reduce(0) { $0 + $1.count }
    }
}

/// What the bot did, for a front end (the demo prints the conversation) and for tests.
public enum BotEvent: Sendable, Equatable {
    /// A message was accepted for a reply.
    case received(userID: Int64, messageID: Int32, text: String)
    /// The reply was sent and the exchange stored.
    case replied(userID: Int64, messageID: Int32, text: String)
    /// The message gets no reply on purpose (the reply policy, a cost limit, its age, the owner
    /// answered or read it first); the reason is stored and logged.
    case skipped(userID: Int64, messageID: Int32, reason: String)
    /// No reply could be sent for this message (the reason went to errors.log).
    case failed(userID: Int64, messageID: Int32, reason: String)
}

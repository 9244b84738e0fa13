import Foundation

/// One remembered exchange with a person: their message, the bot's answer, and when.
/// `username` and `phone` are kept for debugging only; the memory is keyed by user id.
public struct Exchange: Sendable, Equatable, Codable {
    /// The person's message text, as received.
    public var user: String
    /// The bot's reply text (the model's answer, cut to ``BotSettings/maximumReplyLength``).
    public var assistant: String
    /// When the exchange was stored, right after the reply was sent; dumped in ISO 8601 (UTC).
    public var datetime: Date
    /// The person's Telegram username (without `@`) if the peer cache knew one; for debugging only.
    public var username: String?
    /// The person's phone number as Telegram gives it, if it was visible to the account; for debugging only.
    public var phone: String?

    /// ``ContextStore`` stamps `datetime` with the current time; `username` and `phone` may be left out.
    public init(user: String, assistant: String, datetime: Date, username: String? = nil, phone: String? = nil) {
        self.user = user
        self.assistant = assistant
        self.datetime = datetime
        self.username = username
        self.phone = phone
    }
}

/// One message of a chat-completions request.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The message text (for `system`, the prompt).
    public var content: String

    /// `role` must be `system`, `user` or `assistant`; it is not checked here.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

import Foundation

/// One remembered exchange with a person: their message, the bot's answer, and when.
/// `username` and `phone` are kept for debugging only; the memory is keyed by user id.
public struct Exchange: Sendable, Equatable, Codable {
    public var user: String
    public var assistant: String
    public var datetime: Date
    public var username: String?
    public var phone: String?

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
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

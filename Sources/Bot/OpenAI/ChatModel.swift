/// Something that answers a conversation: the OpenAI client, or the demo's offline stand-in.
public protocol ChatModel: Sendable {
    /// The assistant's answer to `messages` (system prompt first when there is one).
    func reply(to messages: [ChatMessage]) async throws -> String
}

/// The demo's stand-in when no OpenAI key is configured: clearly labelled, deterministic, and
/// aware of the conversation so the memory can be seen working.
public struct OfflineChatModel: ChatModel {
    /// The stand-in needs no settings and keeps no state.
    public init() {}

    /// Quotes the last `user` message and says how many earlier ones it saw; never throws, needs no network.
    public func reply(to messages: [ChatMessage]) async throws -> String {
        let last: String = messages.last(where: { $0.role == "user" })?.content ?? ""
        let earlier: Int = messages.filter { $0.role == "user" }.count - 1
        return "[offline stand-in model] You said “\(last)”. I remember \(earlier) earlier message\(earlier == 1 ? "" : "s") from you."
    }
}

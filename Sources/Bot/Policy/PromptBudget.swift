/// Keeps a chat-completions request within `USERBOT_MAX_PROMPT_CHARS` characters of content: the
/// system prompt stays, the oldest stored exchanges are left out first (whole pairs), and only when
/// no history is left is the new text cut (its beginning is kept). Characters are Unicode scalars,
/// not grapheme clusters: one cluster can hold thousands of combining marks, and the cost follows
/// the scalars.
public struct PromptBudget: Sendable, Equatable {
    /// The most characters (Unicode scalars) of content a request may carry.
    public let maximumCharacters: Int

    /// A budget of `maximumCharacters` (at least 1).
    public init(maximumCharacters: Int) {
        self.maximumCharacters = max(1, maximumCharacters)
    }

    /// The request: `system` (when set), then as many of the newest `history` messages as fit
    /// (alternating user/assistant, oldest first, whole pairs), then `text`, cut when it does not fit.
    public func request(system: String?, history: [ChatMessage], text: String) -> [ChatMessage] {
        var head: [ChatMessage] = []
        var used: Int = 0
        if let system, !system.isEmpty {
            head.append(ChatMessage(role: "system", content: system))
            used += system.unicodeScalars.count
        }
        let remaining: Int = max(0, maximumCharacters - used)
        let scalars: String.UnicodeScalarView = text.unicodeScalars
        let newText: String = scalars.count <= remaining ? text : String(String.UnicodeScalarView(scalars.prefix(remaining)))
        var budget: Int = remaining - newText.unicodeScalars.count
        var kept: [ChatMessage] = []
        var index: Int = history.count
        // Whole exchanges from the newest back; a lone trailing message counts as one.
        while index > 0 {
            let start: Int = max(0, index - 2)
            let pair: ArraySlice<ChatMessage> = history[start ..< index]
            let size: Int = pair.reduce(0) { $0 + $1.content.unicodeScalars.count }
            guard size <= budget else { break }
            budget -= size
            kept.insert(contentsOf: pair, at: 0)
            index = start
        }
        return head + kept + [ChatMessage(role: "user", content: newText)]
    }
}

import TLSchema

/// Someone is typing (or recording, uploading, …) in a chat.
public struct TypingEvent: Sendable {
    /// The chat.
    public let chat: PeerID
    /// Who.
    public let sender: PeerID
    /// What they do (`sendMessageTypingAction`, `sendMessageCancelAction`, …).
    public let action: Api.SendMessageAction
}

extension EventFilter where Self == UpdateFilter<TypingEvent> {
    /// Typing notifications.
    public static var typing: UpdateFilter<TypingEvent> {
        UpdateFilter { (update: Api.Update, _: TelegramClient) -> TypingEvent? in
            switch update {
            case .updateUserTyping(let u): return TypingEvent(chat: .user(u.userId), sender: .user(u.userId), action: u.action)
            case .updateChatUserTyping(let u): return TypingEvent(chat: .chat(u.chatId), sender: PeerID(u.fromId), action: u.action)
            case .updateChannelUserTyping(let u): return TypingEvent(chat: .channel(u.channelId), sender: PeerID(u.fromId), action: u.action)
            default: return nil
            }
        }
    }
}

/// A button of a bot's message was pressed (bot accounts only).
public struct CallbackQueryEvent: Sendable {
    /// The query, to answer with ``answer(_:alert:)``.
    public let queryID: Int64
    /// Who pressed it.
    public let user: Int64
    /// The chat of the message.
    public let chat: PeerID
    /// The message with the button.
    public let messageID: Int32
    /// The button's data, if any.
    public let data: [UInt8]?
    /// The client it arrived on.
    public let client: TelegramClient

    /// Answers the query (`messages.setBotCallbackAnswer`): a notification, or an alert.
    public func answer(_ text: String? = nil, alert: Bool = false) async throws {
        _ = try await client.invoke(Api.functions.messages.SetBotCallbackAnswer(alert: alert, queryId: queryID, message: text, cacheTime: 0))
    }
}

extension EventFilter where Self == UpdateFilter<CallbackQueryEvent> {
    /// Callback queries (bot accounts).
    public static var callbackQuery: UpdateFilter<CallbackQueryEvent> {
        UpdateFilter { (update: Api.Update, client: TelegramClient) -> CallbackQueryEvent? in
            guard case .updateBotCallbackQuery(let u) = update else { return nil }
            return CallbackQueryEvent(queryID: u.queryId, user: u.userId, chat: PeerID(u.peer), messageID: u.msgId, data: u.data, client: client)
        }
    }
}

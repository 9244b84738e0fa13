/// Where a peer known only from a `min` constructor was seen: a message in a chat the account can
/// address. Telegram accepts `inputPeerUserFromMessage` / `inputPeerChannelFromMessage` with it
/// ([min constructors](https://core.telegram.org/api/min)).
public struct MinContext: Hashable, Sendable {
    /// The chat the message is in (a group or channel the account can address itself).
    public var chat: PeerID
    /// The message's id in that chat.
    public var messageID: Int32

    /// The message `messageID` of `chat`.
    public init(chat: PeerID, messageID: Int32) {
        self.chat = chat
        self.messageID = messageID
    }
}

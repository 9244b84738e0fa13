/// A message the account sent, as Telegram acknowledged it.
public struct SentMessage: Hashable, Sendable {
    /// Its id (in the chat's box for channels, the common box otherwise).
    public var id: Int32
    /// The unix time Telegram gave it.
    public var date: Int32
    /// The `random_id` it was sent with (a resend with it is refused as `RANDOM_ID_DUPLICATE`).
    public var randomID: Int64

    /// A sent message.
    public init(id: Int32, date: Int32, randomID: Int64) {
        self.id = id
        self.date = date
        self.randomID = randomID
    }
}

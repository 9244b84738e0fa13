import TLSchema

/// One chat of the account's chat list.
public struct Dialog: Sendable {
    /// The chat.
    public var peer: PeerID
    /// Its newest message, when Telegram sent it along.
    public var topMessage: Api.Message?
    /// The id of its newest message.
    public var topMessageID: Int32
    /// How many incoming messages are unread.
    public var unreadCount: Int32
    /// The highest incoming message id read.
    public var readInboxMaxID: Int32
    /// The folder it is in (1: the archive), nil for the main list.
    public var folderID: Int32?
    /// Pinned at the top of its folder.
    public var isPinned: Bool

    /// A dialog.
    public init(
        peer: PeerID, topMessage: Api.Message?, topMessageID: Int32, unreadCount: Int32, readInboxMaxID: Int32, folderID: Int32?,
        isPinned: Bool
    ) {
        self.peer = peer
        self.topMessage = topMessage
        self.topMessageID = topMessageID
        self.unreadCount = unreadCount
        self.readInboxMaxID = readInboxMaxID
        self.folderID = folderID
        self.isPinned = isPinned
    }
}

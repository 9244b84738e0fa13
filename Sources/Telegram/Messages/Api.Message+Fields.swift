import TLSchema

extension Api.Message {
    /// The message's id in its box (the chat's for channels, the account's common box otherwise).
    public var messageID: Int32 {
        switch self {
        case .message(let m): return m.id
        case .messageService(let m): return m.id
        case .messageEmpty(let m): return m.id
        }
    }

    /// The chat the message is in; nil for `messageEmpty` without one.
    public var chat: PeerID? {
        switch self {
        case .message(let m): return PeerID(m.peerId)
        case .messageService(let m): return PeerID(m.peerId)
        case .messageEmpty(let m): return m.peerId.map(PeerID.init)
        }
    }

    /// The unix time it was sent; 0 for `messageEmpty`.
    public var date: Int32 {
        switch self {
        case .message(let m): return m.date
        case .messageService(let m): return m.date
        case .messageEmpty: return 0
        }
    }

    /// The text (a caption for media); empty for service messages.
    public var text: String {
        if case .message(let m) = self { return m.message }
        return ""
    }
}

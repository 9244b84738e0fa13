import MTProto

/// Why a call of the client layer failed without the server naming an error (those arrive as
/// ``MTProto/RPCError``; match them with ``MTProto/RPCError/is(_:)``).
public enum TelegramError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer is not known to the account: never seen, not resolvable, or an unparsable reference.
    case peerNotFound(String)
    /// The peer is known only from a `min` constructor and no message it was seen in is known, so
    /// Telegram cannot be asked about it.
    case peerNotAddressable(PeerID)
    /// The call works on channels (and supergroups) only, and was given another kind of peer.
    case notAChannel(PeerID)
    /// The server answered with a constructor this call cannot use (named in the text).
    case unexpectedResult(String)
    /// The client is not started, or was stopped.
    case notStarted
    /// The store failed.
    case storage(SessionStorageError)

    public var description: String {
        switch self {
        case .peerNotFound(let reference): return "unknown peer \(reference)"
        case .peerNotAddressable(let peer): return "the peer \(peer) is only known from a min constructor and cannot be addressed"
        case .notAChannel(let peer): return "\(peer) is not a channel"
        case .unexpectedResult(let what): return "unexpected answer from Telegram: \(what)"
        case .notStarted: return "the Telegram client is not started"
        case .storage(let error): return "\(error)"
        }
    }
}

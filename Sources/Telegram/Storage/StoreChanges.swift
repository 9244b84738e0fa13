/// What one commit to a ``ClientStore`` changes; everything left empty is left as it is.
public struct StoreChanges: Sendable {
    /// The common-box state (pts, qts, date, seq) to store; its ``UpdatesState/channels`` are merged
    /// into the stored channel pts (channels not named keep theirs).
    public var state: UpdatesState?
    /// Channels whose box is forgotten (left, forbidden, or too long behind).
    public var removedChannels: Set<Int64>
    /// Peers to store, each replacing the stored row of its id (merge first: ``Peer/merged(with:)``).
    public var peers: [Peer]
    /// The logged-in user's id.
    public var selfUserID: Int64?

    /// Changes; none unless given.
    public init(state: UpdatesState? = nil, removedChannels: Set<Int64> = [], peers: [Peer] = [], selfUserID: Int64? = nil) {
        self.state = state
        self.removedChannels = removedChannels
        self.peers = peers
        self.selfUserID = selfUserID
    }

    /// Whether the commit would change nothing.
    public var isEmpty: Bool { state == nil && removedChannels.isEmpty && peers.isEmpty && selfUserID == nil }
}

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
    /// The updates whose application ``state`` records (what the updates engine hands to its
    /// consumers right after this commit): a commit hook (``SQLiteClientStore/setCommitHook(_:)``)
    /// writes the application's rows for them in the same transaction, so they are handled
    /// exactly once across crashes.
    public var updates: UpdateBatch?

    /// Changes; none unless given.
    public init(
        state: UpdatesState? = nil, removedChannels: Set<Int64> = [], peers: [Peer] = [], selfUserID: Int64? = nil, updates: UpdateBatch? = nil
    ) {
        self.state = state
        self.updates = updates
        self.removedChannels = removedChannels
        self.peers = peers
        self.selfUserID = selfUserID
    }

    /// Whether the commit would change nothing.
    public var isEmpty: Bool { state == nil && removedChannels.isEmpty && peers.isEmpty && selfUserID == nil }
}

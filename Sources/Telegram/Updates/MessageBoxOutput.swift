import TLSchema

/// What one step of a ``MessageBox`` produced: updates to hand on, and the state to persist.
public struct MessageBoxOutput: Sendable {
    /// The updates applied by the step, in order, with their users, chats and notices.
    public var batch: UpdateBatch = UpdateBatch()
    /// The common-box state (pts, qts, date, seq) or a channel's pts moved: persist the state.
    public var stateChanged: Bool = false
    /// Channels whose pts moved in this step (persist just these).
    public var changedChannels: Set<Int64> = []
    /// Channels no longer followed (delete their stored pts).
    public var removedChannels: Set<Int64> = []

    /// Nothing to hand on and nothing to persist.
    public init() {}

    /// Nothing happened.
    public var isEmpty: Bool { batch.isEmpty && !stateChanged && removedChannels.isEmpty }
}

/// A call a ``MessageBox`` needs made; answer it with the matching `apply` or `…Failed`.
public enum UpdatesRequest: Equatable, Sendable {
    /// `updates.getDifference` from these positions (answer with ``MessageBox/apply(difference:now:)``).
    case difference(pts: Int32, qts: Int32, date: Int32)
    /// `updates.getChannelDifference` of the channel from `pts` (answer with
    /// ``MessageBox/apply(channelDifference:channel:now:)``).
    case channelDifference(channel: Int64, pts: Int32, limit: Int32)
}

/// Why a channel's difference could not be fetched.
public enum ChannelDifferenceFailure: Equatable, Sendable {
    /// `CHANNEL_PRIVATE`, `CHANNEL_INVALID`, a ban: the channel's box is dropped.
    case unavailable
    /// No access hash is known to ask with: the buffered updates are applied and the gap skipped.
    case unaddressable
    /// A network or server error: asked again later, with backoff.
    case transient
}

/// The account's position in its update boxes
/// ([updates](https://core.telegram.org/api/updates)): the common box (`pts`), the secondary box
/// (`qts`), `date` and `seq`, and one pts per channel.
public struct UpdatesState: Hashable, Sendable {
    /// The common box: the last applied message event (new messages, edits, deletions, reads).
    public var pts: Int32
    /// The secondary box: the last applied secret-chat or bot update.
    public var qts: Int32
    /// The server's unix time of this state, sent with `updates.getDifference`.
    public var date: Int32
    /// The sequence number of the last applied `updates`/`updatesCombined`.
    public var seq: Int32
    /// The pts of each channel's own box, by channel id.
    public var channels: [Int64: Int32]

    /// A state; no channel pts unless given.
    public init(pts: Int32, qts: Int32, date: Int32, seq: Int32, channels: [Int64: Int32] = [:]) {
        self.pts = pts
        self.qts = qts
        self.date = date
        self.seq = seq
        self.channels = channels
    }
}

import MTProto

/// The statements of one SQLite transaction of a ``SQLiteClientStore``: the client's own changes
/// and any the application adds with ``execute(_:_:)``, committed together or not at all.
public struct ClientStoreTransaction: Sendable {
    /// The statements so far, in order.
    public private(set) var statements: [(sql: String, values: [SQLiteValue])] = []

    /// An empty transaction.
    public init() {}

    /// Adds one statement of the application's own (its tables, not the `tg_` ones).
    public mutating func execute(_ sql: String, _ values: [SQLiteValue] = []) {
        statements.append((sql, values))
    }

    /// Adds the statements that store `changes`.
    public mutating func apply(_ changes: StoreChanges) {
        if let state = changes.state {
            for (name, value) in [("pts", state.pts), ("qts", state.qts), ("date", state.date), ("seq", state.seq)] {
                setValue(name, Int64(value))
            }
            for (channel, pts) in state.channels {
                execute("INSERT OR REPLACE INTO tg_channels (channel, pts) VALUES (?, ?)", [.integer(channel), .integer(Int64(pts))])
            }
        }
        for channel in changes.removedChannels {
            execute("DELETE FROM tg_channels WHERE channel = ?", [.integer(channel)])
        }
        for peer in changes.peers {
            execute(PeerRow.upsert, PeerRow.values(peer))
        }
        if let id = changes.selfUserID { setValue("self_user_id", id) }
    }

    private mutating func setValue(_ name: String, _ value: Int64) {
        execute("INSERT OR REPLACE INTO tg_values (name, value) VALUES (?, ?)", [.text(name), .integer(value)])
    }
}

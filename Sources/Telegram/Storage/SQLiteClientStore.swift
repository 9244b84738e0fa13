import Foundation
import MTProto

/// The default ``ClientStore``: tables prefixed `tg_` in the session file, next to the auth keys
/// of ``MTProto/SQLiteSessionStorage``. An application commits its own rows atomically with the
/// client's changes, either by hand (``transaction(_:)``) or with every commit the client makes
/// (``setCommitHook(_:)``: the hook sees the changes and adds its statements to the same
/// transaction, the way an exactly-once reply queue must be written with the update state).
public final class SQLiteClientStore: ClientStore, @unchecked Sendable {
    /// A function that adds the application's statements to a commit of the client's changes.
    public typealias CommitHook = @Sendable (_ changes: StoreChanges, _ transaction: inout ClientStoreTransaction) throws -> Void

    /// The session file the tables live in.
    public let session: SQLiteSessionStorage
    // `hook` is only touched under `lock`.
    private let lock: NSLock = NSLock()
    private var hook: CommitHook?

    /// Creates the `tg_` tables in `session` where missing; existing rows are kept.
    public init(session: SQLiteSessionStorage) throws(SessionStorageError) {
        self.session = session
        for sql in [
            "CREATE TABLE IF NOT EXISTS tg_values (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS tg_channels (channel INTEGER PRIMARY KEY, pts INTEGER NOT NULL)",
            PeerRow.createTable,
        ] + PeerRow.indexes {
            try session.execute(sql)
        }
    }

    /// Sets (or with nil removes) the function that adds the application's statements to every
    /// ``commit(_:)``.
    public func setCommitHook(_ hook: CommitHook?) {
        lock.withLock { self.hook = hook }
    }

    /// Runs `body` to collect statements, then commits them as one SQLite transaction; nothing is
    /// written when `body` throws.
    public func transaction(_ body: (inout ClientStoreTransaction) throws -> Void) throws {
        var transaction: ClientStoreTransaction = ClientStoreTransaction()
        try body(&transaction)
        guard !transaction.statements.isEmpty else { return }
        try session.transaction(transaction.statements)
    }

    /// Stores `changes` and whatever the commit hook adds, in one transaction.
    public func commit(_ changes: StoreChanges) throws {
        let hook: CommitHook? = lock.withLock { self.hook }
        try transaction { (transaction: inout ClientStoreTransaction) throws in
            transaction.apply(changes)
            try hook?(changes, &transaction)
        }
    }

    /// The state in `tg_values` and `tg_channels`, or nil before one was committed.
    public func updatesState() throws -> UpdatesState? {
        var values: [String: Int64] = [:]
        for row in try session.rows("SELECT name, value FROM tg_values") {
            if let name = row[0].text, let value = row[1].integer { values[name] = value }
        }
        guard let pts = values["pts"], let qts = values["qts"], let date = values["date"], let seq = values["seq"] else { return nil }
        var channels: [Int64: Int32] = [:]
        for row in try session.rows("SELECT channel, pts FROM tg_channels") {
            if let channel = row[0].integer, let pts = row[1].integer { channels[channel] = Int32(truncatingIfNeeded: pts) }
        }
        return UpdatesState(
            pts: Int32(truncatingIfNeeded: pts), qts: Int32(truncatingIfNeeded: qts), date: Int32(truncatingIfNeeded: date),
            seq: Int32(truncatingIfNeeded: seq), channels: channels)
    }

    /// The row of `tg_peers` with this kind and id.
    public func peer(_ id: PeerID) throws -> Peer? {
        try firstPeer("kind = ? AND id = ?", [.integer(PeerRow.kind(id)), .integer(id.id)])
    }

    /// The row with this username (without `@`, any case); a full one before a `min` one.
    public func peer(username: String) throws -> Peer? {
        let name: String = username.hasPrefix("@") ? String(username.dropFirst()) : username
        return try firstPeer("username = ? COLLATE NOCASE", [.text(name)])
    }

    /// The user row with this phone number (only its digits compared).
    public func peer(phone: String) throws -> Peer? {
        try firstPeer("kind = 0 AND phone = ?", [.text(phone.filter(\.isNumber))])
    }

    /// The `self_user_id` value, once committed.
    public func selfUserID() throws -> Int64? {
        try session.rows("SELECT value FROM tg_values WHERE name = 'self_user_id'").first?.first?.integer
    }

    /// How many peers are stored.
    public func peerCount() throws -> Int {
        Int(try session.rows("SELECT count(*) FROM tg_peers").first?.first?.integer ?? 0)
    }

    private func firstPeer(_ condition: String, _ values: [SQLiteValue]) throws -> Peer? {
        // A full peer before a min one: usernames move, and the full row is the one to address.
        try session.rows("SELECT \(PeerRow.columns) FROM tg_peers WHERE \(condition) ORDER BY is_min LIMIT 1", values).first.flatMap(PeerRow.peer)
    }
}

import MTProto
import Telegram

extension BotStorage {
    /// Session files of the bot from before it ran on `Telegram` kept the update state (`pts`,
    /// `qts`, `date`, `seq`) and the self user's id in `bot_values`, the channel pts in
    /// `channel_pts` and the peers in `peers`. They move into the client store's `tg_` tables in one
    /// transaction (the old rows and tables go in it too), so the first run after the upgrade fetches
    /// the difference from where the old bot stopped: nothing received during the downtime is lost.
    /// A client store that has a state already keeps it (the old rows are only dropped).
    func migrateUpdateStateAndPeers() throws(SessionStorageError) {
        let tables: Set<String> = Set(try session.rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text })
        var old: [String: Int64] = [:]
        for row in try session.rows("SELECT name, value FROM bot_values WHERE name IN ('pts', 'qts', 'date', 'seq', 'self_user_id')") {
            if let name = row[0].text, let value = row[1].integer { old[name] = value }
        }
        guard !old.isEmpty || tables.contains("channel_pts") || tables.contains("peers") else { return }
        var changes: StoreChanges = StoreChanges()
        let hasState: Bool = (try? clientStore.updatesState()) != nil
        if !hasState, let pts = old["pts"], let qts = old["qts"], let date = old["date"], let seq = old["seq"] {
            var channels: [Int64: Int32] = [:]
            if tables.contains("channel_pts") {
                for row in try session.rows("SELECT channel, pts FROM channel_pts") {
                    if let channel = row[0].integer, let value = row[1].integer { channels[channel] = Int32(truncatingIfNeeded: value) }
                }
            }
            changes.state = UpdatesState(
                pts: Int32(truncatingIfNeeded: pts), qts: Int32(truncatingIfNeeded: qts), date: Int32(truncatingIfNeeded: date),
                seq: Int32(truncatingIfNeeded: seq), channels: channels)
            if tables.contains("peers") { changes.peers = try oldPeers() }
        }
        if ((try? clientStore.selfUserID()) ?? nil) == nil, let me = old["self_user_id"] { changes.selfUserID = me }
        var transaction: ClientStoreTransaction = ClientStoreTransaction()
        transaction.apply(changes)
        transaction.execute("DELETE FROM bot_values WHERE name IN ('pts', 'qts', 'date', 'seq', 'self_user_id')")
        if tables.contains("channel_pts") { transaction.execute("DROP TABLE channel_pts") }
        if tables.contains("peers") { transaction.execute("DROP TABLE peers") }
        try session.transaction(transaction.statements)
    }

    /// The rows of the old `peers` table as the client's peers (a file from before peer flags has none).
    private func oldPeers() throws(SessionStorageError) -> [Peer] {
        let columns: [String] = try session.rows("PRAGMA table_info(peers)").compactMap { $0.count > 1 ? $0[1].text : nil }
        let flags: String = columns.contains("flags") ? "flags" : "0"
        return try session.rows("SELECT kind, id, access_hash, is_min, username, phone, \(flags) FROM peers").compactMap { (row: [SQLiteValue]) -> Peer? in
            guard let kind = row[0].integer, let id = row[1].integer, let hash = row[2].integer, let isMin = row[3].integer else { return nil }
            let peerID: PeerID
            switch kind {
            case 0: peerID = .user(id)
            case 1: peerID = .chat(id)
            case 2: peerID = .channel(id)
            default: return nil
            }
            return Peer(
                id: peerID, accessHash: hash, isMin: isMin != 0, username: row[4].text, phone: row[5].text,
                flags: Self.migratedFlags(row[6].integer ?? 0))
        }
    }

    /// The old bot's user flag bits (bot, support, scam, fake, deleted, contact, mutual contact,
    /// verified: bits 0 to 7) as the client's ``Telegram/PeerFlags``.
    static func migratedFlags(_ old: Int64) -> PeerFlags {
        let order: [PeerFlags] = [.bot, .support, .scam, .fake, .deleted, .contact, .mutualContact, .verified]
        var flags: PeerFlags = []
        for (bit, flag) in order.enumerated() where old & (1 << Int64(bit)) != 0 { flags.insert(flag) }
        return flags
    }
}

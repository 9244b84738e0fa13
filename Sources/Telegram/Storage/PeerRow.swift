import MTProto

/// How a ``Peer`` is kept in `tg_peers`: one row per kind and id.
enum PeerRow {
    static let createTable: String = """
        CREATE TABLE IF NOT EXISTS tg_peers (kind INTEGER NOT NULL, id INTEGER NOT NULL, access_hash INTEGER NOT NULL,
            is_min INTEGER NOT NULL, username TEXT, phone TEXT, name TEXT NOT NULL, flags INTEGER NOT NULL,
            context_kind INTEGER, context_id INTEGER, context_message INTEGER, PRIMARY KEY (kind, id))
        """
    static let indexes: [String] = [
        "CREATE INDEX IF NOT EXISTS tg_peers_username ON tg_peers (username COLLATE NOCASE)",
        "CREATE INDEX IF NOT EXISTS tg_peers_phone ON tg_peers (phone)",
    ]
    static let columns: String = "kind, id, access_hash, is_min, username, phone, name, flags, context_kind, context_id, context_message"
    static let upsert: String = "INSERT OR REPLACE INTO tg_peers (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static func values(_ peer: Peer) -> [SQLiteValue] {
        let context: (kind: SQLiteValue, id: SQLiteValue, message: SQLiteValue) = peer.minContext.map {
            (.integer(kind($0.chat)), .integer($0.chat.id), .integer(Int64($0.messageID)))
        } ?? (.null, .null, .null)
        return [
            .integer(kind(peer.id)), .integer(peer.id.id), .integer(peer.accessHash), .integer(peer.isMin ? 1 : 0),
            peer.username.map { SQLiteValue.text($0) } ?? .null, peer.phone.map { SQLiteValue.text($0) } ?? .null, .text(peer.name),
            .integer(peer.flags.rawValue), context.kind, context.id, context.message,
        ]
    }

    /// The peer of a row selected with ``columns``; nil for a row that is not one.
    static func peer(_ row: [SQLiteValue]) -> Peer? {
        guard row.count == 11, let kind = row[0].integer, let id = row[1].integer, let peerID = decode(kind: kind, id: id),
              let hash = row[2].integer, let isMin = row[3].integer, let flags = row[7].integer else { return nil }
        var context: MinContext? = nil
        if let contextKind = row[8].integer, let contextID = row[9].integer, let message = row[10].integer,
           let chat = decode(kind: contextKind, id: contextID) {
            context = MinContext(chat: chat, messageID: Int32(truncatingIfNeeded: message))
        }
        return Peer(
            id: peerID, accessHash: hash, isMin: isMin != 0, username: row[4].text, phone: row[5].text, name: row[6].text ?? "",
            flags: PeerFlags(rawValue: flags), minContext: context)
    }

    /// The `kind` column of a peer id: 0 user, 1 basic group, 2 channel.
    static func kind(_ id: PeerID) -> Int64 {
        switch id {
        case .user: return 0
        case .chat: return 1
        case .channel: return 2
        }
    }

    private static func decode(kind: Int64, id: Int64) -> PeerID? {
        switch kind {
        case 0: return .user(id)
        case 1: return .chat(id)
        case 2: return .channel(id)
        default: return nil
        }
    }
}

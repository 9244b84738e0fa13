/// The peers most recently used, at most `capacity` of them: the store is the source, this only
/// spares it reads. When full, the least recently used tenth is dropped at once (so an eviction
/// costs O(log n) per peer, amortised).
struct PeerLRU: Sendable {
    let capacity: Int
    private var entries: [PeerID: (peer: Peer, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many peers are held.
    var count: Int { entries.count }

    /// The peer, if held; marks it used.
    mutating func get(_ id: PeerID) -> Peer? {
        guard let entry = entries[id] else { return nil }
        clock += 1
        entries[id] = (entry.peer, clock)
        return entry.peer
    }

    /// Holds `peer` as the most recently used one.
    mutating func put(_ peer: Peer) {
        clock += 1
        entries[peer.id] = (peer, clock)
        guard entries.count > capacity else { return }
        let keep: Int = max(1, capacity - max(1, capacity / 10))
        let oldest: [PeerID] = entries.sorted { $0.value.used < $1.value.used }.prefix(entries.count - keep).map(\.key)
        for id in oldest { entries[id] = nil }
    }
}

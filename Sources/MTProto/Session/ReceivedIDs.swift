/// The most recent message ids received in a session, for replay protection (messages notes §3.8):
/// an id equal to a stored one, or below every stored id once the window is full, is a replay.
struct ReceivedIDs: Sendable {
    private let capacity: Int
    private var ring: [Int64] = []
    private var next: Int = 0
    private var set: Set<Int64> = []

    init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// Records `id`; false when it must be ignored as a duplicate or too old.
    mutating func insert(_ id: Int64) -> Bool {
        if set.contains(id) { return false }
        if ring.count == capacity {
            let oldest: Int64 = ring.min() ?? Int64.min
            if id < oldest { return false }
            set.remove(ring[next])
            ring[next] = id
            next = (next + 1) % capacity
        } else {
            ring.append(id)
        }
        set.insert(id)
        return true
    }

    mutating func removeAll() {
        ring.removeAll()
        set.removeAll()
        next = 0
    }
}

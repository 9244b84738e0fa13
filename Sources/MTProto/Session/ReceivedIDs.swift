/// The most recent message ids received in a session, for replay protection (messages notes §3.8):
/// an id equal to a stored one is a replay, and so is one not above the highest id already
/// forgotten (it might be one of them). O(1) per message.
struct ReceivedIDs: Sendable {
    private let capacity: Int
    private var ring: [Int64] = []
    private var next: Int = 0
    private var set: Set<Int64> = []
    /// The highest id evicted from the window.
    private var floor: Int64 = Int64.min

    init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// Records `id`; false when it must be ignored as a duplicate or too old.
    mutating func insert(_ id: Int64) -> Bool {
        if set.contains(id) || id <= floor { return false }
        if ring.count == capacity {
            floor = max(floor, ring[next])
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
        floor = Int64.min
    }
}

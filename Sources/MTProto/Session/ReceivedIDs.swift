/// The most recent message ids received in a session, for replay protection (messages notes §3.8):
/// an id equal to a stored one is a replay, and so is one not above the highest id already
/// forgotten (it might be one of them). O(1) per message. It also answers `msgs_state_req`.
package struct ReceivedIDs: Sendable {
    private let capacity: Int
    private var ring: [Int64] = []
    private var next: Int = 0
    private var set: Set<Int64> = []
    /// The stored ids of content-related messages (those that need an ack).
    private var contentRelated: Set<Int64> = []
    /// The highest id evicted from the window.
    private var floor: Int64 = Int64.min
    /// The highest id received.
    private var highest: Int64 = Int64.min

    /// An empty window of the `capacity` newest ids.
    package init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// Records `id`; false when it must be ignored as a duplicate or too old.
    package mutating func insert(_ id: Int64, contentRelated isContentRelated: Bool = false) -> Bool {
        if set.contains(id) || id <= floor { return false }
        if ring.count == capacity {
            floor = max(floor, ring[next])
            set.remove(ring[next])
            contentRelated.remove(ring[next])
            ring[next] = id
            next = (next + 1) % capacity
        } else {
            ring.append(id)
        }
        set.insert(id)
        if isContentRelated { contentRelated.insert(id) }
        highest = max(highest, id)
        return true
    }

    /// Whether `id` was received (and is still remembered).
    package func contains(_ id: Int64) -> Bool { set.contains(id) }

    /// The `msgs_state_info` status byte of `id` (messages notes §7): 1 nothing known (forgotten),
    /// 2 not received, 3 not received and above every id received, 4 received, with +8 when its ack
    /// was sent or +16 when it needs none.
    package func state(of id: Int64, ackPending: Bool) -> UInt8 {
        if set.contains(id) {
            if !contentRelated.contains(id) { return 4 | 16 }
            return ackPending ? 4 : 4 | 8
        }
        if id <= floor { return 1 }
        return id > highest ? 3 : 2
    }

    /// Forgets every id (a new session starts).
    package mutating func removeAll() {
        ring.removeAll()
        set.removeAll()
        contentRelated.removeAll()
        next = 0
        floor = Int64.min
        highest = Int64.min
    }
}

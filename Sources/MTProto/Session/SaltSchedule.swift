import TLSchema

/// Server salts announced by `future_salts` (messages notes §7): kept, switched to as each one
/// becomes valid, and fetched again before the last one expires.
struct SaltSchedule: Sendable {
    /// Ask for more salts when the last known one expires within this many seconds.
    static let refillMargin: Double = 600
    /// A request not answered after this many seconds may be made again.
    static let requestTimeout: Double = 60

    /// Known salts, by `valid_since`.
    private var salts: [MT.FutureSalt] = []
    /// When (local seconds) salts were last asked for and not yet received.
    private var requestedAt: Double?

    /// Stores announced salts (replacing the ones known before).
    mutating func store(_ announced: [MT.FutureSalt]) {
        salts = announced.filter { $0.validSince < $0.validUntil }.sorted { $0.validSince < $1.validSince }
        requestedAt = nil
    }

    /// The salt valid at server time `serverNow` that became valid last; salts that expired are dropped.
    mutating func current(at serverNow: Double) -> Int64? {
        salts.removeAll { Double($0.validUntil) <= serverNow }
        return salts.last { Double($0.validSince) <= serverNow }?.salt
    }

    /// Whether to ask for salts now (`now` local, `serverNow` the server's time): none known runs
    /// long enough, and no request is under way.
    func needsMore(now: Double, serverNow: Double) -> Bool {
        if let requestedAt, now - requestedAt < Self.requestTimeout { return false }
        return Double(salts.last?.validUntil ?? 0) < serverNow + Self.refillMargin
    }

    /// Notes that salts were asked for at local time `now`.
    mutating func requested(now: Double) { requestedAt = now }

    /// Forgets the known salts (the server refused one of ours: they are fetched again).
    mutating func removeAll() { salts.removeAll() }
}

/// Every call the client has taken in and not completed: its body, where it stands in the session
/// (a call's id is its token there), its deadline, and who waits for the answer. A value: the actor
/// asks it and performs what it says (completes, sends, cancels in the session).
struct CallTable<Completion> {
    /// One call.
    struct Call {
        /// The serialized function (empty when ``build`` makes it).
        var body: [UInt8]
        /// Content-related calls take odd seq_nos; service ones even.
        var contentRelated: Bool
        /// The call's id while it is queued or sent in the current session (its token there); nil while waiting.
        var token: RequestToken?
        /// Who waits for the answer.
        var completion: Completion
        /// For the PFS binding: the body is built for the msg_id and session it is sent with.
        var build: (@Sendable (Int64, Int64) -> [UInt8])? = nil
        /// Part of setting up one connection (binding, initConnection): dropped with it.
        var connectionScoped: Bool = false
        /// When the call fails with ``MTProtoClientError/timeout``.
        var deadline: ContinuousClock.Instant? = nil
    }

    private(set) var calls: [UInt64: Call] = [:]
    /// Calls that wait for a session ready to take them, oldest first.
    private(set) var waiting: [UInt64] = []
    /// Calls cancelled before the client took them in (cancellation and submission race).
    private var cancelledEarly: Set<UInt64> = []

    /// How many calls are not completed.
    var count: Int { calls.count }

    /// Takes in `call` under `id`; it waits unless `send` (then the actor queues it with ``queue(_:)``).
    mutating func insert(_ call: Call, id: UInt64, send: Bool) {
        calls[id] = call
        if !send { waiting.append(id) }
    }

    /// Whether `id` was cancelled before it was taken in; the cancellation is used up.
    mutating func wasCancelledEarly(_ id: UInt64) -> Bool {
        !cancelledEarly.isEmpty && cancelledEarly.remove(id) != nil
    }

    /// Marks call `id` as queued in the session (its token is its id) and returns it; nil when
    /// there is no such call.
    mutating func queue(_ id: UInt64) -> Call? {
        guard let index = calls.index(forKey: id) else { return nil }
        calls.values[index].token = id
        return calls.values[index]
    }

    /// Puts `id` back to waiting (a call that could not be queued: no session).
    mutating func wait(_ id: UInt64) {
        if calls[id] != nil && !waiting.contains(id) { waiting.append(id) }
    }

    /// Removes and returns the call sent under `token` in the current session (nil for an answer
    /// to a call that is gone or was sent in an earlier session).
    mutating func complete(token: RequestToken) -> Call? {
        guard let index = calls.index(forKey: token), calls.values[index].token == token else { return nil }
        return calls.remove(at: index).value
    }

    /// The call sent in the current session under `token`, if there is one.
    func callSent(as token: RequestToken) -> UInt64? {
        guard let index = calls.index(forKey: token), calls.values[index].token == token else { return nil }
        return token
    }

    /// The call `id` is no longer in the session (it will be sent again).
    mutating func unqueue(_ id: UInt64) {
        calls[id]?.token = nil
    }

    /// Removes and returns call `id`. A cancelled call not taken in yet is remembered, so its
    /// submission fails when it arrives.
    mutating func remove(_ id: UInt64, cancelled: Bool = false) -> Call? {
        guard let call = calls.removeValue(forKey: id) else {
            if cancelled { cancelledEarly.insert(id) }
            return nil
        }
        waiting.removeAll { $0 == id }
        return call
    }

    /// The session ended: every call goes back to waiting (oldest first after those already waiting).
    mutating func requeueAll() {
        for key in calls.keys.sorted() where !waiting.contains(key) {
            calls[key]?.token = nil
            waiting.append(key)
        }
    }

    /// Drops the calls of the connection that ended (binding, initConnection); returns the tokens
    /// the session still has for them.
    mutating func removeConnectionScoped() -> [RequestToken] {
        var tokens: [RequestToken] = []
        for (id, call) in calls where call.connectionScoped {
            calls[id] = nil
            if let token = call.token { tokens.append(token) }
        }
        return tokens
    }

    /// Every waiting call, oldest first, now no longer waiting.
    mutating func takeWaiting() -> [UInt64] {
        let taken: [UInt64] = waiting
        waiting.removeAll()
        return taken
    }

    /// Removes every call (the client closes) and returns them.
    mutating func removeAll() -> [Call] {
        let all: [Call] = Array(calls.values)
        calls.removeAll()
        waiting.removeAll()
        return all
    }

    /// The calls whose deadline is at or before `instant` (in id order), and the next deadline after it.
    func expired(at instant: ContinuousClock.Instant) -> (ids: [UInt64], next: ContinuousClock.Instant?) {
        var expired: [UInt64] = []
        var next: ContinuousClock.Instant? = nil
        for (id, call) in calls {
            guard let deadline = call.deadline else { continue }
            if deadline <= instant {
                expired.append(id)
            } else if next.map({ deadline < $0 }) ?? true {
                next = deadline
            }
        }
        return (expired.sorted(), next)
    }
}

/// The phases of an ``MTProtoClient``'s connection as one value: each event the actor sees is a
/// mutating function that moves the phase on and returns what the actor has to do. Events that do
/// not fit the phase (an answer for a connection that has ended, anything after ``close()``) are
/// ignored: they return nil or false and change nothing.
struct ConnectionMachine: Sendable {
    /// Where the current connection stands.
    enum Phase: Equatable, Sendable {
        /// No connection: before the first one and between attempts.
        case idle
        /// Dialling the DC (or the proxy) over TCP.
        case connecting
        /// Creating an auth key (a temporary one for PFS, else the permanent one).
        case exchangingKeys(temporary: Bool)
        /// A new permanent key is being written to the storage; no call goes under it before.
        case awaitingKeyWrite
        /// `auth.bindTempAuthKey` is on its way.
        case binding
        /// `invokeWithLayer(initConnection(help.getConfig))` is on its way.
        case initializing
        /// Calls are sent as they come.
        case ready
        /// Waiting for the calls in flight before switching to a new temporary key; new calls wait.
        case renewing
        /// ``MTProtoClient/close()`` was called; nothing happens any more.
        case closed
    }

    /// What the keys of the home DC allow when a session starts.
    struct Keys: Equatable, Sendable {
        /// The DC's permanent key is known.
        var permanent: Bool
        /// That key is still being written to the storage.
        var permanentBeingWritten: Bool
        /// Perfect forward secrecy is on (``ClientConfiguration/temporaryKeyLifetime``).
        var forwardSecrecy: Bool
        /// The DC's temporary key.
        var temporary: TemporaryKeyStatus
    }

    /// The temporary key of the home DC, as a session start sees it.
    enum TemporaryKeyStatus: Equatable, Sendable {
        /// There is none.
        case none
        /// There is one, but it is due for renewal.
        case due
        /// There is one, not bound yet.
        case unbound
        /// There is one, bound to the permanent key.
        case bound
    }

    /// The first thing the session of a connection needs.
    enum SessionAction: Equatable, Sendable {
        /// Run a key exchange (for a temporary key, or the permanent one).
        case exchangeKey(temporary: Bool)
        /// Drop the temporary key that is due and its session, then exchange a new temporary key.
        case replaceTemporaryKey
        /// Wait for the permanent key's write to the storage (``keyWritten()`` starts again).
        case awaitKeyWrite
        /// Bind the temporary key to the permanent one.
        case bind
        /// Send `initConnection` (the session runs under the permanent key without PFS).
        case initialize
    }

    /// What becoming ready asks of the actor.
    struct Ready: Equatable, Sendable {
        /// The state to publish, if it changed.
        var publish: ConnectionState?
        /// Updates may have been missed while there was no connection (every ready connection but the first).
        var updatesMayBeMissed: Bool
    }

    /// What the end of a connection asks of the actor.
    struct Ended: Equatable, Sendable {
        /// The connection had become ready (its end is no failure: the next attempt has no backoff).
        var wasReady: Bool
        /// The state to publish, if it changed.
        var publish: ConnectionState?
    }

    /// The current phase.
    private(set) var phase: Phase = .idle
    /// What ``MTProtoClient/connectionState`` reports.
    private(set) var published: ConnectionState = .connecting
    /// Connections that became ready so far.
    private(set) var readyConnections: Int = 0
    /// Counts opened connections: answers carry the generation they were sent in, and one of an
    /// earlier connection is ignored.
    private(set) var generation: Int = 0

    /// Calls go to the session at once (else they wait).
    var sendsCalls: Bool { phase == .ready }
    /// The connection has been initialised (it may be renewing its key).
    var isReady: Bool { phase == .ready || phase == .renewing }
    /// ``MTProtoClient/close()`` was called.
    var isClosed: Bool { phase == .closed }

    /// A connection attempt starts. False (ignored) unless idle.
    mutating func dial() -> Bool {
        guard phase == .idle else { return false }
        phase = .connecting
        return true
    }

    /// TCP is connected: returns the connection's generation, or nil (ignored) unless connecting.
    mutating func opened() -> Int? {
        guard phase == .connecting else { return nil }
        generation += 1
        return generation
    }

    /// The session starts, or starts again once a key exists: returns its first step, or nil
    /// (ignored) when no connection is being set up.
    mutating func startSession(_ keys: Keys) -> SessionAction? {
        switch phase {
        case .connecting, .exchangingKeys, .awaitingKeyWrite: break
        case .idle, .binding, .initializing, .ready, .renewing, .closed: return nil
        }
        let action: SessionAction = Self.firstStep(keys)
        switch action {
        case .exchangeKey(let temporary): phase = .exchangingKeys(temporary: temporary)
        case .replaceTemporaryKey: phase = .exchangingKeys(temporary: true)
        case .awaitKeyWrite: phase = .awaitingKeyWrite
        case .bind: phase = .binding
        case .initialize: phase = .initializing
        }
        return action
    }

    private static func firstStep(_ keys: Keys) -> SessionAction {
        guard keys.permanent else { return .exchangeKey(temporary: false) }
        if keys.permanentBeingWritten { return .awaitKeyWrite }
        guard keys.forwardSecrecy else { return .initialize }
        switch keys.temporary {
        case .none: return .exchangeKey(temporary: true)
        case .due: return .replaceTemporaryKey
        case .unbound: return .bind
        case .bound: return .initialize
        }
    }

    /// The permanent key's write finished: whether the session waited for it (then the actor
    /// starts it again with ``startSession(_:)``).
    func keyWritten() -> Bool {
        phase == .awaitingKeyWrite
    }

    /// The temporary key was bound: whether `initConnection` follows (false, ignored, unless binding).
    mutating func bound() -> Bool {
        guard phase == .binding else { return false }
        phase = .initializing
        return true
    }

    /// `initConnection` was answered: what to do, or nil (ignored) unless initialising.
    mutating func initialized() -> Ready? {
        guard phase == .initializing else { return nil }
        phase = .ready
        readyConnections += 1
        return Ready(publish: publish(.ready), updatesMayBeMissed: readyConnections > 1)
    }

    /// The temporary key is due for renewal: whether renewal starts now (false when it had
    /// already started, or the connection is not ready).
    mutating func renewalDue() -> Bool {
        guard phase == .ready else { return false }
        phase = .renewing
        return true
    }

    /// The connection ended (or could not be made). Ignored after ``close()``.
    mutating func ended() -> Ended {
        guard phase != .closed else { return Ended(wasReady: false, publish: nil) }
        let wasReady: Bool = isReady
        phase = .idle
        return Ended(wasReady: wasReady, publish: readyConnections > 0 ? publish(.reconnecting) : nil)
    }

    /// ``MTProtoClient/close()``: returns the state to publish (nil when already closed).
    mutating func close() -> ConnectionState? {
        phase = .closed
        return publish(.closed)
    }

    private mutating func publish(_ state: ConnectionState) -> ConnectionState? {
        guard published != state, published != .closed else { return nil }
        published = state
        return state
    }
}

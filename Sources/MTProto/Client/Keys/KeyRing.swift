/// The auth keys of a client, per DC, and the decisions about them: a new permanent key is written
/// to the storage before it carries a call (the write gate), temporary (PFS) keys live in memory
/// only (auth-key notes §12) and are renewed once three quarters of their lifetime have passed, and
/// bindings the server keeps refusing mean it no longer knows the permanent key.
struct KeyRing: Sendable {
    /// A temporary (PFS) key of a DC.
    struct TemporaryKey: Sendable, Equatable {
        /// The key with its salt and clock offset.
        var result: HandshakeResult
        /// `auth.bindTempAuthKey` succeeded.
        var bound: Bool
        /// When to start preparing the next key (three quarters of the lifetime).
        var renewAt: ContinuousClock.Instant
        /// When to switch even if calls are still waiting for answers (seven eighths).
        var deadline: ContinuousClock.Instant
    }

    /// What the temporary key's age asks for.
    enum Renewal: Equatable, Sendable {
        /// Nothing (no bound key, or it is not due yet).
        case notDue
        /// Due: new calls wait while the calls in flight are answered.
        case waitForCalls
        /// Switch to a new key now: nothing is in flight, or the deadline has come.
        case switchNow
    }

    /// How long a fresh permanent key may be refused before it counts as unknown to the server.
    static let freshPermanentKey: Duration = .seconds(60)
    /// How many refused bindings in a row a fresh permanent key gets.
    static let refusalsOfAFreshKey: Int = 3

    /// The permanent keys, per DC id.
    private(set) var permanent: [Int: HandshakeResult]
    /// The temporary keys, per DC id.
    private(set) var temporary: [Int: TemporaryKey] = [:]
    /// DCs whose new permanent key is still being written to the storage.
    private(set) var writesPending: Set<Int> = []
    /// When this process created each permanent key (a fresh key may not be known everywhere yet).
    private var created: [Int: ContinuousClock.Instant] = [:]
    /// Bindings refused with ENCRYPTED_MESSAGE_INVALID in a row.
    private var refusedBindings: Int = 0

    /// A ring with `permanent` keys (from the storage or the caller).
    init(permanent: [Int: HandshakeResult]) {
        self.permanent = permanent
    }

    /// The temporary key of `dc` as a session start sees it at `now`.
    func temporaryStatus(dc: Int, at now: ContinuousClock.Instant) -> ConnectionMachine.TemporaryKeyStatus {
        guard let key = temporary[dc] else { return .none }
        if now >= key.renewAt { return .due }
        return key.bound ? .bound : .unbound
    }

    /// Keeps the new temporary key `result` of `dc`, its renewal counted from what is left of its
    /// lifetime by the server's clock (`expires_at` is whole seconds of server time).
    mutating func addTemporary(_ result: HandshakeResult, dc: Int, wallSeconds: Double, at now: ContinuousClock.Instant) {
        let left: Double = max(0, Double(result.expiresAt ?? 0) - (wallSeconds + Double(result.timeOffset)))
        let lifetime: Duration = .milliseconds(Int(left * 1000))
        temporary[dc] = TemporaryKey(result: result, bound: false, renewAt: now + lifetime * 3 / 4, deadline: now + lifetime * 7 / 8)
    }

    /// Keeps the new permanent key `result` of `dc`; with `gated` it carries no call before
    /// ``writeFinished(dc:)``.
    mutating func addPermanent(_ result: HandshakeResult, dc: Int, at now: ContinuousClock.Instant, gated: Bool) {
        permanent[dc] = result
        created[dc] = now
        if gated { writesPending.insert(dc) }
    }

    /// The permanent key of `dc` is on disk.
    mutating func writeFinished(dc: Int) {
        writesPending.remove(dc)
    }

    /// The temporary key of `dc` was bound.
    mutating func bound(dc: Int) {
        refusedBindings = 0
        temporary[dc]?.bound = true
    }

    /// A binding on `dc` was refused with ENCRYPTED_MESSAGE_INVALID at `now`: whether the server
    /// no longer knows the permanent key (then forget it: a fresh key gets a few tries, since it
    /// may not have reached every server yet).
    mutating func bindingRefused(dc: Int, at now: ContinuousClock.Instant) -> Bool {
        let fresh: Bool = created[dc].map { now - $0 < Self.freshPermanentKey } ?? false
        refusedBindings += 1
        guard !fresh || refusedBindings >= Self.refusalsOfAFreshKey else { return false }
        refusedBindings = 0
        return true
    }

    /// What the bound temporary key of `dc` asks for at `now`, with `inFlight` calls unanswered.
    func renewal(dc: Int, at now: ContinuousClock.Instant, inFlight: Int) -> Renewal {
        guard let key = temporary[dc], key.bound, now >= key.renewAt else { return .notDue }
        return inFlight == 0 || now >= key.deadline ? .switchNow : .waitForCalls
    }

    /// Forgets every key of `dc` (the permanent one is gone on the server, or was destroyed).
    mutating func forgetPermanent(dc: Int) {
        permanent[dc] = nil
        temporary[dc] = nil
        created[dc] = nil
    }

    /// Forgets the temporary key of `dc`.
    mutating func discardTemporary(dc: Int) {
        temporary[dc] = nil
    }

    /// The session under `authKey` on `dc` learnt a new salt or clock offset: records it on that
    /// key, and returns the permanent key when that is the one that changed (to be saved).
    mutating func parametersChanged(authKey: AuthKey, salt: Int64, timeOffset: Int32, dc: Int) -> HandshakeResult? {
        if let key = temporary[dc], key.result.authKey == authKey {
            temporary[dc]?.result.serverSalt = salt
            temporary[dc]?.result.timeOffset = timeOffset
            return nil
        }
        guard var stored = permanent[dc] else { return nil }
        stored.serverSalt = salt
        stored.timeOffset = timeOffset
        permanent[dc] = stored
        return stored
    }
}

import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import TLSchema

/// An MTProto client: one connection to the home DC, typed `invoke`, updates as an `AsyncSequence`.
///
/// The protocol lives in the sans-IO pieces (``ClientHandshake``, ``TransportCodec``,
/// ``SessionState``); this actor only connects sockets, feeds bytes in and out, keeps time, and
/// matches answers to callers. It reconnects with capped exponential backoff and jitter, keeps the
/// session alive with `ping_delay_disconnect` (closing half-open sockets), resends unacknowledged
/// requests on a new connection so every call completes exactly once, follows
/// `PHONE/USER/NETWORK_MIGRATE_X` to the new home DC and answers `FILE/STATS_MIGRATE_X` through a
/// client for that DC (logged in with `auth.exportAuthorization`/`importAuthorization`).
///
/// With perfect forward secrecy (on by default, see ``ClientConfiguration/temporaryKeyLifetime``)
/// the permanent key only signs `auth.bindTempAuthKey`; all traffic uses a temporary key, renewed
/// before it expires once the calls in flight have been answered.
///
/// The actor runs on one event loop of its group, the one its connections use: bytes read from the
/// socket reach the session, and packets reach the socket, without a thread hop. Session writes to
/// the storage run in order on a queue of their own, so the event loop never blocks on the disk.
public actor MTProtoClient {
    /// Updates pushed by the server. An `updatesTooLong` is delivered whenever updates may have been
    /// missed: after a gap the server cannot describe (a new session), after every reconnect (updates
    /// sent while the connection was down are lost), for a pushed update that cannot be decoded (a
    /// schema mismatch), and when a consumer fell so far behind that the stream's buffer (4,096
    /// updates) was full: fetch the difference.
    public nonisolated let updates: AsyncStream<Api.Updates>
    let updatesContinuation: AsyncStream<Api.Updates>.Continuation

    /// Every change of ``connectionState``, for one consumer (the newest 16 are kept for it).
    public nonisolated let connectionStates: AsyncStream<ConnectionState>
    let connectionStatesContinuation: AsyncStream<ConnectionState>.Continuation
    /// Where the connection stands now.
    public var connectionState: ConnectionState { machine.published }
    /// The phases of the connection (see ``ConnectionMachine``).
    var machine: ConnectionMachine = ConnectionMachine()

    /// Tells ``connectionStates`` about a change the machine reported.
    func publish(_ newState: ConnectionState?) {
        guard let newState else { return }
        connectionStatesContinuation.yield(newState)
        if newState == .closed { connectionStatesContinuation.finish() }
    }

    /// How many pushed updates ``updates`` holds for a consumer that does not keep up.
    static let updatesBuffer: Int = 4096
    /// An update was dropped because ``updates`` was full: the consumer gets an `updatesTooLong` first
    /// once there is room again, so it fetches the difference (which holds what was dropped).
    var updatesOverflowed: Bool = false
    /// Functions that see every pushed update before ``updates`` does (``addUpdateObserver(_:)``).
    var updateObservers: [Int: @Sendable (Api.Updates) -> Void] = [:]
    var nextObserverID: Int = 1

    /// The configuration in use: the home DC and the known DC addresses change as the client learns them.
    public internal(set) var configuration: ClientConfiguration
    /// The last `help.getConfig` answer (fetched with `initConnection` on every connection).
    public internal(set) var serverConfig: Api.Config?
    let entropy: any EntropySource
    /// Where every decision that depends on time reads it (see ``ClientClock``).
    nonisolated let clock: any ClientClock
    let logger: Logger
    let group: any EventLoopGroup
    /// The event loop this actor and its connections run on.
    nonisolated let eventLoop: any EventLoop
    /// Session writes, in order, off the event loop (see ``StorageWriter``).
    nonisolated let writer: StorageWriter

    /// The client's executor: its event loop.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    /// Permanent and temporary keys per DC, and the decisions about them (see ``KeyRing``).
    var keys: KeyRing
    var storage: (any SessionStorage)? { writer.storage }
    var session: Mutable<SessionState>?
    var handshake: ClientHandshake?
    var codec: Mutable<TransportCodec>?
    var channel: (any Channel)?
    var closeConnection: (@Sendable () -> Void)?
    /// Packets were written to the channel since its last flush.
    var hasUnflushedWrites: Bool = false
    /// Why the current connection is ending, when the client ended it (reported by its connection loop).
    var connectionError: (any Error)?
    var connectionTask: Task<Void, Never>?
    var lastReceived: ContinuousClock.Instant
    var isClosed: Bool { machine.isClosed }
    var readyWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Which address of the home DC to dial (see ``AddressRotation``).
    var addresses: AddressRotation = AddressRotation()
    var lastConnectionError: (any Error)?

    /// Who waits for a call's answer: an `invoke` (resumed directly, no closure per call) or the
    /// client itself (binding, initConnection, keep-alive pings).
    enum Completion {
        case caller(UnsafeContinuation<[UInt8], any Error>)
        case client(@Sendable (Result<[UInt8], any Error>) -> Void)

        func callAsFunction(_ result: Result<[UInt8], any Error>) {
            switch self {
            case .caller(let continuation): continuation.resume(with: result)
            case .client(let handler): handler(result)
            }
        }
    }

    typealias Call = CallTable<Completion>.Call

    /// One timer for every call's timeout: it sleeps until the earliest deadline (see ``TimeoutTimer``).
    var timeoutSweep: Task<Void, Never>?
    var timeoutTimer: TimeoutTimer = TimeoutTimer()

    /// A client for another DC (FILE/STATS_MIGRATE) never moves its own home DC.
    var auxiliaries: [Int: Task<MTProtoClient, any Error>] = [:]

    /// The calls taken in and not completed (see ``CallTable``).
    var calls: CallTable<Completion> = CallTable()
    /// What `invoke` reads and writes without entering the actor: new calls wait here until the
    /// actor takes them in one batch, so a call costs no actor hop of its own and its answer
    /// resumes the caller directly.
    struct Shared {
        var submissions: [Submission] = []
        var drainScheduled: Bool = false
        var floodWaitPolicy: FloodWaitPolicy = FloodWaitPolicy()
        /// When each method (by constructor id) may be called again after a FLOOD_WAIT.
        var floodDue: [UInt32: ContinuousClock.Instant] = [:]
        /// A client for another DC (FILE/STATS_MIGRATE) never moves its own home DC.
        var isAuxiliary: Bool = false
    }

    struct Submission {
        var id: UInt64
        var body: [UInt8]
        var contentRelated: Bool
        /// Counted from when the client takes the call in (one clock reading per batch, not per call).
        var timeout: Duration
        var continuation: UnsafeContinuation<[UInt8], any Error>
    }

    nonisolated let shared: Mutex<Shared> = Mutex(Shared())
    nonisolated let nextCallID: Atomic<UInt64> = Atomic(1)
    nonisolated let defaultTimeout: Duration

    /// How flood waits are handled (see ``FloodWaitPolicy``).
    public nonisolated var floodWaitPolicy: FloodWaitPolicy { shared.withLock { $0.floodWaitPolicy } }
    nonisolated var isAuxiliary: Bool { shared.withLock { $0.isAuxiliary } }

    /// A client for `configuration`. Keys from `authKeys` (per DC id) are used instead of a new
    /// exchange; with `storage`, new keys, salts, time offsets and the home DC are saved there.
    /// `clock` tells the time (the system's unless a test moves it by hand).
    public init(
        configuration: ClientConfiguration, authKeys: [Int: HandshakeResult] = [:], storage: (any SessionStorage)? = nil,
        entropy: any EntropySource = SystemEntropy(), logger: Logger = Logger(label: "mtproto"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, clock: any ClientClock = SystemClientClock()
    ) {
        self.configuration = configuration
        self.clock = clock
        self.lastReceived = clock.now
        self.defaultTimeout = configuration.defaultTimeout
        self.keys = KeyRing(permanent: authKeys)
        self.writer = StorageWriter(storage: storage, logger: logger)
        self.entropy = entropy
        self.logger = logger
        self.group = eventLoopGroup
        self.eventLoop = eventLoopGroup.next()
        (updates, updatesContinuation) = AsyncStream<Api.Updates>.makeStream(bufferingPolicy: .bufferingOldest(Self.updatesBuffer))
        (connectionStates, connectionStatesContinuation) = AsyncStream<ConnectionState>.makeStream(bufferingPolicy: .bufferingNewest(16))
    }

    /// A client that resumes from `storage` (keys and home DC) and keeps it up to date.
    public init(
        configuration: ClientConfiguration, storage: any SessionStorage, entropy: any EntropySource = SystemEntropy(),
        logger: Logger = Logger(label: "mtproto"), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any ClientClock = SystemClientClock()
    ) throws {
        var resumed: ClientConfiguration = configuration
        // Addresses the server gave earlier (help.getConfig) complete the configured ones.
        let learned: [DataCentre] = try storage.dataCentres()
        for dc in learned where dc.id != configuration.dataCentre.id {
            resumed.knownDataCentres.removeAll { $0.id == dc.id }
            resumed.knownDataCentres.append(dc)
        }
        resumed.knownDataCentres.sort { $0.id < $1.id }
        if let home = try storage.homeDataCentre(), let dc = resumed.knownDataCentres.first(where: { $0.id == home }) {
            resumed.dataCentre = dc
        }
        self.init(
            configuration: resumed, authKeys: try storage.authKeys(), storage: storage, entropy: entropy, logger: logger,
            eventLoopGroup: eventLoopGroup, clock: clock)
    }

    /// Saves to the storage after the writes queued so far; a failure is logged and does not stop the client.
    func persist(_ action: @escaping @Sendable (any SessionStorage) throws -> Void) {
        writer.write(action)
    }

    /// The keys established so far, per DC id (persist them to avoid new key exchanges).
    public var authKeys: [Int: HandshakeResult] { keys.permanent }

    /// The current home DC.
    public var homeDataCentre: DataCentre { configuration.dataCentre }

    var now: Double { clock.wallSeconds }

    // MARK: Lifecycle

    /// Connects (key exchange if needed, then `invokeWithLayer(initConnection(help.getConfig))`).
    /// Returns when the connection is ready; throws the first attempt's error. The client keeps
    /// reconnecting in the background until ``close()``.
    public func connect() async throws {
        if machine.isReady { return }
        if isClosed { throw MTProtoClientError.closed }
        startConnectionLoop()
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            readyWaiters.append(c)
        }
    }

    /// Closes the connection; pending and later calls fail with ``MTProtoClientError/closed``.
    public func close() async {
        publish(machine.close())
        connectionTask?.cancel()
        closeConnection?()
        let pending: [Call] = calls.removeAll()
        for call in pending { call.completion(.failure(MTProtoClientError.closed)) }
        for waiter in readyWaiters { waiter.resume(throwing: MTProtoClientError.closed) }
        readyWaiters.removeAll()
        updatesContinuation.finish()
        timeoutSweep?.cancel()
        timeoutSweep = nil
        timeoutTimer.stop()
        let others: [Task<MTProtoClient, any Error>] = Array(auxiliaries.values)
        auxiliaries.removeAll()
        for other in others {
            other.cancel()
            if let client = try? await other.value { await client.close() }
        }
        if let task = connectionTask { await task.value }
        await writer.finished()
    }

    struct ConnectionClosedByPeer: Error {}
    struct HalfOpenConnection: Error {}

    // MARK: Packets of the session

    // The session and codec live in boxes and are mutated in place (`session!.value.…`): reading a
    // struct stored in an actor copies it, which for the session means every one of its tables.

    func sessionPacket(_ packet: [UInt8]) {
        guard session != nil else { return }
        let events: [SessionEvent]
        do {
            events = try session!.value.receive(packet, now: now)
        } catch {
            logger.debug("dropped a packet: \(error)")
            return
        }
        for event in events { handle(event) }
    }

    func handle(_ event: SessionEvent) {
        switch event {
        case .result(let token, let body):
            complete(token: token, with: .success(body))
        case .rpcError(let token, let error):
            if error.code == 303, ["PHONE_MIGRATE", "USER_MIGRATE", "NETWORK_MIGRATE"].contains(error.name), let dc = error.value,
               let id = callSent(as: token) {
                migrate(to: dc, retrying: id)
            } else if error.code == 401, error.name == "AUTH_KEY_PERM_EMPTY", configuration.temporaryKeyLifetime != nil,
                      let id = callSent(as: token) {
                // The server lost the binding: bind a new temporary key and send the call again
                // (a connection's own setup call is simply made again on the next connection).
                calls.unqueue(id)
                logger.info("the temporary key is no longer bound: binding a new one")
                discardTemporaryKey()
                closeConnection?()
            } else {
                complete(token: token, with: .failure(error))
            }
        case .requestFailed(let token, let failure):
            complete(token: token, with: .failure(MTProtoClientError.session(failure)))
        case .updates(let body):
            if let updates = try? Api.Updates(decoding: body) {
                deliverUpdate(updates)
            } else {
                logger.warning("an update could not be decoded: treated as a gap")
                deliverUpdate(.updatesTooLong)
            }
        case .newSessionCreated:
            deliverUpdate(.updatesTooLong)
        case .parametersChanged:
            let dc: Int = configuration.dataCentre.id
            guard let current = session else { return }
            if let saved = keys.parametersChanged(
                authKey: current.value.envelope.authKey, salt: current.value.salt, timeOffset: current.value.timeOffset, dc: dc) {
                persist { try $0.saveAuthKey(saved, dc: dc) }
            }
        }
    }

    // MARK: Updates

    /// Hands a pushed update to ``updates``: bounded, and on overflow a difference instead of a loss.
    func deliverUpdate(_ update: Api.Updates) {
        for observer in updateObservers.values { observer(update) }
        if updatesOverflowed {
            guard case .enqueued = updatesContinuation.yield(.updatesTooLong) else { return }
            updatesOverflowed = false
            if case .updatesTooLong = update { return }
        }
        if case .dropped = updatesContinuation.yield(update) {
            if !updatesOverflowed { logger.warning("the updates consumer falls behind: updates dropped, a difference will follow") }
            updatesOverflowed = true
        }
    }

    /// Registers `observer` to see every pushed update (on the client's event loop, before
    /// ``updates`` gets it: keep it short). Returns the id ``removeUpdateObserver(_:)`` takes. Unlike
    /// iterating ``updates``, observing takes nothing away from its consumer.
    public func addUpdateObserver(_ observer: @escaping @Sendable (Api.Updates) -> Void) -> Int {
        let id: Int = nextObserverID
        nextObserverID += 1
        updateObservers[id] = observer
        return id
    }

    /// Stops the observer `id` names.
    public func removeUpdateObserver(_ id: Int) {
        updateObservers[id] = nil
    }
}

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
    private let updatesContinuation: AsyncStream<Api.Updates>.Continuation

    /// Every change of ``connectionState``, for one consumer (the newest 16 are kept for it).
    public nonisolated let connectionStates: AsyncStream<ConnectionState>
    private let connectionStatesContinuation: AsyncStream<ConnectionState>.Continuation
    /// Where the connection stands now.
    public var connectionState: ConnectionState { machine.published }
    /// The phases of the connection (see ``ConnectionMachine``).
    private var machine: ConnectionMachine = ConnectionMachine()

    /// Tells ``connectionStates`` about a change the machine reported.
    private func publish(_ newState: ConnectionState?) {
        guard let newState else { return }
        connectionStatesContinuation.yield(newState)
        if newState == .closed { connectionStatesContinuation.finish() }
    }

    /// How many pushed updates ``updates`` holds for a consumer that does not keep up.
    static let updatesBuffer: Int = 4096
    /// An update was dropped because ``updates`` was full: the consumer gets an `updatesTooLong` first
    /// once there is room again, so it fetches the difference (which holds what was dropped).
    private var updatesOverflowed: Bool = false
    /// Functions that see every pushed update before ``updates`` does (``addUpdateObserver(_:)``).
    private var updateObservers: [Int: @Sendable (Api.Updates) -> Void] = [:]
    private var nextObserverID: Int = 1

    /// The configuration in use: the home DC and the known DC addresses change as the client learns them.
    public private(set) var configuration: ClientConfiguration
    /// The last `help.getConfig` answer (fetched with `initConnection` on every connection).
    public private(set) var serverConfig: Api.Config?
    private let entropy: any EntropySource
    /// Where every decision that depends on time reads it (see ``ClientClock``).
    private nonisolated let clock: any ClientClock
    private let logger: Logger
    private let group: any EventLoopGroup
    /// The event loop this actor and its connections run on.
    private nonisolated let eventLoop: any EventLoop
    /// Session writes, in order, off the event loop (see ``StorageWriter``).
    private nonisolated let writer: StorageWriter

    /// The client's executor: its event loop.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    /// Permanent and temporary keys per DC, and the decisions about them (see ``KeyRing``).
    private var keys: KeyRing
    private var storage: (any SessionStorage)? { writer.storage }
    private var session: Mutable<SessionState>?
    private var handshake: ClientHandshake?
    private var codec: Mutable<TransportCodec>?
    private var channel: (any Channel)?
    private var closeConnection: (@Sendable () -> Void)?
    /// Packets were written to the channel since its last flush.
    private var hasUnflushedWrites: Bool = false
    /// Why the current connection is ending, when the client ended it (reported by its connection loop).
    private var connectionError: (any Error)?
    private var connectionTask: Task<Void, Never>?
    private var lastReceived: ContinuousClock.Instant
    private var isClosed: Bool { machine.isClosed }
    private var readyWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Which address of the home DC to dial (see ``AddressRotation``).
    private var addresses: AddressRotation = AddressRotation()
    private var lastConnectionError: (any Error)?

    /// Who waits for a call's answer: an `invoke` (resumed directly, no closure per call) or the
    /// client itself (binding, initConnection, keep-alive pings).
    private enum Completion {
        case caller(UnsafeContinuation<[UInt8], any Error>)
        case client(@Sendable (Result<[UInt8], any Error>) -> Void)

        func callAsFunction(_ result: Result<[UInt8], any Error>) {
            switch self {
            case .caller(let continuation): continuation.resume(with: result)
            case .client(let handler): handler(result)
            }
        }
    }

    private typealias Call = CallTable<Completion>.Call

    /// One timer for every call's timeout: it sleeps until the earliest deadline (see ``TimeoutTimer``).
    private var timeoutSweep: Task<Void, Never>?
    private var timeoutTimer: TimeoutTimer = TimeoutTimer()

    /// A client for another DC (FILE/STATS_MIGRATE) never moves its own home DC.
    private var auxiliaries: [Int: Task<MTProtoClient, any Error>] = [:]

    /// The calls taken in and not completed (see ``CallTable``).
    private var calls: CallTable<Completion> = CallTable()
    /// What `invoke` reads and writes without entering the actor: new calls wait here until the
    /// actor takes them in one batch, so a call costs no actor hop of its own and its answer
    /// resumes the caller directly.
    private struct Shared {
        var submissions: [Submission] = []
        var drainScheduled: Bool = false
        var floodWaitPolicy: FloodWaitPolicy = FloodWaitPolicy()
        /// When each method (by constructor id) may be called again after a FLOOD_WAIT.
        var floodDue: [UInt32: ContinuousClock.Instant] = [:]
        /// A client for another DC (FILE/STATS_MIGRATE) never moves its own home DC.
        var isAuxiliary: Bool = false
    }

    private struct Submission {
        var id: UInt64
        var body: [UInt8]
        var contentRelated: Bool
        /// Counted from when the client takes the call in (one clock reading per batch, not per call).
        var timeout: Duration
        var continuation: UnsafeContinuation<[UInt8], any Error>
    }

    private nonisolated let shared: Mutex<Shared> = Mutex(Shared())
    private nonisolated let nextCallID: Atomic<UInt64> = Atomic(1)
    private nonisolated let defaultTimeout: Duration

    /// How flood waits are handled (see ``FloodWaitPolicy``).
    public nonisolated var floodWaitPolicy: FloodWaitPolicy { shared.withLock { $0.floodWaitPolicy } }
    private nonisolated var isAuxiliary: Bool { shared.withLock { $0.isAuxiliary } }

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
    private func persist(_ action: @escaping @Sendable (any SessionStorage) throws -> Void) {
        writer.write(action)
    }

    /// The keys established so far, per DC id (persist them to avoid new key exchanges).
    public var authKeys: [Int: HandshakeResult] { keys.permanent }

    /// The current home DC.
    public var homeDataCentre: DataCentre { configuration.dataCentre }

    private var now: Double { clock.wallSeconds }

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

    private func startConnectionLoop() {
        guard connectionTask == nil else { return }
        connectionTask = Task { [weak self] in
            var attempt: Int = 0
            while !Task.isCancelled {
                guard let self else { return }
                let error: (any Error)? = await self.runOneConnection()
                if Task.isCancelled { return }
                let closed: Bool = await self.isClosed
                if closed { return }
                let succeeded: Bool = await self.connectionEnded(error)
                attempt = succeeded ? 0 : attempt + 1
                // −429: too many connections or requests from this address. Wait longer.
                var flood: Bool = false
                if case .transport(let transportError) = error as? MTProtoClientError, transportError.reaction == .backOff { flood = true }
                let delay: Duration = await self.backoff(attempt: attempt, transportFlood: flood)
                try? await self.clock.sleep(for: delay)
            }
        }
    }

    private func backoff(attempt: Int, transportFlood: Bool) -> Duration {
        ReconnectBackoff(configuration).delay(attempt: attempt, jitterByte: entropy.randomBytes(count: 1)[0], transportFlood: transportFlood)
    }

    /// One TCP connection, from connect to close. Returns the error that ended it.
    private nonisolated func runOneConnection() async -> (any Error)? {
        let settings: ClientConfiguration = await dial()
        let channel: any Channel
        do {
            channel = try await ConnectionDialer.connect(
                to: settings.dataCentre, configuration: settings, eventLoop: eventLoop, entropy: entropy,
                handler: { ClientConnectionHandler(client: self) })
        } catch {
            await markAddressUnreachable()
            return error
        }
        await withTaskGroup(of: Void.self) { (tasks: inout TaskGroup<Void>) in
            tasks.addTask { await self.keepAlive() }
            tasks.addTask { await self.watchTemporaryKey() }
            // A close() that raced with the connect closes the channel through the cancellation.
            try? await withTaskCancellationHandler {
                try await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
            tasks.cancelAll()
        }
        return await takeConnectionError()
    }

    /// A connection attempt starts: returns the configuration to dial with.
    private func dial() -> ClientConfiguration {
        _ = machine.dial()
        return configuration
    }

    private func markAddressUnreachable() { addresses.unreachable() }

    /// After an address of the home DC could not be reached, moves to the DC's next address.
    /// Returns whether that one has not been tried since an address was last reached (then a
    /// caller of ``connect()`` waits for it rather than failing).
    private func moveToNextAddress() -> Bool {
        let move: AddressRotation.Move = addresses.connectionEnded(home: configuration.dataCentre, known: configuration.knownDataCentres)
        guard let next = move.next else { return false }
        logger.info("\(configuration.dataCentre) cannot be reached: trying \(next)")
        configuration.dataCentre = next
        return move.untried
    }

    private struct ConnectionClosedByPeer: Error {}
    private struct HalfOpenConnection: Error {}

    /// Ends the current connection because of `error` (reported when its loop comes round).
    private func endConnection(_ error: any Error) {
        if connectionError == nil { connectionError = error }
        closeConnection?()
    }

    private func takeConnectionError() -> any Error {
        let error: any Error = connectionError ?? ConnectionClosedByPeer()
        connectionError = nil
        return error
    }

    /// Pings on schedule; ends the connection when nothing has arrived for two intervals.
    private func keepAlive() async {
        let interval: Duration = configuration.pingInterval
        while true {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            if clock.now - lastReceived > interval * 2 {
                logger.warning("no data for two ping intervals: reconnecting")
                return endConnection(HalfOpenConnection())
            }
            guard machine.sendsCalls, session != nil else { continue }
            let delay: Int32 = Int32(interval.components.seconds * 5 / 4 + 1)
            let ping: MT.functions.PingDelayDisconnect = MT.functions.PingDelayDisconnect(pingId: entropy.randomInt64(), disconnectDelay: delay)
            register(body: ping.serializedBytes(), contentRelated: false, complete: { _ in })
            // Salts for the next hours, fetched before the known ones run out.
            if let salts = session!.value.futureSaltsRequest(now: now) { register(body: salts, contentRelated: false, complete: { _ in }) }
            flush()
        }
    }

    /// Called by the connection's handler once TCP is connected.
    func connectionOpened(_ opened: any Channel) {
        // After close(), or a second channel of one connect (happy eyeballs): not ours to use.
        guard channel == nil, machine.opened() != nil else { return opened.close(promise: nil) }
        channel = opened
        closeConnection = { opened.close(promise: nil) }
        connectionError = nil
        lastReceived = clock.now
        let transport: (kind: TransportKind, obfuscation: Obfuscation?) = configuration.transportSettings(for: configuration.dataCentre)
        var newCodec: TransportCodec = TransportCodec(clientKind: transport.kind, obfuscation: transport.obfuscation, entropy: entropy)
        let preamble: [UInt8] = newCodec.takePreamble()
        codec = Mutable(newCodec)
        if !preamble.isEmpty {
            opened.write(ByteBuffer(bytes: preamble), promise: nil)
            hasUnflushedWrites = true
        }
        startSession()
        flush()
    }

    /// Called by the connection's handler when the socket reports an error (the handler closes it).
    func connectionFailed(_ error: any Error, on failed: any Channel) {
        guard failed === channel else { return }
        if connectionError == nil { connectionError = error }
    }

    /// Called by the connection's handler with the bytes read from the socket.
    func connectionRead(_ bytes: [UInt8], from reader: any Channel) {
        guard reader === channel else { return }
        do {
            try received(bytes)
        } catch {
            endConnection(error)
        }
    }

    /// Starts the session on the current connection: a key exchange first when a key is missing;
    /// with PFS, a bound temporary key carries the session.
    private func startSession() {
        let dc: Int = configuration.dataCentre.id
        let available: ConnectionMachine.Keys = ConnectionMachine.Keys(
            permanent: keys.permanent[dc] != nil, permanentBeingWritten: keys.writesPending.contains(dc),
            forwardSecrecy: configuration.temporaryKeyLifetime != nil, temporary: keys.temporaryStatus(dc: dc, at: clock.now))
        guard let action = machine.startSession(available) else { return }
        switch action {
        case .exchangeKey(let temporary):
            startExchange(temporary: temporary)
        case .replaceTemporaryKey:
            discardTemporaryKey()
            startExchange(temporary: true)
        case .awaitKeyWrite:
            // A new permanent key carries no call before it is on disk; the write's callback resumes.
            return
        case .bind:
            guard let permanent = keys.permanent[dc], let temporary = keys.temporary[dc] else { return }
            if session == nil { session = makeSession(temporary.result) }
            sendBinding(permanent: permanent, temporary: temporary.result)
        case .initialize:
            if session == nil, let key = configuration.temporaryKeyLifetime == nil ? keys.permanent[dc] : keys.temporary[dc]?.result {
                session = makeSession(key)
            }
            sendInitConnection()
        }
    }

    private func makeSession(_ key: HandshakeResult) -> Mutable<SessionState> {
        Mutable(SessionState(authKey: key.authKey, salt: key.serverSalt, timeOffset: key.timeOffset, entropy: entropy))
    }

    private func startExchange(temporary: Bool) {
        let lifetime: Int32? = temporary ? configuration.temporaryKeyLifetime.map { Int32(clamping: $0.components.seconds) } : nil
        var exchange: ClientHandshake = ClientHandshake(
            dcID: configuration.wireDCID, keys: configuration.rsaKeys, temporaryKeyLifetime: lifetime, entropy: entropy)
        let first: [UInt8] = exchange.start(now: now)
        handshake = exchange
        send(first)
    }

    /// Called when a connection ended; returns whether it had become ready.
    private func connectionEnded(_ error: (any Error)?) -> Bool {
        // A planned switch to a new temporary key is not a failure: reconnect without backing off.
        let ended: ConnectionMachine.Ended = machine.ended()
        let wasReady: Bool = ended.wasReady
        publish(ended.publish)
        channel = nil
        closeConnection = nil
        hasUnflushedWrites = false
        codec = nil
        handshake = nil
        discardConnectionCalls()
        session?.value.connectionLost()
        let anotherAddressLeft: Bool = moveToNextAddress()
        if let error {
            lastConnectionError = error
            logger.info("connection to \(configuration.dataCentre) ended: \(error)")
            if case MTProtoClientError.transport(let transportError) = error, transportError.reaction == .forgetKeyAndRedoExchange {
                forgetKey()
            }
            if !wasReady && !anotherAddressLeft {
                for waiter in readyWaiters { waiter.resume(throwing: error) }
                readyWaiters.removeAll()
            }
        }
        return wasReady
    }

    /// The server does not know the key the session used (transport −404). With PFS that is the
    /// temporary key (they live in the server's memory only): a new one is bound. Without PFS the
    /// permanent key is gone: a new one is created. Calls go back to waiting either way.
    private func forgetKey() {
        let dc: Int = configuration.dataCentre.id
        if configuration.temporaryKeyLifetime != nil && keys.permanent[dc] != nil {
            logger.info("\(configuration.dataCentre) forgot the temporary key: binding a new one")
            discardTemporaryKey()
        } else {
            forgetPermanentKey()
        }
    }

    /// Drops the permanent key of the home DC (this logs the client out there).
    private func forgetPermanentKey() {
        let dc: Int = configuration.dataCentre.id
        keys.forgetPermanent(dc: dc)
        persist { try $0.removeAuthKey(dc: dc) }
        dropSession()
    }

    /// Drops the temporary key of the home DC and its session.
    private func discardTemporaryKey() {
        keys.discardTemporary(dc: configuration.dataCentre.id)
        dropSession()
    }

    /// Forgets the binding and initConnection calls of the connection that ended.
    private func discardConnectionCalls() {
        for token in calls.removeConnectionScoped() { session?.value.cancel(token) }
    }

    // MARK: Bytes in and out

    // The session and codec live in boxes and are mutated in place (`session!.value.…`): reading a
    // struct stored in an actor copies it, which for the session means every one of its tables.

    /// Frames `packet` and writes it to the channel; ``flush()`` sends it.
    private func send(_ packet: [UInt8]) {
        guard codec != nil, let channel else { return }
        let framed: [UInt8] = codec!.value.encode(packet)
        channel.write(ByteBuffer(bytes: framed), promise: nil)
        hasUnflushedWrites = true
    }

    /// Writes every packet the session has ready, then flushes the channel once.
    private func flush() {
        // Without a connection the session keeps its queue (taking packets out would mark them sent).
        guard channel != nil, codec != nil else { return }
        let time: Double = now
        while let packet = session?.value.nextPacket(now: time) {
            send(packet)
        }
        if hasUnflushedWrites {
            hasUnflushedWrites = false
            channel?.flush()
        }
    }

    private func received(_ bytes: [UInt8]) throws {
        lastReceived = clock.now
        guard codec != nil else { return }
        let events: [TransportEvent]
        do {
            events = try codec!.value.decode(bytes)
        } catch {
            throw MTProtoClientError.transport(error)
        }
        for event in events {
            guard case .packet(let packet) = event else { continue }
            if handshake != nil {
                try handshakePacket(packet)
            } else {
                sessionPacket(packet)
            }
        }
        flush()
    }

    private func handshakePacket(_ packet: [UInt8]) throws {
        guard var exchange = handshake else { return }
        let step: ClientHandshake.Step
        do {
            step = try exchange.receive(packet, now: now)
        } catch {
            handshake = nil
            throw MTProtoClientError.handshake(error)
        }
        handshake = exchange
        switch step {
        case .send(let bytes):
            send(bytes)
        case .done(let result):
            handshake = nil
            let dc: Int = configuration.dataCentre.id
            if result.expiresAt != nil {
                keys.addTemporary(result, dc: dc, wallSeconds: now, at: clock.now)
                logger.debug("temporary key created for \(configuration.dataCentre)")
            } else {
                keys.addPermanent(result, dc: dc, at: clock.now, gated: storage != nil)
                persist { try $0.saveAuthKey(result, dc: dc) }
                logger.debug("auth key created for \(configuration.dataCentre)")
                // A new permanent key is on disk before it carries any call (a login on a key that
                // a crash then loses would be lost with it), on this connection or the next; the
                // event loop does not wait meanwhile.
                if storage != nil {
                    afterStorageWrites { (client: isolated MTProtoClient) in
                        client.keys.writeFinished(dc: dc)
                        guard client.machine.keyWritten(), client.channel != nil else { return }
                        client.startSession()
                        client.flush()
                    }
                }
            }
            startSession()
        }
    }

    /// Runs `then` on the client once every session write queued so far has been made.
    private func afterStorageWrites(_ then: @escaping @Sendable (isolated MTProtoClient) -> Void) {
        let loop: any EventLoop = eventLoop
        writer.afterWrites {
            loop.execute { self.assumeIsolated { then($0) } }
        }
    }

    private func sessionPacket(_ packet: [UInt8]) {
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

    private func handle(_ event: SessionEvent) {
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

    private func complete(token: RequestToken, with result: Result<[UInt8], any Error>) {
        calls.complete(token: token)?.completion(result)
    }

    /// The call sent in the current session under `token` (a call's token is its id).
    private func callSent(as token: RequestToken) -> UInt64? {
        calls.callSent(as: token)
    }

    // MARK: Calls

    /// Binds the temporary key to the permanent one; initConnection follows once it is bound.
    private func sendBinding(permanent: HandshakeResult, temporary: HandshakeResult) {
        let nonce: Int64 = entropy.randomInt64()
        let expiresAt: Int32 = temporary.expiresAt ?? 0
        let permanentKey: AuthKey = permanent.authKey
        let temporaryKey: AuthKey = temporary.authKey
        let entropy: any EntropySource = self.entropy
        let generation: Int = machine.generation
        let id: UInt64 = allocateCallID()
        calls.insert(Call(
            body: [], contentRelated: true, token: nil,
            completion: .client { [weak self] result in
                Task { await self?.bindingAnswered(result, generation: generation) }
            },
            build: { (messageID: Int64, sessionID: Int64) -> [UInt8] in
                TemporaryKeyBinding.request(
                    permanentKey: permanentKey, temporaryKey: temporaryKey, nonce: nonce, expiresAt: expiresAt, messageID: messageID,
                    sessionID: sessionID, entropy: entropy)
            },
            connectionScoped: true), id: id, send: true)
        enqueueInSession(id)
        flush()
    }

    private func bindingAnswered(_ result: Result<[UInt8], any Error>, generation: Int) {
        guard generation == machine.generation else { return }
        let dc: Int = configuration.dataCentre.id
        var failure: any Error = MTProtoClientError.temporaryKeyBinding("the server answered false")
        switch result {
        case .success(let body):
            var reader: TLReader = TLReader(body)
            if (try? reader.readBool()) == true {
                temporaryKeyBound()
                return
            }
        case .failure(let error):
            failure = error
            if let rpc = error as? RPCError {
                if rpc.name == "TEMP_AUTH_KEY_ALREADY_BOUND" {
                    temporaryKeyBound()
                    return
                }
                // A fresh permanent key may not have reached every server yet: retry a few times.
                if rpc.name == "ENCRYPTED_MESSAGE_INVALID" && keys.bindingRefused(dc: dc, at: clock.now) {
                    logger.error("\(configuration.dataCentre) does not accept the permanent key: creating a new one (log in again)")
                    forgetPermanentKey()
                }
            }
        }
        logger.warning("binding the temporary key failed: \(failure)")
        for waiter in readyWaiters { waiter.resume(throwing: MTProtoClientError.temporaryKeyBinding("\(failure)")) }
        readyWaiters.removeAll()
        if keys.permanent[dc] != nil { discardTemporaryKey() }
        closeConnection?()
    }

    private func temporaryKeyBound() {
        keys.bound(dc: configuration.dataCentre.id)
        logger.debug("temporary key bound on \(configuration.dataCentre)")
        if machine.bound() { sendInitConnection() }
    }

    /// Switches to a new temporary key once three quarters of its lifetime have passed: new calls
    /// wait, and the switch happens when the calls in flight are answered (or at the deadline),
    /// so no call is sent twice.
    private func watchTemporaryKey() async {
        guard let lifetime = configuration.temporaryKeyLifetime else { return }
        let tick: Duration = min(.seconds(1), lifetime / 16)
        while (try? await clock.sleep(for: tick)) != nil {
            checkTemporaryKeyRenewal()
        }
    }

    private func checkTemporaryKeyRenewal() {
        guard machine.isReady else { return }
        let renewal: KeyRing.Renewal = keys.renewal(
            dc: configuration.dataCentre.id, at: clock.now, inFlight: session?.value.pendingCount ?? 0)
        guard renewal != .notDue else { return }
        if machine.renewalDue() {
            logger.info("the temporary key of \(configuration.dataCentre) expires soon: switching to a new one")
        }
        if renewal == .switchNow {
            discardTemporaryKey()
            closeConnection?()
        }
    }

    private func sendInitConnection() {
        let query: Api.functions.InvokeWithLayer<Api.functions.InitConnection<Api.functions.help.GetConfig>> =
            Api.functions.InvokeWithLayer(
                layer: Api.layer,
                query: Api.functions.InitConnection(
                    apiId: configuration.apiID, deviceModel: configuration.deviceModel, systemVersion: configuration.systemVersion,
                    appVersion: configuration.appVersion, systemLangCode: configuration.systemLanguageCode,
                    langPack: configuration.languagePack, langCode: configuration.languageCode, query: Api.functions.help.GetConfig()))
        let generation: Int = machine.generation
        let id: UInt64 = allocateCallID()
        calls.insert(Call(
            body: query.serializedBytes(), contentRelated: true, token: nil,
            completion: .client { [weak self] result in
                Task { await self?.initConnectionAnswered(result, generation: generation) }
            },
            connectionScoped: true), id: id, send: true)
        enqueueInSession(id)
        flush()
    }

    private func initConnectionAnswered(_ result: Result<[UInt8], any Error>, generation: Int) {
        guard generation == machine.generation else { return }
        switch result {
        case .success(let body):
            if let config = try? Api.Config(decoding: body) {
                serverConfig = config
                learnDataCentres(from: config)
            }
            guard let ready = machine.initialized() else { return }
            publish(ready.publish)
            addresses.reached()
            // Updates pushed while the connection was down are gone: let the consumer catch up.
            if ready.updatesMayBeMissed { deliverUpdate(.updatesTooLong) }
            for waiter in readyWaiters { waiter.resume() }
            readyWaiters.removeAll()
            let queued: [UInt64] = calls.takeWaiting()
            for id in queued { enqueueInSession(id) }
            flush()
        case .failure(let error):
            logger.error("initConnection failed: \(error)")
            for waiter in readyWaiters { waiter.resume(throwing: error) }
            readyWaiters.removeAll()
            // Start over on a new connection (with the reconnect backoff) rather than stay unready.
            closeConnection?()
        }
    }

    /// Hands a pushed update to ``updates``: bounded, and on overflow a difference instead of a loss.
    private func deliverUpdate(_ update: Api.Updates) {
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

    /// Keeps every address the server gives for each DC (CDN and obfuscation-only ones aside: they
    /// need keys or a transport of their own); the storage keeps the first to try of each DC.
    private func learnDataCentres(from config: Api.Config) {
        let known: [DataCentre] = DataCentre.merging(DataCentre.learned(from: config.dcOptions), into: configuration.knownDataCentres)
        configuration.knownDataCentres = known
        let preferred: [DataCentre] = DataCentre.preferredAddresses(in: known)
        persist { try $0.saveDataCentres(preferred) }
    }

    private func enqueueInSession(_ id: UInt64) {
        guard session != nil else { return calls.wait(id) }
        // The call's id is its token in the session.
        guard let call = calls.queue(id) else { return }
        if let build = call.build {
            session!.value.enqueue(token: id, building: build)
        } else {
            session!.value.enqueue(call.body, contentRelated: call.contentRelated, token: id)
        }
    }

    @discardableResult
    private func register(body: [UInt8], contentRelated: Bool, complete: @escaping @Sendable (Result<[UInt8], any Error>) -> Void) -> UInt64 {
        let id: UInt64 = allocateCallID()
        let send: Bool = machine.sendsCalls
        calls.insert(Call(body: body, contentRelated: contentRelated, token: nil, completion: .client(complete)), id: id, send: send)
        if send { enqueueInSession(id) }
        return id
    }

    private func register(
        id: UInt64, body: [UInt8], contentRelated: Bool, deadline: ContinuousClock.Instant, continuation: UnsafeContinuation<[UInt8], any Error>
    ) {
        if calls.wasCancelledEarly(id) {
            continuation.resume(throwing: CancellationError())
            return
        }
        if isClosed {
            continuation.resume(throwing: MTProtoClientError.closed)
            return
        }
        let send: Bool = machine.sendsCalls
        calls.insert(
            Call(body: body, contentRelated: contentRelated, token: nil, completion: .caller(continuation), deadline: deadline), id: id, send: send)
        scheduleTimeoutSweep(at: deadline)
        if send { enqueueInSession(id) }
    }

    /// Takes every submitted call in, then sends them together (one container instead of a packet
    /// per call).
    private func drainSubmissions() {
        let batch: [Submission] = shared.withLock { (state: inout Shared) -> [Submission] in
            let taken: [Submission] = state.submissions
            state.submissions.removeAll(keepingCapacity: true)
            state.drainScheduled = false
            return taken
        }
        let taken: ContinuousClock.Instant = clock.now
        for s in batch {
            register(id: s.id, body: s.body, contentRelated: s.contentRelated, deadline: taken + s.timeout, continuation: s.continuation)
        }
        flush()
        if connectionTask == nil && !isClosed { startConnectionLoop() }
    }

    private func scheduleTimeoutSweep(at deadline: ContinuousClock.Instant) {
        guard let generation = timeoutTimer.schedule(at: deadline) else { return }
        timeoutSweep?.cancel()
        let clock: any ClientClock = self.clock
        timeoutSweep = Task { [weak self] in
            try? await clock.sleep(until: deadline)
            if Task.isCancelled { return }
            await self?.sweepTimeouts(generation: generation)
        }
    }

    /// Fails the calls whose deadline has passed and sleeps until the next one.
    private func sweepTimeouts(generation: Int) {
        guard timeoutTimer.fired(generation) else { return }
        timeoutSweep = nil
        let (expired, next): ([UInt64], ContinuousClock.Instant?) = calls.expired(at: clock.now)
        for id in expired { abandon(id, with: MTProtoClientError.timeout) }
        if let next { scheduleTimeoutSweep(at: next) }
    }

    private func abandon(_ id: UInt64, with error: any Error) {
        guard let call = calls.remove(id, cancelled: error is CancellationError) else { return }
        if let token = call.token { session?.value.cancel(token) }
        call.completion(.failure(error))
    }

    private func migrate(to dc: Int, retrying id: UInt64) {
        calls.unqueue(id)
        if isAuxiliary {
            if let call = calls.remove(id) { call.completion(.failure(RPCError(code: 303, message: "NETWORK_MIGRATE_\(dc)"))) }
            return
        }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            if let call = calls.remove(id) { call.completion(.failure(MTProtoClientError.unknownDataCentre(dc))) }
            return
        }
        logger.info("migrating the home DC to \(target)")
        configuration.dataCentre = target
        persist { try $0.setHomeDataCentre(dc) }
        dropSession()
        closeConnection?()
    }

    /// Ends the session: every unanswered call goes back to waiting, to be sent in the next one.
    private func dropSession() {
        discardConnectionCalls()
        session = nil
        calls.requeueAll()
    }

    private nonisolated func allocateCallID() -> UInt64 {
        nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Changes how flood waits are handled.
    public nonisolated func setFloodWaitPolicy(_ policy: FloodWaitPolicy) {
        shared.withLock { $0.floodWaitPolicy = policy }
    }

    /// Calls `function` and returns its typed result. Safe from many tasks at once; honours task
    /// cancellation and `timeout` (default: the configuration's). Throws ``RPCError`` for
    /// `rpc_error` answers. Flood waits are slept through or fail the call per `floodWait` (default:
    /// the client's ``floodWaitPolicy``; ``FloodWaitPolicy/never`` for calls not worth waiting for,
    /// such as typing actions); each wait is logged at warning level.
    public nonisolated func invoke<F: TLFunction>(_ function: F, timeout: Duration? = nil, floodWait: FloodWaitPolicy? = nil) async throws -> F.Result {
        let body: [UInt8] = function.serializedBytes()
        var retries: Int = 0
        while true {
            let (due, configured): (ContinuousClock.Instant?, FloodWaitPolicy) = shared.withLock { (state: inout Shared) in
                (state.floodDue.isEmpty ? nil : state.floodDue[F.constructorID], state.floodWaitPolicy)
            }
            let policy: FloodWaitPolicy = floodWait ?? configured
            if let due {
                switch policy.admission(remaining: due - clock.now) {
                case .call:
                    break
                case .wait(let remaining):
                    logger.warning("\(F.tlName) is flood-limited: waiting \(remaining) before calling it")
                    try await clock.sleep(for: remaining)
                case .fail(let error):
                    throw error
                }
            }
            do {
                return try await invokeOnce(F.self, body: body, timeout: timeout)
            } catch {
                if let rpc = error as? RPCError, rpc.code == 303, rpc.name == "FILE_MIGRATE" || rpc.name == "STATS_MIGRATE",
                   let dc = rpc.value, !isAuxiliary {
                    let other: MTProtoClient = try await client(forDataCentre: dc)
                    return try await other.invoke(function, timeout: timeout)
                }
                guard let rpc = error as? RPCError, let wait = FloodWaitPolicy.wait(for: rpc) else { throw error }
                if wait.perMethod {
                    let due: ContinuousClock.Instant = clock.now + .seconds(wait.seconds)
                    shared.withLock { $0.floodDue[F.constructorID] = due }
                }
                guard let delay = policy.retryDelay(after: rpc, retries: retries) else { throw error }
                retries += 1
                logger.warning("\(rpc.message) on \(F.tlName): retrying in \(wait.seconds) s")
                try await clock.sleep(for: delay)
            }
        }
    }

    /// A client for another DC logged in as the same user: created on first use with
    /// `auth.exportAuthorization` here and `auth.importAuthorization` there, then kept (and closed
    /// with this one). `FILE_MIGRATE_X`/`STATS_MIGRATE_X` answers are retried through it.
    public func client(forDataCentre dc: Int) async throws -> MTProtoClient {
        if dc == configuration.dataCentre.id { return self }
        if let existing = auxiliaries[dc] {
            do {
                return try await existing.value
            } catch {
                if auxiliaries[dc] == existing { auxiliaries[dc] = nil }
                throw error
            }
        }
        let task: Task<MTProtoClient, any Error> = Task { try await self.makeAuxiliaryClient(dc: dc) }
        auxiliaries[dc] = task
        do {
            return try await task.value
        } catch {
            if auxiliaries[dc] == task { auxiliaries[dc] = nil }
            throw error
        }
    }

    private func makeAuxiliaryClient(dc: Int) async throws -> MTProtoClient {
        if isClosed { throw MTProtoClientError.closed }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            throw MTProtoClientError.unknownDataCentre(dc)
        }
        var settings: ClientConfiguration = configuration
        settings.dataCentre = target
        let known: [Int: HandshakeResult] = keys.permanent[dc].map { [dc: $0] } ?? [:]
        let other: MTProtoClient = MTProtoClient(
            configuration: settings, authKeys: known, storage: storage, entropy: entropy, logger: logger, eventLoopGroup: group,
            clock: clock)
        other.becomeAuxiliary(floodWaitPolicy: floodWaitPolicy)
        // Updates go to the home DC's client; this one's stream is closed so nothing piles up.
        await other.stopDeliveringUpdates()
        do {
            try await other.connect()
            let exported: Api.auth.ExportedAuthorization = try await invoke(Api.functions.auth.ExportAuthorization(dcId: Int32(dc)))
            _ = try await other.invoke(Api.functions.auth.ImportAuthorization(id: exported.id, bytes: exported.bytes))
        } catch {
            await other.close()
            throw error
        }
        logger.info("logged in on \(target) for file and statistics calls")
        return other
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

    /// Makes `dc` the home DC (as a `USER_MIGRATE` would, without a call to send again), e.g. when a
    /// QR login names the DC the account lives on. Calls made from now on go there; the current
    /// connection ends. Throws ``MTProtoClientError/unknownDataCentre(_:)`` for a DC without an address.
    public func moveHome(toDataCentre dc: Int) throws {
        if dc == configuration.dataCentre.id { return }
        guard let target = DataCentre.addresses(of: dc, in: configuration.knownDataCentres).first else {
            throw MTProtoClientError.unknownDataCentre(dc)
        }
        logger.info("moving the home DC to \(target)")
        configuration.dataCentre = target
        persist { try $0.setHomeDataCentre(dc) }
        dropSession()
        closeConnection?()
    }

    /// The permanent key of the home DC, if there is one.
    var homePermanentKey: HandshakeResult? { keys.permanent[configuration.dataCentre.id] }

    /// A client of its own for the home DC on `key` alone: no PFS (the call goes under the permanent
    /// key itself), no storage, no updates.
    func makePermanentKeyClient(_ key: HandshakeResult) async -> MTProtoClient {
        var settings: ClientConfiguration = configuration
        settings.temporaryKeyLifetime = nil
        let other: MTProtoClient = MTProtoClient(
            configuration: settings, authKeys: [configuration.dataCentre.id: key], storage: nil, entropy: entropy, logger: logger,
            eventLoopGroup: group, clock: clock)
        other.becomeAuxiliary(floodWaitPolicy: .never)
        await other.stopDeliveringUpdates()
        return other
    }

    /// Forgets the permanent key of the home DC here and in the storage (after `destroy_auth_key`).
    func dropHomePermanentKey() {
        forgetPermanentKey()
        closeConnection?()
    }

    private func stopDeliveringUpdates() {
        updatesContinuation.finish()
    }

    private nonisolated func becomeAuxiliary(floodWaitPolicy policy: FloodWaitPolicy) {
        shared.withLock {
            $0.isAuxiliary = true
            $0.floodWaitPolicy = policy
        }
    }

    private nonisolated func invokeOnce<F: TLFunction>(_ type: F.Type, body: [UInt8], timeout: Duration?) async throws -> F.Result {
        let raw: [UInt8] = try await invokeRaw(body, contentRelated: !Self.isServiceFunction(F.constructorID), timeout: timeout)
        var reader: TLReader = TLReader(raw)
        do {
            return try F.decodeResult(from: &reader)
        } catch {
            throw MTProtoClientError.decoding("\(F.tlName): \(error)")
        }
    }

    /// MTProto service calls are not content-related (they take even seq_nos).
    static func isServiceFunction(_ id: UInt32) -> Bool {
        switch id {
        case 0x7abe_77ec, 0xf342_7b8c, 0xb921_bd04, 0xe751_2126, 0xd143_5160, 0x58e4_a740: return true
        default: return false
        }
    }

    /// Sends an already serialized function and returns the raw result.
    public nonisolated func invokeRaw(_ body: [UInt8], contentRelated: Bool = true, timeout: Duration? = nil) async throws -> [UInt8] {
        let id: UInt64 = allocateCallID()
        let timeout: Duration = timeout ?? defaultTimeout
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                let submission: Submission = Submission(
                    id: id, body: body, contentRelated: contentRelated, timeout: timeout, continuation: continuation)
                let schedule: Bool = shared.withLock { (state: inout Shared) -> Bool in
                    state.submissions.append(submission)
                    if state.drainScheduled { return false }
                    state.drainScheduled = true
                    return true
                }
                if schedule { eventLoop.execute { self.assumeIsolated { $0.drainSubmissions() } } }
            }
        } onCancel: {
            eventLoop.execute { self.assumeIsolated { $0.abandon(id, with: CancellationError()) } }
        }
    }
}

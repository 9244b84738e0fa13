import Foundation
import Logging
import NIOCore
import NIOPosix
import TLSchema

/// An MTProto client: one connection to the home DC, typed `invoke`, updates as an `AsyncSequence`.
///
/// The protocol lives in the sans-IO pieces (``ClientHandshake``, ``TransportCodec``,
/// ``SessionState``); this actor only connects sockets, feeds bytes in and out, keeps time, and
/// matches answers to callers. It reconnects with capped exponential backoff and jitter, keeps the
/// session alive with `ping_delay_disconnect` (closing half-open sockets), resends unacknowledged
/// requests on a new connection so every call completes exactly once, and follows
/// `PHONE/USER/NETWORK_MIGRATE_X` to the new home DC.
public actor MTProtoClient {
    /// Updates pushed by the server. After a gap the server cannot describe (a new session), an
    /// `updatesTooLong` is delivered: fetch the difference.
    public nonisolated let updates: AsyncStream<Api.Updates>
    private let updatesContinuation: AsyncStream<Api.Updates>.Continuation

    public private(set) var configuration: ClientConfiguration
    /// The last `help.getConfig` answer (fetched with `initConnection` on every connection).
    public private(set) var serverConfig: Api.Config?
    private let entropy: any EntropySource
    private let logger: Logger
    private let group: any EventLoopGroup

    private var keys: [Int: HandshakeResult] = [:]
    private let storage: (any SessionStorage)?
    private var session: SessionState?
    private var handshake: ClientHandshake?
    private var codec: TransportCodec?
    private var writer: AsyncStream<[UInt8]>.Continuation?
    private var closeConnection: (@Sendable () -> Void)?
    private var connectionTask: Task<Void, Never>?
    private var lastReceived: ContinuousClock.Instant = .now
    private var connectionGeneration: Int = 0
    private var isReady: Bool = false
    private var isClosed: Bool = false
    private var readyWaiters: [CheckedContinuation<Void, any Error>] = []
    private var lastConnectionError: (any Error)?

    private struct Call {
        var body: [UInt8]
        var contentRelated: Bool
        var token: RequestToken?
        var complete: @Sendable (Result<[UInt8], any Error>) -> Void
    }

    private var calls: [UInt64: Call] = [:]
    private var waiting: [UInt64] = []
    private var tokenToCall: [RequestToken: UInt64] = [:]
    private var cancelledBeforeRegistration: Set<UInt64> = []
    private var nextCallID: UInt64 = 1
    /// How flood waits are handled (see ``FloodWaitPolicy``).
    public private(set) var floodWaitPolicy: FloodWaitPolicy = FloodWaitPolicy()
    /// When each method (by constructor id) may be called again after a FLOOD_WAIT.
    private var floodDue: [UInt32: ContinuousClock.Instant] = [:]

    /// A client for `configuration`. Keys from `authKeys` (per DC id) are used instead of a new
    /// exchange; with `storage`, new keys, salts, time offsets and the home DC are saved there.
    public init(
        configuration: ClientConfiguration, authKeys: [Int: HandshakeResult] = [:], storage: (any SessionStorage)? = nil,
        entropy: any EntropySource = SystemEntropy(), logger: Logger = Logger(label: "mtproto"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.keys = authKeys
        self.storage = storage
        self.entropy = entropy
        self.logger = logger
        self.group = eventLoopGroup
        (updates, updatesContinuation) = AsyncStream<Api.Updates>.makeStream(bufferingPolicy: .unbounded)
    }

    /// A client that resumes from `storage` (keys and home DC) and keeps it up to date.
    public init(
        configuration: ClientConfiguration, storage: any SessionStorage, entropy: any EntropySource = SystemEntropy(),
        logger: Logger = Logger(label: "mtproto"), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        var resumed: ClientConfiguration = configuration
        if let home = try storage.homeDataCentre(), let dc = configuration.knownDataCentres.first(where: { $0.id == home }) {
            resumed.dataCentre = dc
        }
        self.init(
            configuration: resumed, authKeys: try storage.authKeys(), storage: storage, entropy: entropy, logger: logger,
            eventLoopGroup: eventLoopGroup)
    }

    /// Saves to the storage; a failure is logged and does not stop the client.
    private func persist(_ action: (any SessionStorage) throws -> Void) {
        guard let storage else { return }
        do {
            try action(storage)
        } catch {
            logger.error("could not save the session: \(error)")
        }
    }

    /// The keys established so far, per DC id (persist them to avoid new key exchanges).
    public var authKeys: [Int: HandshakeResult] { keys }

    /// The current home DC.
    public var homeDataCentre: DataCentre { configuration.dataCentre }

    private var now: Double { Date().timeIntervalSince1970 }

    // MARK: Lifecycle

    /// Connects (key exchange if needed, then `invokeWithLayer(initConnection(help.getConfig))`).
    /// Returns when the connection is ready; throws the first attempt's error. The client keeps
    /// reconnecting in the background until ``close()``.
    public func connect() async throws {
        if isReady { return }
        if isClosed { throw MTProtoClientError.closed }
        startConnectionLoop()
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            readyWaiters.append(c)
        }
    }

    /// Closes the connection; pending and later calls fail with ``MTProtoClientError/closed``.
    public func close() async {
        isClosed = true
        connectionTask?.cancel()
        writer?.finish()
        closeConnection?()
        let pending: [Call] = Array(calls.values)
        calls.removeAll()
        waiting.removeAll()
        tokenToCall.removeAll()
        for call in pending { call.complete(.failure(MTProtoClientError.closed)) }
        for waiter in readyWaiters { waiter.resume(throwing: MTProtoClientError.closed) }
        readyWaiters.removeAll()
        updatesContinuation.finish()
        if let task = connectionTask { await task.value }
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
                let delay: Duration = await self.backoff(attempt: attempt)
                try? await Task.sleep(for: delay)
            }
        }
    }

    private func backoff(attempt: Int) -> Duration {
        let base: Double = Double(configuration.reconnectDelay.components.attoseconds) / 1e18 + Double(configuration.reconnectDelay.components.seconds)
        let cap: Double = Double(configuration.maximumReconnectDelay.components.seconds)
        let raw: Double = min(cap, base * pow(2, Double(min(attempt, 16))))
        let jitter: Double = 0.5 + Double(entropy.randomBytes(count: 1)[0]) / 510.0
        return .milliseconds(Int(raw * jitter * 1000))
    }

    /// One TCP connection, from connect to close. Returns the error that ended it.
    private nonisolated func runOneConnection() async -> (any Error)? {
        let dc: DataCentre = await configuration.dataCentre
        do {
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer> = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .connect(host: dc.host, port: dc.port) { (channel: any Channel) in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                let (frames, frameWriter): (AsyncStream<[UInt8]>, AsyncStream<[UInt8]>.Continuation) = AsyncStream<[UInt8]>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { (tasks: inout ThrowingTaskGroup<Void, any Error>) in
                    tasks.addTask {
                        for await frame in frames {
                            try await outbound.write(ByteBuffer(bytes: frame))
                        }
                    }
                    tasks.addTask {
                        try await self.keepAlive()
                    }
                    let underlying: any Channel = channel.channel
                    await self.connectionOpened(writer: frameWriter, close: { underlying.close(promise: nil) })
                    for try await buffer in inbound {
                        try await self.received(Array(buffer.readableBytesView))
                    }
                    frameWriter.finish()
                    tasks.cancelAll()
                    throw ConnectionClosedByPeer()
                }
            }
            return nil
        } catch {
            return error
        }
    }

    private struct ConnectionClosedByPeer: Error {}
    private struct HalfOpenConnection: Error {}

    /// Pings on schedule; ends the connection when nothing has arrived for two intervals.
    private func keepAlive() async throws {
        let interval: Duration = configuration.pingInterval
        while true {
            try await Task.sleep(for: interval)
            if ContinuousClock.now - lastReceived > interval * 2 {
                logger.warning("no data for two ping intervals: reconnecting")
                throw HalfOpenConnection()
            }
            guard isReady, session != nil else { continue }
            let delay: Int32 = Int32(interval.components.seconds * 5 / 4 + 1)
            let ping: MT.functions.PingDelayDisconnect = MT.functions.PingDelayDisconnect(pingId: entropy.randomInt64(), disconnectDelay: delay)
            register(body: ping.serializedBytes(), contentRelated: false, complete: { _ in })
            flush()
        }
    }

    private func connectionOpened(writer frameWriter: AsyncStream<[UInt8]>.Continuation, close: @escaping @Sendable () -> Void) {
        connectionGeneration += 1
        writer = frameWriter
        closeConnection = close
        lastReceived = .now
        var newCodec: TransportCodec = TransportCodec(clientKind: configuration.transport, obfuscation: configuration.obfuscation, entropy: entropy)
        let preamble: [UInt8] = newCodec.takePreamble()
        codec = newCodec
        if !preamble.isEmpty { frameWriter.yield(preamble) }
        if let key = keys[configuration.dataCentre.id] {
            if session == nil {
                session = SessionState(authKey: key.authKey, salt: key.serverSalt, timeOffset: key.timeOffset, entropy: entropy)
            }
            sendInitConnection()
        } else {
            var exchange: ClientHandshake = ClientHandshake(dcID: configuration.wireDCID, keys: configuration.rsaKeys, entropy: entropy)
            let first: [UInt8] = exchange.start(now: now)
            handshake = exchange
            send(first)
        }
    }

    /// Called when a connection ended; returns whether it had become ready.
    private func connectionEnded(_ error: (any Error)?) -> Bool {
        let wasReady: Bool = isReady
        isReady = false
        writer = nil
        closeConnection = nil
        codec = nil
        handshake = nil
        session?.connectionLost()
        if let error {
            lastConnectionError = error
            logger.info("connection to \(configuration.dataCentre) ended: \(error)")
            if case MTProtoClientError.transport(let transportError) = error, transportError.reaction == .forgetKeyAndRedoExchange {
                forgetKey()
            }
            if !wasReady {
                for waiter in readyWaiters { waiter.resume(throwing: error) }
                readyWaiters.removeAll()
            }
        }
        return wasReady
    }

    /// Drops the key of the home DC (the server no longer knows it): calls go back to waiting.
    private func forgetKey() {
        keys[configuration.dataCentre.id] = nil
        let dc: Int = configuration.dataCentre.id
        persist { try $0.removeAuthKey(dc: dc) }
        dropSession()
    }

    // MARK: Bytes in and out

    private func send(_ packet: [UInt8]) {
        guard var current = codec, let writer else { return }
        let framed: [UInt8] = current.encode(packet)
        codec = current
        writer.yield(framed)
    }

    private func flush() {
        guard var current = session else { return }
        while let packet = current.nextPacket(now: now) {
            session = current
            send(packet)
            current = session!
        }
        session = current
    }

    private func received(_ bytes: [UInt8]) throws {
        lastReceived = .now
        guard var current = codec else { return }
        let events: [TransportEvent]
        do {
            events = try current.decode(bytes)
        } catch {
            throw MTProtoClientError.transport(error)
        }
        codec = current
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
            keys[configuration.dataCentre.id] = result
            let dc: Int = configuration.dataCentre.id
            persist { try $0.saveAuthKey(result, dc: dc) }
            logger.debug("auth key created for \(configuration.dataCentre)")
            session = SessionState(authKey: result.authKey, salt: result.serverSalt, timeOffset: result.timeOffset, entropy: entropy)
            sendInitConnection()
        }
    }

    private func sessionPacket(_ packet: [UInt8]) {
        guard var current = session else { return }
        let events: [SessionEvent]
        do {
            events = try current.receive(packet, now: now)
        } catch {
            logger.debug("dropped a packet: \(error)")
            return
        }
        session = current
        for event in events { handle(event) }
    }

    private func handle(_ event: SessionEvent) {
        switch event {
        case .result(let token, let body):
            complete(token: token, with: .success(body))
        case .rpcError(let token, let error):
            if error.code == 303, ["PHONE_MIGRATE", "USER_MIGRATE", "NETWORK_MIGRATE"].contains(error.name), let dc = error.value,
               let id = tokenToCall[token] {
                migrate(to: dc, retrying: id, token: token)
            } else {
                complete(token: token, with: .failure(error))
            }
        case .requestFailed(let token, let failure):
            complete(token: token, with: .failure(MTProtoClientError.session(failure)))
        case .updates(let body):
            if let updates = try? Api.Updates(decoding: body) { updatesContinuation.yield(updates) }
        case .newSessionCreated:
            updatesContinuation.yield(.updatesTooLong)
        case .parametersChanged:
            if let current = session, var stored = keys[configuration.dataCentre.id] {
                stored.serverSalt = current.salt
                stored.timeOffset = current.timeOffset
                keys[configuration.dataCentre.id] = stored
                let dc: Int = configuration.dataCentre.id
                persist { try $0.saveAuthKey(stored, dc: dc) }
            }
        }
    }

    private func complete(token: RequestToken, with result: Result<[UInt8], any Error>) {
        guard let id = tokenToCall.removeValue(forKey: token), let call = calls.removeValue(forKey: id) else { return }
        call.complete(result)
    }

    // MARK: Calls

    private func sendInitConnection() {
        let query: Api.functions.InvokeWithLayer<Api.functions.InitConnection<Api.functions.help.GetConfig>> =
            Api.functions.InvokeWithLayer(
                layer: Api.layer,
                query: Api.functions.InitConnection(
                    apiId: configuration.apiID, deviceModel: configuration.deviceModel, systemVersion: configuration.systemVersion,
                    appVersion: configuration.appVersion, systemLangCode: configuration.systemLanguageCode,
                    langPack: configuration.languagePack, langCode: configuration.languageCode, query: Api.functions.help.GetConfig()))
        let generation: Int = connectionGeneration
        let id: UInt64 = nextCallID
        nextCallID += 1
        calls[id] = Call(body: query.serializedBytes(), contentRelated: true, token: nil, complete: { [weak self] result in
            Task { await self?.initConnectionAnswered(result, generation: generation) }
        })
        enqueueInSession(id)
        flush()
    }

    private func initConnectionAnswered(_ result: Result<[UInt8], any Error>, generation: Int) {
        guard generation == connectionGeneration else { return }
        switch result {
        case .success(let body):
            if let config = try? Api.Config(decoding: body) {
                serverConfig = config
                learnDataCentres(from: config)
            }
            isReady = true
            for waiter in readyWaiters { waiter.resume() }
            readyWaiters.removeAll()
            let queued: [UInt64] = waiting
            waiting.removeAll()
            for id in queued { enqueueInSession(id) }
            flush()
        case .failure(let error):
            logger.error("initConnection failed: \(error)")
            for waiter in readyWaiters { waiter.resume(throwing: error) }
            readyWaiters.removeAll()
        }
    }

    private func learnDataCentres(from config: Api.Config) {
        var known: [Int: DataCentre] = [:]
        for dc in configuration.knownDataCentres { known[dc.id] = dc }
        for o in config.dcOptions {
            guard !o.ipv6, !o.mediaOnly, !o.cdn, !o.tcpoOnly else { continue }
            if known[Int(o.id)] == nil || !o.static {
                known[Int(o.id)] = DataCentre(id: Int(o.id), host: o.ipAddress, port: Int(o.port))
            }
        }
        configuration.knownDataCentres = known.values.sorted { $0.id < $1.id }
    }

    private func enqueueInSession(_ id: UInt64) {
        guard var current = session, var call = calls[id] else {
            if calls[id] != nil && !waiting.contains(id) { waiting.append(id) }
            return
        }
        let token: RequestToken = current.enqueue(call.body, contentRelated: call.contentRelated)
        session = current
        call.token = token
        calls[id] = call
        tokenToCall[token] = id
    }

    @discardableResult
    private func register(body: [UInt8], contentRelated: Bool, complete: @escaping @Sendable (Result<[UInt8], any Error>) -> Void) -> UInt64 {
        let id: UInt64 = nextCallID
        nextCallID += 1
        calls[id] = Call(body: body, contentRelated: contentRelated, token: nil, complete: complete)
        if isReady { enqueueInSession(id) } else { waiting.append(id) }
        return id
    }

    private func register(id: UInt64, body: [UInt8], contentRelated: Bool, continuation: CheckedContinuation<[UInt8], any Error>) {
        if cancelledBeforeRegistration.remove(id) != nil {
            continuation.resume(throwing: CancellationError())
            return
        }
        if isClosed {
            continuation.resume(throwing: MTProtoClientError.closed)
            return
        }
        calls[id] = Call(body: body, contentRelated: contentRelated, token: nil, complete: { continuation.resume(with: $0) })
        if isReady { enqueueInSession(id) } else { waiting.append(id) }
        flush()
        if connectionTask == nil { startConnectionLoop() }
    }

    private func abandon(_ id: UInt64, with error: any Error) {
        guard let call = calls.removeValue(forKey: id) else {
            if error is CancellationError { cancelledBeforeRegistration.insert(id) }
            return
        }
        waiting.removeAll { $0 == id }
        if let token = call.token {
            tokenToCall[token] = nil
            session?.cancel(token)
        }
        call.complete(.failure(error))
    }

    private func migrate(to dc: Int, retrying id: UInt64, token: RequestToken) {
        tokenToCall[token] = nil
        calls[id]?.token = nil
        guard let target = configuration.knownDataCentres.first(where: { $0.id == dc }) else {
            if let call = calls.removeValue(forKey: id) { call.complete(.failure(MTProtoClientError.unknownDataCentre(dc))) }
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
        session = nil
        tokenToCall.removeAll()
        for key in calls.keys.sorted() where !waiting.contains(key) {
            calls[key]?.token = nil
            waiting.append(key)
        }
    }

    private func allocateCallID() -> UInt64 {
        let id: UInt64 = nextCallID
        nextCallID += 1
        return id
    }

    /// Changes how flood waits are handled.
    public func setFloodWaitPolicy(_ policy: FloodWaitPolicy) {
        floodWaitPolicy = policy
    }

    /// Calls `function` and returns its typed result. Safe from many tasks at once; honours task
    /// cancellation and `timeout` (default: the configuration's). Throws ``RPCError`` for
    /// `rpc_error` answers. Flood waits are slept through or fail the call per ``floodWaitPolicy``;
    /// each wait is logged at warning level.
    public func invoke<F: TLFunction>(_ function: F, timeout: Duration? = nil) async throws -> F.Result {
        let body: [UInt8] = function.serializedBytes()
        var retries: Int = 0
        while true {
            if let due = floodDue[F.constructorID] {
                let remaining: Duration = due - ContinuousClock.now
                if remaining > .zero {
                    guard remaining <= floodWaitPolicy.sleepThreshold else {
                        throw RPCError(code: 420, message: "FLOOD_WAIT_\(Int(remaining.components.seconds) + 1)")
                    }
                    logger.warning("\(F.tlName) is flood-limited: waiting \(remaining) before calling it")
                    try await Task.sleep(for: remaining)
                }
            }
            do {
                return try await invokeOnce(F.self, body: body, timeout: timeout)
            } catch {
                guard let rpc = error as? RPCError, let wait = FloodWaitPolicy.wait(for: rpc) else { throw error }
                let delay: Duration = .seconds(wait.seconds)
                if wait.perMethod { floodDue[F.constructorID] = ContinuousClock.now + delay }
                guard retries < floodWaitPolicy.maximumRetries, delay <= floodWaitPolicy.sleepThreshold else { throw error }
                retries += 1
                logger.warning("\(rpc.message) on \(F.tlName): retrying in \(wait.seconds) s")
                try await Task.sleep(for: delay)
            }
        }
    }

    private func invokeOnce<F: TLFunction>(_ type: F.Type, body: [UInt8], timeout: Duration?) async throws -> F.Result {
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
        [0x7abe_77ec, 0xf342_7b8c, 0xb921_bd04, 0xe751_2126, 0xd143_5160, 0x58e4_a740].contains(id)
    }

    /// Sends an already serialized function and returns the raw result.
    public func invokeRaw(_ body: [UInt8], contentRelated: Bool = true, timeout: Duration? = nil) async throws -> [UInt8] {
        if isClosed { throw MTProtoClientError.closed }
        let id: UInt64 = allocateCallID()
        let limit: Duration = timeout ?? configuration.defaultTimeout
        let timer: Task<Void, Never> = Task { [weak self] in
            try? await Task.sleep(for: limit)
            if Task.isCancelled { return }
            await self?.abandon(id, with: MTProtoClientError.timeout)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                register(id: id, body: body, contentRelated: contentRelated, continuation: continuation)
            }
        } onCancel: {
            Task { await self.abandon(id, with: CancellationError()) }
        }
    }
}

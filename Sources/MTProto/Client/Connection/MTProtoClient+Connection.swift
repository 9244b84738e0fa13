import Foundation
import Logging
import NIOCore
import TLSchema

/// The connection loop of an ``MTProtoClient``: dialling, reconnecting with backoff, keep-alive,
/// the bytes in and out of the channel, and `initConnection`.
extension MTProtoClient {
    func startConnectionLoop() {
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

    func backoff(attempt: Int, transportFlood: Bool) -> Duration {
        ReconnectBackoff(configuration).delay(attempt: attempt, jitterByte: entropy.randomBytes(count: 1)[0], transportFlood: transportFlood)
    }

    /// One TCP connection, from connect to close. Returns the error that ended it.
    nonisolated func runOneConnection() async -> (any Error)? {
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
    func dial() -> ClientConfiguration {
        _ = machine.dial()
        return configuration
    }

    func markAddressUnreachable() { addresses.unreachable() }

    /// Ends the current connection because of `error` (reported when its loop comes round).
    func endConnection(_ error: any Error) {
        if connectionError == nil { connectionError = error }
        closeConnection?()
    }

    func takeConnectionError() -> any Error {
        let error: any Error = connectionError ?? ConnectionClosedByPeer()
        connectionError = nil
        return error
    }

    /// Pings on schedule; ends the connection when nothing has arrived for two intervals.
    func keepAlive() async {
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

    /// Called when a connection ended; returns whether it had become ready.
    func connectionEnded(_ error: (any Error)?) -> Bool {
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

    /// Frames `packet` and writes it to the channel; ``flush()`` sends it.
    func send(_ packet: [UInt8]) {
        guard codec != nil, let channel else { return }
        let framed: [UInt8] = codec!.value.encode(packet)
        channel.write(ByteBuffer(bytes: framed), promise: nil)
        hasUnflushedWrites = true
    }

    /// Writes every packet the session has ready, then flushes the channel once.
    func flush() {
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

    func received(_ bytes: [UInt8]) throws {
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

    func sendInitConnection() {
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

    func initConnectionAnswered(_ result: Result<[UInt8], any Error>, generation: Int) {
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
}

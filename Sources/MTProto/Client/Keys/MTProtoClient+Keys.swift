import Foundation
import Logging
import NIOCore
import TLSchema

/// The keys of an ``MTProtoClient``'s session: key exchanges, the permanent key's write gate,
/// binding temporary keys and renewing them (the decisions are ``KeyRing``'s).
extension MTProtoClient {
    /// Starts the session on the current connection: a key exchange first when a key is missing;
    /// with PFS, a bound temporary key carries the session.
    func startSession() {
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

    func makeSession(_ key: HandshakeResult) -> Mutable<SessionState> {
        Mutable(SessionState(authKey: key.authKey, salt: key.serverSalt, timeOffset: key.timeOffset, entropy: entropy))
    }

    func startExchange(temporary: Bool) {
        let lifetime: Int32? = temporary ? configuration.temporaryKeyLifetime.map { Int32(clamping: $0.components.seconds) } : nil
        var exchange: ClientHandshake = ClientHandshake(
            dcID: configuration.wireDCID, keys: configuration.rsaKeys, temporaryKeyLifetime: lifetime, entropy: entropy)
        let first: [UInt8] = exchange.start(now: now)
        handshake = exchange
        send(first)
    }

    /// The server does not know the key the session used (transport −404). With PFS that is the
    /// temporary key (they live in the server's memory only): a new one is bound. Without PFS the
    /// permanent key is gone: a new one is created. Calls go back to waiting either way.
    func forgetKey() {
        let dc: Int = configuration.dataCentre.id
        if configuration.temporaryKeyLifetime != nil && keys.permanent[dc] != nil {
            logger.info("\(configuration.dataCentre) forgot the temporary key: binding a new one")
            discardTemporaryKey()
        } else {
            forgetPermanentKey()
        }
    }

    /// Drops the permanent key of the home DC (this logs the client out there).
    func forgetPermanentKey() {
        let dc: Int = configuration.dataCentre.id
        keys.forgetPermanent(dc: dc)
        persist { try $0.removeAuthKey(dc: dc) }
        dropSession()
    }

    /// Drops the temporary key of the home DC and its session.
    func discardTemporaryKey() {
        keys.discardTemporary(dc: configuration.dataCentre.id)
        dropSession()
    }

    func handshakePacket(_ packet: [UInt8]) throws {
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
    func afterStorageWrites(_ then: @escaping @Sendable (isolated MTProtoClient) -> Void) {
        let loop: any EventLoop = eventLoop
        writer.afterWrites {
            loop.execute { self.assumeIsolated { then($0) } }
        }
    }

    /// Binds the temporary key to the permanent one; initConnection follows once it is bound.
    func sendBinding(permanent: HandshakeResult, temporary: HandshakeResult) {
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

    func bindingAnswered(_ result: Result<[UInt8], any Error>, generation: Int) {
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

    func temporaryKeyBound() {
        keys.bound(dc: configuration.dataCentre.id)
        logger.debug("temporary key bound on \(configuration.dataCentre)")
        if machine.bound() { sendInitConnection() }
    }

    /// Switches to a new temporary key once three quarters of its lifetime have passed: new calls
    /// wait, and the switch happens when the calls in flight are answered (or at the deadline),
    /// so no call is sent twice.
    func watchTemporaryKey() async {
        guard let lifetime = configuration.temporaryKeyLifetime else { return }
        let tick: Duration = min(.seconds(1), lifetime / 16)
        while (try? await clock.sleep(for: tick)) != nil {
            checkTemporaryKeyRenewal()
        }
    }

    func checkTemporaryKeyRenewal() {
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
}

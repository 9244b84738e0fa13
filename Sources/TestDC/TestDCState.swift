import Foundation
import Logging
import MTProto
import MTProtoServer
import NIOCore
import TLSchema

/// The shared state of the test DCs: keys, sessions, handlers, faults, and the connections that
/// currently carry each session. It runs on the DCs' event loop, so connection handlers call it
/// synchronously.
actor TestDCState {
    /// One session and the connection it last arrived on.
    final class SessionBox {
        var session: ServerSession
        var connection: UInt64?

        init(session: ServerSession) {
            self.session = session
        }
    }

    let dcs: [Int]
    let rsaKey: RSAPrivateKey
    let logger: Logger
    private var ports: [Int: Int] = [:]
    private var ipv6Ports: [Int: Int] = [:]
    private var keys: [Int: [Int64: HandshakeResult]] = [:]
    private var sessions: [Int: [Int64: SessionBox]] = [:]
    private var handlers: [UInt32: MethodHandler] = [:]
    private var faults: [Int: FaultPlan] = [:]
    private var counts: [UInt32: Int] = [:]
    private var connections: [UInt64: ServerOutbox] = [:]
    private var messagesPerConnection: [UInt64: Int] = [:]
    private var nextConnection: UInt64 = 1
    /// With `FaultPlan.reorderPackets`: the packet waiting to be sent after the next one.
    private var heldBack: [UInt64: [UInt8]] = [:]
    /// PFS: temporary key id → the permanent key id it is bound to, per DC.
    private var bindings: [Int: [Int64: Int64]] = [:]
    /// Which user each permanent key is logged in as (the same user may be on several DCs).
    private var authorizations: [Int: [Int64: Int64]] = [:]
    /// Authorizations exported for another DC: id → (user, target DC, token bytes).
    private var exports: [Int64: (user: Int64, dc: Int, bytes: [UInt8])] = [:]

    /// The event loop every DC's connections run on; the actor's executor.
    nonisolated let eventLoop: any EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }
    /// Packets of a connection that wait while an asynchronous handler answers an earlier call
    /// (an entry exists, possibly empty, while such a handler runs).
    private var backlog: [UInt64: [(packet: [UInt8], dc: Int)]] = [:]

    init(dcs: [Int], rsaKey: RSAPrivateKey, logger: Logger, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.dcs = dcs
        self.rsaKey = rsaKey
        self.logger = logger
        for dc in dcs { faults[dc] = FaultPlan() }
    }

    var dataCentres: [DataCentre] {
        dcs.map { DataCentre(id: $0, host: "127.0.0.1", port: ports[$0] ?? 0) }
    }

    func setPort(_ port: Int, for dc: Int) { ports[dc] = port }
    func setIPv6Port(_ port: Int, for dc: Int) { ipv6Ports[dc] = port }
    func setHandler(_ id: UInt32, _ handler: @escaping MethodHandler) { handlers[id] = handler }
    func callCount(of id: UInt32) -> Int { counts[id] ?? 0 }
    var acceptedConnections: Int { Int(nextConnection) - 1 }
    func knownKeys(dc: Int) -> [Int64] { (keys[dc] ?? [:]).keys.sorted() }

    func setFaults(_ plan: FaultPlan, dc: Int?) {
        for d in dcs where dc == nil || dc == d { faults[d] = plan }
    }

    func faultPlan(dc: Int) -> FaultPlan { faults[dc] ?? FaultPlan() }

    func register(connection: ServerOutbox) -> UInt64 {
        let id: UInt64 = nextConnection
        nextConnection += 1
        connections[id] = connection
        return id
    }

    func unregister(connection id: UInt64) {
        connections[id] = nil
        heldBack[id] = nil
        backlog[id] = nil
        messagesPerConnection[id] = nil
        for dcSessions in sessions.values {
            for box in dcSessions.values where box.connection == id {
                box.connection = nil
                box.session.connectionLost()
            }
        }
    }

    func closeAllConnections() {
        for c in connections.values { c.close() }
        connections.removeAll()
    }

    /// Takes the transport error planned for a new connection, if any.
    func takeTransportError(dc: Int) -> Int32? {
        guard let code = faults[dc]?.transportErrorOnce else { return nil }
        faults[dc]?.transportErrorOnce = nil
        return code
    }

    func registerKey(_ result: HandshakeResult, dc: Int) {
        keys[dc, default: [:]][result.authKey.id] = result
    }

    /// Forgets every temporary key of a DC (as Telegram may before they expire): clients get −404.
    func forgetTemporaryKeys(dc: Int) {
        for (id, key) in keys[dc] ?? [:] where key.expiresAt != nil { dropKey(id, dc: dc) }
    }

    func dropKey(_ id: Int64, dc: Int) {
        keys[dc]?[id] = nil
        sessions[dc]?[id] = nil
        bindings[dc]?[id] = nil
    }

    /// Temporary key id → permanent key id, for the bound temporary keys of a DC.
    func boundTemporaryKeys(dc: Int) -> [Int64: Int64] { bindings[dc] ?? [:] }

    /// Logs `authKeyID` (a permanent key of `dc`) in as `userID`.
    func authorize(authKeyID: Int64, userID: Int64, dc: Int) { authorizations[dc, default: [:]][authKeyID] = userID }

    /// The user a permanent key is logged in as.
    func userID(authKeyID: Int64, dc: Int) -> Int64? { authorizations[dc]?[authKeyID] }

    /// Handles one encrypted packet that arrived on `connection`. Calls are answered in order;
    /// while an asynchronous handler runs, the connection's later packets wait behind it.
    func received(_ packet: [UInt8], dc: Int, connection: UInt64) {
        if backlog[connection] != nil {
            backlog[connection]!.append((packet, dc))
            return
        }
        if process(packet, dc: dc, connection: connection) { drainBacklog(connection) }
    }

    /// Handles the packets that waited behind an asynchronous handler, until one waits again.
    private func drainBacklog(_ connection: UInt64) {
        while let queued = backlog[connection] {
            guard let next = queued.first else {
                backlog[connection] = nil
                return
            }
            backlog[connection]!.removeFirst()
            if !process(next.packet, dc: next.dc, connection: connection) { return }
        }
    }

    /// Decrypts a packet and answers its calls; false when an asynchronous handler took over
    /// (it finishes the packet and drains the backlog).
    private func process(_ packet: [UInt8], dc: Int, connection: UInt64) -> Bool {
        guard packet.count >= 8 else { return true }
        let keyID: Int64 = packet[0 ..< 8].enumerated().reduce(Int64(0)) { $0 | Int64($1.element) << (8 * Int64($1.offset)) }
        let plan: FaultPlan? = faults[dc]
        let now: Double = Date().timeIntervalSince1970 + Double(plan?.clockSkew ?? 0)
        if let expiresAt = keys[dc]?[keyID]?.expiresAt, Double(expiresAt) < now { dropKey(keyID, dc: dc) }
        guard let key = keys[dc]?[keyID] else {
            connections[connection]?.sendTransportError(-404)
            return true
        }
        let box: SessionBox
        if let existing = sessions[dc]?[keyID] {
            box = existing
        } else {
            box = SessionBox(session: ServerSession(authKey: key.authKey, salt: key.serverSalt))
            sessions[dc, default: [:]][keyID] = box
        }
        box.connection = connection
        if (plan?.rotateSaltTimes ?? 0) > 0 {
            faults[dc]?.rotateSaltTimes -= 1
            let salt: Int64 = Int64.random(in: Int64.min ... Int64.max)
            box.session.salt = salt
            box.session.acceptedSalts = [salt]
        }
        // What waited for this session (answers from before a drop) goes out first, as a server
        // sends its queue when the client is back; acks for this packet's calls wait until the
        // calls have been carried out (a dropped call must not look received).
        flush(box, dc: dc)
        let calls: [ServerSession.Call]
        do {
            calls = try box.session.receive(packet, now: now)
        } catch {
            logger.debug("dropped a client packet: \(error)")
            return true
        }
        return answer(calls[...], box: box, dc: dc, authKeyID: keyID, connection: connection)
    }

    /// Answers `calls` in order, then sends what the session has; false when an asynchronous
    /// handler took over the rest.
    private func answer(_ calls: ArraySlice<ServerSession.Call>, box: SessionBox, dc: Int, authKeyID: Int64, connection: UInt64) -> Bool {
        let dropAfter: Int? = faults[dc]?.dropConnectionAfterMessages
        for (index, call) in zip(calls.indices, calls) {
            messagesPerConnection[connection, default: 0] += 1
            if let limit = dropAfter, messagesPerConnection[connection, default: 0] > limit {
                // Drop the connection mid-packet: answers not yet sent wait in the session, calls not
                // yet answered are lost and must be resent by the client.
                messagesPerConnection[connection] = 0
                box.connection = nil
                box.session.connectionLost()
                connections[connection]?.close()
                return true
            }
            if let (handler, context) = answer(call, box: box, dc: dc, authKeyID: authKeyID) {
                if backlog[connection] == nil { backlog[connection] = [] }
                let rest: ArraySlice<ServerSession.Call> = calls[(index + 1)...]
                Task {
                    let outcome: HandlerOutcome = await handler(context)
                    self.reply(outcome, to: call.messageID, box: box)
                    if self.answer(rest, box: box, dc: dc, authKeyID: authKeyID, connection: connection) { self.drainBacklog(connection) }
                }
                return false
            }
        }
        flush(box, dc: dc)
        return true
    }

    private func reply(_ outcome: HandlerOutcome, to messageID: Int64, box: SessionBox) {
        switch outcome {
        case .result(let bytes): box.session.reply(to: messageID, result: bytes)
        case .error(let code, let message): box.session.replyError(to: messageID, code: code, message: message)
        }
    }

    /// Answers one call, or returns the registered handler that must answer it (asynchronously).
    private func answer(_ call: ServerSession.Call, box: SessionBox, dc: Int, authKeyID: Int64) -> (MethodHandler, HandlerContext)? {
        guard var function = try? LenientFunctionDecoder.decode(call.body) else {
            box.session.replyError(to: call.messageID, code: 400, message: "INPUT_METHOD_INVALID")
            return nil
        }
        var layer: Int32? = nil
        // Unwrap invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg(s); the id
        // is checked first so that a plain call costs no dynamic cast.
        while Self.wrapperIDs.contains(type(of: function).constructorID) {
            if let wrapper = function as? Api.functions.InvokeWithLayer<TLAnyFunction> {
                layer = wrapper.layer
                function = wrapper.query.function
            } else if let wrapper = function as? Api.functions.InitConnection<TLAnyFunction> {
                function = wrapper.query.function
            } else if let wrapper = function as? Api.functions.InvokeWithoutUpdates<TLAnyFunction> {
                function = wrapper.query.function
            } else if let wrapper = function as? Api.functions.InvokeAfterMsg<TLAnyFunction> {
                function = wrapper.query.function
            } else if let wrapper = function as? Api.functions.InvokeAfterMsgs<TLAnyFunction> {
                function = wrapper.query.function
            } else {
                break
            }
        }
        let id: UInt32 = type(of: function).constructorID
        let isTemporary: Bool = keys[dc]?[authKeyID]?.expiresAt != nil
        let plan: FaultPlan? = faults[dc]
        let permanentKeyID: Int64? = isTemporary ? bindings[dc]?[authKeyID] : authKeyID
        if id == Api.functions.auth.BindTempAuthKey.constructorID, let bind = function as? Api.functions.auth.BindTempAuthKey {
            counts[id, default: 0] += 1
            bindTemporaryKey(bind, box: box, dc: dc, temporaryKeyID: authKeyID, messageID: call.messageID)
            return nil
        }
        if id == MT.functions.DestroyAuthKey.constructorID {
            counts[id, default: 0] += 1
            destroyKey(authKeyID, box: box, dc: dc)
            return nil
        }
        guard let permanentKeyID else {
            if !(function is Api.functions.help.GetConfig || function is Api.functions.help.GetNearestDc) {
                box.session.replyError(to: call.messageID, code: 401, message: "AUTH_KEY_PERM_EMPTY")
                return nil
            }
            box.session.reply(to: call.messageID, result: config(thisDC: dc).serializedData())
            return nil
        }
        if (plan?.rejectMessageIDsTimes ?? 0) > 0 {
            faults[dc]?.rejectMessageIDsTimes -= 1
            box.session.reject(messageID: call.messageID, code: 16)
            return nil
        }
        if let planned = plan?.rpcErrors[id], planned.times > 0 {
            faults[dc]?.rpcErrors[id]?.times -= 1
            box.session.replyError(to: call.messageID, code: planned.code, message: planned.message)
            return nil
        }
        counts[id, default: 0] += 1
        if let handler = handlers[id] {
            let context: HandlerContext = HandlerContext(
                dc: dc, authKeyID: permanentKeyID, userID: authorizations[dc]?[permanentKeyID], function: function, layer: layer,
                messageID: call.messageID)
            return (handler, context)
        }
        let outcome: HandlerOutcome =
            builtInAnswer(function, dc: dc, authKeyID: permanentKeyID, messageID: call.messageID) ?? .error(code: 400, message: "METHOD_NOT_IMPLEMENTED")
        reply(outcome, to: call.messageID, box: box)
        return nil
    }

    /// Constructor ids of the API's wrapper functions (invokeWithLayer, initConnection,
    /// invokeWithoutUpdates, invokeAfterMsg, invokeAfterMsgs).
    private static let wrapperIDs: Set<UInt32> = [
        Api.functions.InvokeWithLayer<TLAnyFunction>.constructorID, Api.functions.InitConnection<TLAnyFunction>.constructorID,
        Api.functions.InvokeWithoutUpdates<TLAnyFunction>.constructorID, Api.functions.InvokeAfterMsg<TLAnyFunction>.constructorID,
        Api.functions.InvokeAfterMsgs<TLAnyFunction>.constructorID,
    ]

    func flush(_ box: SessionBox, dc: Int) {
        guard let connection = box.connection, let outbox = connections[connection] else { return }
        // One look-up: each one copies the plan out of the dictionary (a push burst flushes once per push).
        let plan: FaultPlan? = faults[dc]
        let now: Double = Date().timeIntervalSince1970 + Double(plan?.clockSkew ?? 0)
        let reorder: Bool = plan?.reorderPackets == true
        let duplicate: Bool = plan?.duplicatePackets == true
        var out: [[UInt8]] = []
        while let packet = box.session.nextPacket(now: now) {
            if reorder {
                // Hold each packet back until the next one has gone out (or a moment has passed).
                if let held = heldBack.removeValue(forKey: connection) {
                    out.append(packet)
                    out.append(held)
                } else {
                    heldBack[connection] = packet
                    Task { [weak self] in
                        try? await Task.sleep(for: .milliseconds(20))
                        await self?.releaseHeldBack(connection)
                    }
                }
            } else {
                out.append(packet)
            }
            if duplicate { out.append(packet) }
        }
        outbox.send(out)
    }

    private func releaseHeldBack(_ connection: UInt64) {
        guard let held = heldBack.removeValue(forKey: connection) else { return }
        connections[connection]?.send([held])
    }

    /// Pushes a content-related message to sessions (of one key, or all; with PFS, the sessions of
    /// the temporary keys bound to that key too).
    func push(_ body: [UInt8], toAuthKey authKeyID: Int64?) {
        for (dc, dcSessions) in sessions {
            for (keyID, box) in dcSessions where authKeyID == nil || authKeyID == keyID || bindings[dc]?[keyID] == authKeyID {
                box.session.push(body)
                flush(box, dc: dc)
            }
        }
    }

    /// `auth.bindTempAuthKey`: checks the binding against the temporary key and session it came in.
    private func bindTemporaryKey(_ request: Api.functions.auth.BindTempAuthKey, box: SessionBox, dc: Int, temporaryKeyID: Int64, messageID: Int64) {
        guard let temporary = keys[dc]?[temporaryKeyID], let expiresAt = temporary.expiresAt else {
            box.session.replyError(to: messageID, code: 400, message: "TEMP_AUTH_KEY_EMPTY")
            return
        }
        // The client computes expires_at from its corrected clock: allow a minute either way.
        guard abs(Int64(request.expiresAt) - Int64(expiresAt)) <= 60 else {
            box.session.replyError(to: messageID, code: 400, message: "EXPIRES_AT_INVALID")
            return
        }
        guard let permanent = keys[dc]?[request.permAuthKeyId], permanent.expiresAt == nil, let sessionID = box.session.sessionID else {
            box.session.replyError(to: messageID, code: 400, message: "ENCRYPTED_MESSAGE_INVALID")
            return
        }
        let verdict: Result<Void, TemporaryKeyBinding.Failure> = Result { () throws(TemporaryKeyBinding.Failure) -> Void in
            try TemporaryKeyBinding.verify(
                request, permanentKey: permanent.authKey, temporaryKey: temporary.authKey, messageID: messageID, sessionID: sessionID)
        }
        if case .failure(let failure) = verdict {
            logger.warning("rejected a PFS binding on DC \(dc): \(failure)")
            box.session.replyError(to: messageID, code: 400, message: "ENCRYPTED_MESSAGE_INVALID")
            return
        }
        // One temporary key per permanent key: a new binding replaces the old one.
        for (temp, perm) in bindings[dc] ?? [:] where perm == request.permAuthKeyId && temp != temporaryKeyID { dropKey(temp, dc: dc) }
        bindings[dc, default: [:]][temporaryKeyID] = request.permAuthKeyId
        if case .result(let answer) = HandlerOutcome.bool(true) { box.session.reply(to: messageID, result: answer) }
    }

    /// `auth.exportAuthorization`: a one-time token for the same user on another DC.
    private func exportAuthorization(_ request: Api.functions.auth.ExportAuthorization, dc: Int, authKeyID: Int64) -> HandlerOutcome {
        guard let user = authorizations[dc]?[authKeyID] else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
        guard dcs.contains(Int(request.dcId)), Int(request.dcId) != dc else { return .error(code: 400, message: "DC_ID_INVALID") }
        let id: Int64 = Int64.random(in: 1 ... Int64.max)
        let bytes: [UInt8] = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 255) }
        exports[id] = (user, Int(request.dcId), bytes)
        return .value(Api.auth.ExportedAuthorization(id: id, bytes: bytes))
    }

    /// `auth.importAuthorization`: logs this key in as the exported user (each token works once).
    private func importAuthorization(_ request: Api.functions.auth.ImportAuthorization, dc: Int, authKeyID: Int64) -> HandlerOutcome {
        guard let export = exports[request.id], export.dc == dc, export.bytes == request.bytes else {
            return .error(code: 400, message: "AUTH_BYTES_INVALID")
        }
        exports[request.id] = nil
        authorizations[dc, default: [:]][authKeyID] = export.user
        let user: Api.User = .user(Api.User.User(isSelf: true, id: export.user, accessHash: 0, firstName: "Test"))
        return .value(Api.auth.Authorization.authorization(Api.auth.Authorization.Authorization(user: user)))
    }

    /// Pushes a content-related message to every session logged in as `userID` (on any DC; with
    /// PFS, sessions of temporary keys bound to the user's permanent keys).
    func push(_ body: [UInt8], toUser userID: Int64) {
        push([body], toUser: userID)
    }

    /// Pushes several content-related messages, in order, to every session logged in as `userID`,
    /// then flushes each session once: what it has queued goes out in one container (up to the
    /// session's limit per container), as Telegram sends several `updates` together.
    func push(_ bodies: [[UInt8]], toUser userID: Int64) {
        for (dc, dcSessions) in sessions {
            let keys: Set<Int64> = Set((authorizations[dc] ?? [:]).filter { $0.value == userID }.keys)
            guard !keys.isEmpty else { continue }
            for (keyID, box) in dcSessions where keys.contains(keyID) || bindings[dc]?[keyID].map({ keys.contains($0) }) == true {
                for body in bodies { box.session.push(body) }
                flush(box, dc: dc)
            }
        }
    }

    /// Logs a permanent key out.
    func deauthorize(authKeyID: Int64, dc: Int) { authorizations[dc]?[authKeyID] = nil }

    /// Answers the methods every DC knows without a handler.
    private func builtInAnswer(_ function: any TLFunction, dc: Int, authKeyID: Int64, messageID: Int64) -> HandlerOutcome? {
        switch function {
        case let ping as MT.functions.Ping:
            // A ping inside a wrapper (e.g. invokeWithoutUpdates) is answered in an rpc_result.
            return .value(MT.Pong(msgId: messageID, pingId: ping.pingId))
        case is Api.functions.help.GetConfig:
            return .value(config(thisDC: dc))
        case is Api.functions.help.GetNearestDc:
            return .value(Api.NearestDc(country: "ZZ", thisDc: Int32(dc), nearestDc: Int32(dc)))
        case let export as Api.functions.auth.ExportAuthorization:
            return exportAuthorization(export, dc: dc, authKeyID: authKeyID)
        case let importing as Api.functions.auth.ImportAuthorization:
            return importAuthorization(importing, dc: dc, authKeyID: authKeyID)
        case is Api.functions.users.GetUsers where authorizations[dc]?[authKeyID] == nil:
            // No account is logged in on this key (clients such as Telethon ask right after connecting).
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        default:
            return nil
        }
    }

    func config(thisDC: Int) -> Api.Config {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var options: [Api.DcOption] = dcs.map { Api.DcOption(id: Int32($0), ipAddress: "127.0.0.1", port: Int32(ports[$0] ?? 0)) }
        if faults[thisDC]?.unreachableIPv4 == true {
            // Port 1 on loopback refuses connections: only the IPv6 address works.
            options = dcs.flatMap { (dc: Int) -> [Api.DcOption] in
                [Api.DcOption(id: Int32(dc), ipAddress: "127.0.0.1", port: 1),
                 Api.DcOption(ipv6: true, id: Int32(dc), ipAddress: "::1", port: Int32(ipv6Ports[dc] ?? 0))]
            }
        }
        return Api.Config(
            date: now, expires: now + 3600, testMode: true, thisDc: Int32(thisDC), dcOptions: options, dcTxtDomainName: "localhost",
            chatSizeMax: 200, megagroupSizeMax: 200_000, forwardedCountMax: 100, onlineUpdatePeriodMs: 210_000,
            offlineBlurTimeoutMs: 5000, offlineIdleTimeoutMs: 30000, onlineCloudTimeoutMs: 300_000, notifyCloudDelayMs: 30000,
            notifyDefaultDelayMs: 1500, pushChatPeriodMs: 60000, pushChatLimit: 2, editTimeLimit: 172_800, revokeTimeLimit: 172_800,
            revokePmTimeLimit: 172_800, ratingEDecay: 2_419_200, stickersRecentLimit: 200, channelsReadMediaPeriod: 604_800,
            callReceiveTimeoutMs: 20000, callRingTimeoutMs: 90000, callConnectTimeoutMs: 30000, callPacketTimeoutMs: 10000,
            meUrlPrefix: "https://t.me/", captionLengthMax: 1024, messageLengthMax: 4096, webfileDcId: Int32(thisDC))
    }
}

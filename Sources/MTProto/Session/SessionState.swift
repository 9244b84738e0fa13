import TLSchema

/// The state of one MTProto 2.0 session over one auth key (messages notes §4–§9) as a pure state
/// machine: requests go in, encrypted packets come out; received packets go in, events come out.
/// Time (`now`, seconds) and randomness are injected; nothing here touches a socket or a clock.
///
/// It owns msg_id and seq_no generation, acknowledgements (both ways), containers, gzip, salts, the
/// time offset, replay and time-window checks, every service message's reaction and the resend
/// queue: a request is sent again (with a new msg_id) until the server acknowledges it, so each one
/// completes exactly once across reconnects.
public struct SessionState: Sendable {
    /// A request waiting to be sent or answered.
    struct Pending: Sendable {
        var token: RequestToken
        var body: [UInt8]
        var contentRelated: Bool
        /// The msg_id it was last sent with (nil: queued, not sent on the current connection).
        var messageID: Int64?
        /// Earlier msg_ids of the same request in this session: after a reconnect the server may
        /// still answer one of them, and that answer completes the request (the last few are kept).
        var earlierMessageIDs: [Int64] = []
        /// The container it travelled in, if any.
        var containerID: Int64?
        /// The server acknowledged receiving it: wait for the answer, do not resend on reconnect.
        var acknowledged: Bool = false
        var sends: Int = 0
        /// For a message whose body depends on its own msg_id and session id (the PFS binding):
        /// rebuilt on every send, and always sent alone.
        var build: (@Sendable (_ messageID: Int64, _ sessionID: Int64) -> [UInt8])?
    }

    /// Encrypts and decrypts with the session's auth key.
    public let envelope: Envelope
    /// The random session id; replaced when the server requires a new session (bad_msg 32/33).
    public private(set) var sessionID: Int64
    /// The server salt sent in every message; updated from `bad_server_salt` and future salts.
    public private(set) var salt: Int64
    /// Server time minus local time, in seconds; corrected from server msg_ids (bad_msg 16/17, and
    /// raised by any received msg_id that shows the server's clock further ahead).
    public private(set) var timeOffset: Int32
    /// Whether `timeOffset` has been confirmed by the server (enables the time-window check).
    public private(set) var timeSynchronised: Bool
    private let entropy: any EntropySource
    private var messageIDs: MessageIDGenerator = MessageIDGenerator()
    private var contentMessages: Int32 = 0
    private var received: ReceivedIDs = ReceivedIDs()
    private var pending: [RequestToken: Pending] = [:]
    private var byMessageID: [Int64: RequestToken] = [:]
    private var queue: [RequestToken] = []
    private var acks: [Int64] = []
    private var extraOutgoing: [SentLog.Service] = []
    private var sentLog: SentLog = SentLog()
    private var salts: SaltSchedule = SaltSchedule()
    private var nextToken: RequestToken = 1
    /// Bodies at least this long are sent gzip-packed when that makes them smaller.
    public var gzipThreshold: Int = 512
    /// Limits of one outgoing container.
    static let maximumContainerMessages: Int = 1000
    static let maximumContainerBytes: Int = 1 << 20
    static let maximumSends: Int = 20

    /// A new session on `authKey`; `sessionID` nil draws a random one from `entropy`.
    public init(
        authKey: AuthKey, salt: Int64, timeOffset: Int32, timeSynchronised: Bool = true, sessionID: Int64? = nil,
        entropy: any EntropySource = SystemEntropy()
    ) {
        self.envelope = Envelope(authKey: authKey)
        self.salt = salt
        self.timeOffset = timeOffset
        self.timeSynchronised = timeSynchronised
        self.entropy = entropy
        self.sessionID = sessionID ?? entropy.randomInt64()
    }

    /// Requests not yet answered.
    public var pendingCount: Int { pending.count }

    /// Whether anything is waiting to be sent.
    public var hasOutgoing: Bool { !queue.isEmpty || !acks.isEmpty || !extraOutgoing.isEmpty }

    /// A `get_future_salts` call to make now, or nil (messages notes §7): salts are fetched before
    /// the known ones run out and switched to as each becomes valid. The caller sends it like any
    /// other call (not content-related); the session takes the answer in.
    public mutating func futureSaltsRequest(now: Double) -> [UInt8]? {
        guard salts.needsMore(now: now, serverNow: now + Double(timeOffset)) else { return nil }
        salts.requested(now: now)
        return MT.functions.GetFutureSalts(num: 32).serializedBytes()
    }

    // MARK: Outgoing

    /// Queues a serialized function call. API calls are content-related; MTProto service calls
    /// (ping, get_future_salts, …) are not.
    public mutating func enqueue(_ body: [UInt8], contentRelated: Bool) -> RequestToken {
        let token: RequestToken = nextToken
        nextToken += 1
        enqueue(body, contentRelated: contentRelated, token: token)
        return token
    }

    /// Queues a call under a token the caller chose (an id of its own, so it needs no second table
    /// to find its call). Tokens must be unique among the session's requests: do not mix with the
    /// variants that return a token.
    public mutating func enqueue(_ body: [UInt8], contentRelated: Bool, token: RequestToken) {
        pending[token] = Pending(token: token, body: body, contentRelated: contentRelated)
        queue.append(token)
    }

    /// Queues a content-related request whose body is built from the msg_id and session id it is
    /// sent with (`auth.bindTempAuthKey` signs both). It is rebuilt when resent and never put in a
    /// container.
    public mutating func enqueue(building build: @escaping @Sendable (_ messageID: Int64, _ sessionID: Int64) -> [UInt8]) -> RequestToken {
        let token: RequestToken = nextToken
        nextToken += 1
        enqueue(token: token, building: build)
        return token
    }

    /// ``enqueue(building:)`` under a token the caller chose (see ``enqueue(_:contentRelated:token:)``).
    public mutating func enqueue(token: RequestToken, building build: @escaping @Sendable (_ messageID: Int64, _ sessionID: Int64) -> [UInt8]) {
        pending[token] = Pending(token: token, body: [], contentRelated: true, build: build)
        queue.append(token)
    }

    /// Forgets a request (cancelled or timed out locally); a late answer is ignored.
    public mutating func cancel(_ token: RequestToken) {
        guard let p = pending.removeValue(forKey: token) else { return }
        forgetMessageIDs(of: p)
        queue.removeAll { $0 == token }
    }

    private mutating func nextSeqNo(contentRelated: Bool) -> Int32 {
        if contentRelated {
            contentMessages += 1
            return contentMessages * 2 - 1
        }
        return contentMessages * 2
    }

    /// Functions whose bodies are file bytes, never gzip-packed: media is compressed already, and
    /// deflating a 512 KiB part cost more than the rest of its upload (about 40 MB/s on one core).
    static let fileBytesFunctions: Set<UInt32> = [
        Api.functions.upload.SaveFilePart.constructorID, Api.functions.upload.SaveBigFilePart.constructorID,
    ]

    private func maybeGzip(_ body: [UInt8]) -> [UInt8] {
        guard body.count >= gzipThreshold, !Self.carriesFileBytes(body) else { return body }
        let packed: [UInt8] = TLGzip.deflate(body)
        let wrapped: [UInt8] = MT.GzipPacked(packedData: packed).serializedBytes()
        return wrapped.count < body.count ? wrapped : body
    }

    /// Whether `body` is a call of ``fileBytesFunctions`` (its leading constructor id).
    static func carriesFileBytes(_ body: [UInt8]) -> Bool {
        guard body.count >= 4 else { return false }
        let id: UInt32 = UInt32(body[0]) | UInt32(body[1]) << 8 | UInt32(body[2]) << 16 | UInt32(body[3]) << 24
        return fileBytesFunctions.contains(id)
    }

    /// Builds the next encrypted packet: queued requests, pending acks and service answers, in a
    /// container when there is more than one. Nil when there is nothing to send.
    public mutating func nextPacket(now: Double) -> [UInt8]? {
        if let scheduled = salts.current(at: now + Double(timeOffset)) { salt = scheduled }
        if let token = queue.first, pending[token]?.build != nil { return standalonePacket(token, now: now) }
        var items: [OutgoingMessage] = []
        var size: Int = 0
        var ackedIDs: [Int64] = []
        var services: [(id: Int64, service: SentLog.Service)] = []
        if !acks.isEmpty {
            ackedIDs = Array(acks.prefix(8192))
            acks.removeFirst(ackedIDs.count)
            let body: [UInt8] = MT.MsgsAck(msgIds: ackedIDs).serializedBytes()
            items.append(OutgoingMessage(id: messageIDs.next(now: now, timeOffset: timeOffset), seqNo: nextSeqNo(contentRelated: false), body: body))
            size += body.count
        }
        while let extra = extraOutgoing.first, items.count < Self.maximumContainerMessages {
            extraOutgoing.removeFirst()
            let id: Int64 = messageIDs.next(now: now, timeOffset: timeOffset)
            items.append(OutgoingMessage(id: id, seqNo: nextSeqNo(contentRelated: extra.contentRelated), body: extra.body))
            services.append((id, extra))
            size += extra.body.count
        }
        // Requests are updated in place through their dictionary index (no copy of each request),
        // and the queue loses the taken prefix once (not one shift per request).
        var sent: [Dictionary<RequestToken, Pending>.Index] = []
        var taken: Int = 0
        while taken < queue.count, items.count < Self.maximumContainerMessages {
            let token: RequestToken = queue[taken]
            guard let index = pending.index(forKey: token) else {
                taken += 1
                continue
            }
            if pending.values[index].build != nil { break }
            let body: [UInt8] = maybeGzip(pending.values[index].body)
            if !items.isEmpty && size + body.count > Self.maximumContainerBytes { break }
            taken += 1
            let id: Int64 = messageIDs.next(now: now, timeOffset: timeOffset)
            retire(at: index)
            pending.values[index].messageID = id
            pending.values[index].sends += 1
            pending.values[index].acknowledged = false
            byMessageID[id] = token
            sent.append(index)
            items.append(OutgoingMessage(id: id, seqNo: nextSeqNo(contentRelated: pending.values[index].contentRelated), body: body))
            size += body.count
        }
        queue.removeFirst(taken)
        guard !items.isEmpty else { return nil }
        let message: OutgoingMessage
        if items.count == 1 {
            message = items[0]
        } else {
            let containerID: Int64 = messageIDs.next(now: now, timeOffset: timeOffset)
            for index in sent { pending.values[index].containerID = containerID }
            message = OutgoingMessage(id: containerID, seqNo: nextSeqNo(contentRelated: false), body: ContainerEncoding.encode(items))
        }
        sentLog.record(packet: message.id, innerIDs: items.count == 1 ? [] : items.map(\.id), acks: ackedIDs, services: services)
        return envelope.encrypt(
            salt: salt, sessionID: sessionID, messageID: message.id, seqNo: message.seqNo, body: message.body,
            sender: .client, entropy: entropy)
    }

    /// Keeps the msg_id a request was last sent with among its earlier ones (at most 8 are kept).
    private mutating func retire(at index: Dictionary<RequestToken, Pending>.Index) {
        guard let old = pending.values[index].messageID else { return }
        pending.values[index].earlierMessageIDs.append(old)
        if pending.values[index].earlierMessageIDs.count > 8 {
            byMessageID[pending.values[index].earlierMessageIDs.removeFirst()] = nil
        }
    }

    private mutating func forgetMessageIDs(of p: Pending) {
        if let id = p.messageID { byMessageID[id] = nil }
        for id in p.earlierMessageIDs { byMessageID[id] = nil }
    }

    /// A message built for its own msg_id, sent outside any container.
    private mutating func standalonePacket(_ token: RequestToken, now: Double) -> [UInt8]? {
        guard let index = pending.index(forKey: token), let build = pending.values[index].build else { return nil }
        queue.removeFirst()
        let id: Int64 = messageIDs.next(now: now, timeOffset: timeOffset)
        retire(at: index)
        pending.values[index].messageID = id
        pending.values[index].containerID = nil
        pending.values[index].sends += 1
        pending.values[index].acknowledged = false
        byMessageID[id] = token
        sentLog.record(packet: id, innerIDs: [], acks: [], services: [])
        return envelope.encrypt(
            salt: salt, sessionID: sessionID, messageID: id, seqNo: nextSeqNo(contentRelated: true), body: build(id, sessionID),
            sender: .client, entropy: entropy)
    }

    /// The connection dropped: every request the server has not acknowledged is sent again (with a
    /// new msg_id) on the next connection; acknowledged ones wait for their answer, which the server
    /// delivers again in the same session, and the server is asked about them (`msgs_state_req`) in
    /// case it lost them. Acks not sent yet go out on the next connection (the session is the same).
    public mutating func connectionLost() {
        var waitingForAnswers: [Int64] = []
        for (token, p) in pending.sorted(by: { $0.key < $1.key }) {
            if !p.acknowledged {
                if !queue.contains(token) { queue.append(token) }
            } else if let id = p.messageID {
                waitingForAnswers.append(id)
            }
        }
        if !waitingForAnswers.isEmpty {
            extraOutgoing.append(SentLog.Service(body: MT.MsgsStateReq(msgIds: waitingForAnswers).serializedBytes(), contentRelated: false))
        }
    }

    /// Starts a new session (new id, seq_no from 0, empty replay window, msg_ids from the clock again)
    /// and resends everything pending.
    public mutating func resetSession() {
        sessionID = entropy.randomInt64()
        contentMessages = 0
        messageIDs.reset()
        received.removeAll()
        acks.removeAll()
        extraOutgoing.removeAll()
        sentLog.removeAll()
        byMessageID.removeAll()
        queue = pending.keys.sorted()
        for token in queue {
            pending[token]?.messageID = nil
            pending[token]?.earlierMessageIDs.removeAll()
            pending[token]?.acknowledged = false
        }
    }

    private mutating func resend(_ token: RequestToken, events: inout [SessionEvent]) {
        guard let p = pending[token] else { return }
        if p.sends >= Self.maximumSends {
            cancel(token)
            events.append(.requestFailed(token, .tooManyResends))
            return
        }
        if !queue.contains(token) { queue.append(token) }
    }

    /// Tokens of the requests a msg_id names: the request itself, or every request of a container.
    private func tokens(for messageID: Int64) -> [RequestToken] {
        if let token = byMessageID[messageID] { return [token] }
        return pending.values.filter { $0.containerID == messageID }.map(\.token).sorted()
    }

    // MARK: Incoming

    /// Decrypts and processes one packet from the server. Throws (and changes nothing) when the
    /// packet must be dropped.
    public mutating func receive(_ packet: [UInt8], now: Double) throws(ReceiveError) -> [SessionEvent] {
        let message: DecryptedMessage
        do {
            message = try envelope.decrypt(packet, sender: .server)
        } catch {
            throw ReceiveError.envelope(error)
        }
        guard message.sessionID == sessionID else { throw ReceiveError.wrongSession(message.sessionID) }
        guard message.messageID & 1 == 1 else { throw ReceiveError.evenMessageID(message.messageID) }
        var events: [SessionEvent] = []
        let timely: Bool = isTimely(message.messageID, now: now, events: &events)
        if !timely && !Self.isClockNotice(message.body) && !Self.isContainer(message.body) {
            throw ReceiveError.outsideTimeWindow(message.messageID)
        }
        try process(id: message.messageID, seqNo: message.seqNo, body: message.body, now: now, events: &events, depth: 0, timely: timely)
        return events
    }

    /// The time window of an outer message (messages notes §3.9), checked after taking the server's
    /// clock from its msg_id: a server msg_id is never later than the server's time, so one further
    /// ahead than the offset says raises the offset (as tdlib does), and a local clock set back does
    /// not make the session drop everything. Messages inside a container are not checked: the server
    /// resends old messages with their old ids in a new container.
    private mutating func isTimely(_ id: Int64, now: Double, events: inout [SessionEvent]) -> Bool {
        let shown: Int32 = Int32(clamping: (id >> 32) - Int64(now.rounded(.down)))
        if !timeSynchronised || shown > timeOffset {
            timeOffset = shown
            timeSynchronised = true
            events.append(.parametersChanged)
        }
        // No "+30 s" bound: an authenticated server msg_id ahead of our clock raised the offset above,
        // so it cannot be ahead of the corrected clock (a replay is always old, and stays refused).
        let serverNow: Double = now + Double(timeOffset)
        let sentAt: Double = Double(id >> 32)
        return sentAt >= serverNow - 300
    }

    private static func constructor(of body: [UInt8]) -> UInt32? {
        guard body.count >= 4 else { return nil }
        return UInt32(body[0]) | UInt32(body[1]) << 8 | UInt32(body[2]) << 16 | UInt32(body[3]) << 24
    }

    /// Salt and msg_id notices: processed even outside the time window (they are how the clock gets fixed).
    private static func isClockNotice(_ body: [UInt8]) -> Bool {
        let id: UInt32? = constructor(of: body)
        return id == 0xedab_447b || id == 0xa7ef_f811
    }

    private static func isContainer(_ body: [UInt8]) -> Bool { constructor(of: body) == 0x73f1_f8dc }

    private mutating func process(
        id: Int64, seqNo: Int32, body: [UInt8], now: Double, events: inout [SessionEvent], depth: Int, timely: Bool
    ) throws(ReceiveError) {
        guard id & 1 == 1 else { throw ReceiveError.evenMessageID(id) }
        guard received.insert(id, contentRelated: seqNo & 1 == 1) else {
            // Delivered again: the server did not get our ack. Ack it again; process it once.
            if seqNo & 1 == 1 && !acks.contains(id) { acks.append(id) }
            throw ReceiveError.replayed(id)
        }
        if seqNo & 1 == 1 { acks.append(id) }
        var reader: TLReader = TLReader(body)
        do {
            try handle(body: body, reader: &reader, messageID: id, now: now, events: &events, depth: depth, timely: timely)
        } catch {
            throw Self.receiveError(error)
        }
    }

    private static func receiveError(_ error: any Error) -> ReceiveError {
        (error as? ReceiveError) ?? ReceiveError.malformedBody("\(error)")
    }

    private mutating func handle(
        body: [UInt8], reader: inout TLReader, messageID: Int64, now: Double, events: inout [SessionEvent], depth: Int, timely: Bool
    ) throws {
        let constructor: UInt32 = try reader.peekUInt32()
        switch constructor {
        case 0x73f1_f8dc:  // msg_container
            guard depth == 0 else { throw ReceiveError.malformedBody("nested container") }
            var items: ContainerItems = try ContainerItems(&reader)
            while let item = try items.next(&reader) {
                // A container outside the time window still carries its clock notices.
                if !timely && !Self.isClockNotice(item.body) { continue }
                let outcome: Result<Void, ReceiveError> = Result { () throws(ReceiveError) -> Void in
                    try process(id: item.id, seqNo: item.seqNo, body: item.body, now: now, events: &events, depth: depth + 1, timely: timely)
                }
                // A duplicate inside a container is skipped alone.
                if case .failure(let error) = outcome, error != .replayed(item.id) { throw error }
            }
        case TLBuiltinID.gzipPacked:
            let packed: MT.GzipPacked = try MT.GzipPacked(from: &reader)
            let inflated: [UInt8] = try TLGzip.inflate(packed.packedData, maximumSize: TLGzip.defaultMaximumInflatedSize)
            var inner: TLReader = TLReader(inflated)
            try handle(body: inflated, reader: &inner, messageID: messageID, now: now, events: &events, depth: depth + 1, timely: timely)
        case 0xf35c_6d01:  // rpc_result
            _ = try reader.readUInt32()
            let requestID: Int64 = try reader.readInt64()
            let result: [UInt8] = Array(body[reader.offset...])
            try handleResult(requestID: requestID, result: result, events: &events)
        case 0x62d6_b459:  // msgs_ack
            let ack: MT.MsgsAck = try MT.MsgsAck(from: &reader)
            for ackedID in ack.msgIds {
                for token in tokens(for: ackedID) { pending[token]?.acknowledged = true }
            }
        case 0xedab_447b:  // bad_server_salt: the whole packet was refused, whatever it carried
            guard case .badServerSalt(let notice) = try MT.BadMsgNotification(from: &reader) else { return }
            guard isOurs(notice.badMsgId) else { return }
            salt = notice.newServerSalt
            salts.removeAll()
            events.append(.parametersChanged)
            resendPacket(named: notice.badMsgId, wholePacket: true, events: &events)
        case 0xa7ef_f811:  // bad_msg_notification
            guard case .badMsgNotification(let notice) = try MT.BadMsgNotification(from: &reader) else { return }
            handleBadMessage(notice.badMsgId, code: notice.errorCode, carrierID: messageID, now: now, events: &events)
        case 0x9ec2_0908:  // new_session_created
            let created: MT.NewSession = try MT.NewSession(from: &reader)
            salt = created.serverSalt
            for p in pending.values.sorted(by: { $0.token < $1.token }) {
                if let id = p.messageID, id < created.firstMsgId { resend(p.token, events: &events) }
            }
            events.append(.parametersChanged)
            events.append(.newSessionCreated)
        case 0x3477_73c5:  // pong: answers the ping with that msg_id
            let pong: MT.Pong = try MT.Pong(from: &reader)
            deliver(requestID: pong.msgId, event: { .result($0, body) }, events: &events)
        case 0xae50_0895:  // future_salts
            let announced: MT.FutureSalts = try MT.FutureSalts(from: &reader)
            salts.store(announced.salts)
            if let current = salts.current(at: now + Double(timeOffset)), current != salt {
                salt = current
                events.append(.parametersChanged)
            }
            deliver(requestID: announced.reqMsgId, event: { .result($0, body) }, events: &events)
        case 0x276d_3ec6:  // msg_detailed_info: our msg_id was answered by answer_msg_id
            guard case .msgDetailedInfo(let info) = try MT.MsgDetailedInfo(from: &reader) else { return }
            askForAnswer(info.answerMsgId)
        case 0x809d_b6df:  // msg_new_detailed_info: a message of the server we have not acked
            guard case .msgNewDetailedInfo(let info) = try MT.MsgDetailedInfo(from: &reader) else { return }
            askForAnswer(info.answerMsgId)
        case 0xda69_fb52:  // msgs_state_req: the state of each id as we know it
            let request: MT.MsgsStateReq = try MT.MsgsStateReq(from: &reader)
            let states: [UInt8] = request.msgIds.map { received.state(of: $0, ackPending: acks.contains($0)) }
            extraOutgoing.append(SentLog.Service(body: MT.MsgsStateInfo(reqMsgId: messageID, info: states).serializedBytes(), contentRelated: false))
        case 0x04de_b57d:  // msgs_state_info: the answer to our msgs_state_req
            let info: MT.MsgsStateInfo = try MT.MsgsStateInfo(from: &reader)
            guard let asked = sentLog.serviceBody(info.reqMsgId), let request = try? MT.MsgsStateReq(decoding: asked) else { return }
            applyStates(ids: request.msgIds, states: info.info, events: &events)
        case 0x8cc0_d131:  // msgs_all_info: states the server reports on its own
            let info: MT.MsgsAllInfo = try MT.MsgsAllInfo(from: &reader)
            applyStates(ids: info.msgIds, states: info.info, events: &events)
        case 0x7d86_1a08:  // msg_resend_req: the server asks for messages of ours again
            let request: MT.MsgResendReq = try MT.MsgResendReq(from: &reader)
            var unknown: [Int64] = []
            for id in request.msgIds {
                if isOurs(id) { resendPacket(named: id, events: &events) } else { unknown.append(id) }
            }
            if !unknown.isEmpty {
                let info: MT.MsgsStateInfo = MT.MsgsStateInfo(reqMsgId: messageID, info: [UInt8](repeating: 1, count: unknown.count))
                extraOutgoing.append(SentLog.Service(body: info.serializedBytes(), contentRelated: false))
            }
        case 0x9299_359f:  // http_wait
            return
        case 0xe220_45fc, 0x62d3_50c9:  // destroy_session_ok / none
            return
        case 0xf660_e1d4, 0x0a9f_2259, 0xea10_9b13:  // destroy_auth_key_ok / none / fail: bare, no req_msg_id
            let asked: Pending? = pending.values.filter { Self.constructor(of: $0.body) == 0xd143_5160 && $0.messageID != nil }
                .min { $0.token < $1.token }
            if let asked, let id = asked.messageID { deliver(requestID: id, event: { .result($0, body) }, events: &events) }
        default:
            events.append(.updates(body))
        }
    }

    private mutating func deliver(requestID: Int64, event: (RequestToken) -> SessionEvent, events: inout [SessionEvent]) {
        guard let token = byMessageID[requestID] else { return }
        if let p = pending.removeValue(forKey: token) { forgetMessageIDs(of: p) }
        byMessageID[requestID] = nil
        events.append(event(token))
    }

    private mutating func handleResult(requestID: Int64, result: [UInt8], events: inout [SessionEvent]) throws {
        var reader: TLReader = TLReader(result)
        var payload: [UInt8] = result
        if try reader.peekUInt32() == TLBuiltinID.gzipPacked {
            let packed: MT.GzipPacked = try MT.GzipPacked(from: &reader)
            payload = try TLGzip.inflate(packed.packedData, maximumSize: TLGzip.defaultMaximumInflatedSize)
            reader = TLReader(payload)
        }
        let head: UInt32 = try reader.peekUInt32()
        if head == 0x2144_ca19 {  // rpc_error
            _ = try reader.readUInt32()
            let code: Int32 = try reader.readInt32()
            let message: String = try reader.readString()
            deliver(requestID: requestID, event: { .rpcError($0, RPCError(code: code, message: message)) }, events: &events)
        } else if head == 0x5e2a_d36e || head == 0xcd78_e586 || head == 0xa43a_d8b7 {  // rpc_answer_*
            deliver(requestID: requestID, event: { .requestFailed($0, .answerDropped) }, events: &events)
        } else {
            deliver(requestID: requestID, event: { .result($0, payload) }, events: &events)
        }
    }

    /// Whether `id` names a message we sent recently (a request, or a packet of acks or service messages).
    private func isOurs(_ id: Int64) -> Bool { sentLog.contains(id) || byMessageID[id] != nil }

    /// Sends again what the message `id` names carried: its request (every request of a container),
    /// and the acks and service messages of its packet. With `wholePacket` (a refused salt refuses
    /// the packet, whichever of its messages is named) every request of the packet goes again.
    private mutating func resendPacket(named id: Int64, wholePacket: Bool = false, events: inout [SessionEvent]) {
        var affected: [RequestToken] = tokens(for: id)
        if wholePacket, let packet = sentLog.packetID(of: id), packet != id {
            affected += tokens(for: packet).filter { !affected.contains($0) }
        }
        for token in affected { resend(token, events: &events) }
        guard let content = sentLog.takeContent(of: id) else { return }
        acks.insert(contentsOf: content.acks.filter { !acks.contains($0) }, at: 0)
        extraOutgoing.insert(contentsOf: content.services.map(\.service), at: 0)
    }

    /// An answer of the server we may lack (`msg_detailed_info`, `msg_new_detailed_info`): acked
    /// when we have it, asked for again (`msg_resend_req`) when we do not.
    private mutating func askForAnswer(_ answerID: Int64) {
        if received.contains(answerID) {
            if !acks.contains(answerID) { acks.append(answerID) }
        } else {
            extraOutgoing.append(SentLog.Service(body: MT.MsgResendReq(msgIds: [answerID]).serializedBytes(), contentRelated: false))
        }
    }

    /// Applies the server's view of our messages (`msgs_state_info`, `msgs_all_info`): a request it
    /// did not receive (1, 2, 3) is sent again; one it received (4) waits for its answer.
    private mutating func applyStates(ids: [Int64], states: [UInt8], events: inout [SessionEvent]) {
        for (id, state) in zip(ids, states) {
            guard let token = byMessageID[id], pending[token]?.messageID == id else { continue }
            switch state & 7 {
            case 1, 2, 3:
                pending[token]?.acknowledged = false
                resend(token, events: &events)
            case 4:
                pending[token]?.acknowledged = true
            default:
                continue
            }
        }
    }

    private mutating func handleBadMessage(
        _ badID: Int64, code: Int32, carrierID: Int64, now: Double, events: inout [SessionEvent]
    ) {
        guard isOurs(badID) else { return }
        switch code {
        case 16, 17:
            // Our clock is off: take the server's time from the msg_id carrying the notice.
            // Clamped: the carrier's time is the server's word, and no value of it may trap here.
            timeOffset = Int32(clamping: (carrierID >> 32) - Int64(now.rounded(.down)))
            timeSynchronised = true
            events.append(.parametersChanged)
            if code == 17 {
                // Our msg_ids ran ahead: lower ones may not follow in this session. A new one
                // starts from the corrected clock and takes every pending request.
                return resetSession()
            }
            // Too low: later ids from the corrected clock are higher than every one sent.
            resendPacket(named: badID, events: &events)
        case 20, 48:
            resendPacket(named: badID, events: &events)
        case 32, 33:
            // seq_no out of step: a fresh session is the safe way back.
            resetSession()
        default:
            for token in tokens(for: badID) {
                cancel(token)
                events.append(.requestFailed(token, .badMessage(code: code)))
            }
        }
    }
}

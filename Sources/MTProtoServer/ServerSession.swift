import MTProto
import TLSchema

/// The server side of one MTProto session, for the in-process test data centre: decrypts client
/// packets, unpacks containers and gzip, answers pings and salts requests itself, hands RPC calls to
/// the caller, and sends results and updates with server msg_ids, resending whatever the client has
/// not acknowledged when it reconnects to the same session.
public struct ServerSession: Sendable {
    /// An RPC call from the client.
    public struct Call: Sendable, Equatable {
        /// The msg_id the client sent it with (answer with ``reply(to:result:)``).
        public var messageID: Int64
        /// The serialized function (gzip already unwrapped).
        public var body: [UInt8]
    }

    private struct Outgoing: Sendable {
        var body: [UInt8]
        var contentRelated: Bool
        /// A message delivered again keeps the msg_id and seq_no it was first sent with.
        var sent: (id: Int64, seqNo: Int32)? = nil
    }

    /// Encrypts and decrypts this session's packets with its auth key.
    public let envelope: Envelope
    /// The client's session_id, from its first packet (nil before). A packet with another id starts a new
    /// session: the queues are cleared and `new_session_created` is sent.
    public private(set) var sessionID: Int64?
    /// The current server salt: encrypts outgoing messages and is announced in `new_session_created`,
    /// `bad_server_salt` and future salts. Changing it does not change ``acceptedSalts``.
    public var salt: Int64
    private let entropy: any EntropySource
    private var lastMessageID: Int64 = 0
    private var contentMessages: Int32 = 0
    private var received: ReceivedIDs = ReceivedIDs()
    private var queue: [Outgoing] = []
    /// Sent content-related messages not yet acknowledged by the client, by msg_id.
    private var unacknowledged: [Int64: Outgoing] = [:]
    private var acks: [Int64] = []
    /// The first msg_id the client sent in this session.
    private var firstMessageID: Int64?
    /// Salts the client may use (the current one and the previous, as Telegram accepts for a while).
    public var acceptedSalts: Set<Int64>
    /// Salts announced in `future_salts`, accepted while they are valid.
    private var announcedSalts: [MT.FutureSalt] = []

    /// `authKey` and `salt` come from the finished ``ServerHandshake``; `salt` is the only accepted salt at first.
    public init(authKey: AuthKey, salt: Int64, entropy: any EntropySource = SystemEntropy()) {
        self.envelope = Envelope(authKey: authKey)
        self.salt = salt
        self.acceptedSalts = [salt]
        self.entropy = entropy
    }

    /// A server msg_id: time-based, ≡ 1 (mod 4) for answers, ≡ 3 otherwise, increasing.
    private mutating func nextMessageID(now: Double, answer: Bool) -> Int64 {
        var id: Int64 = Int64(now * 4_294_967_296.0) & ~3
        if id <= lastMessageID { id = (lastMessageID & ~3) + 4 }
        lastMessageID = id
        return id | (answer ? 1 : 3)
    }

    /// Decrypts a client packet and returns the RPC calls in it. Service messages are handled here.
    /// Packets that fail a check throw and change nothing.
    public mutating func receive(_ packet: [UInt8], now: Double) throws -> [Call] {
        let message: DecryptedMessage = try envelope.decrypt(packet, sender: .client)
        if let current = sessionID, current != message.sessionID {
            // A new session from the same key: start over and tell the client.
            resetForNewSession(message.sessionID)
            announceNewSession(firstMessageID: message.messageID, now: now)
        } else if sessionID == nil {
            sessionID = message.sessionID
            announceNewSession(firstMessageID: message.messageID, now: now)
        }
        let announced: Bool = announcedSalts.contains { $0.salt == message.salt && Double($0.validSince) <= now && now < Double($0.validUntil) }
        if !acceptedSalts.contains(message.salt) && !announced {
            let notice: MT.BadMsgNotification = .badServerSalt(MT.BadMsgNotification.BadServerSalt(
                badMsgId: message.messageID, badMsgSeqno: message.seqNo, errorCode: 48, newServerSalt: salt))
            queue.append(Outgoing(body: notice.serializedData(), contentRelated: false))
            return []
        }
        var calls: [Call] = []
        try process(id: message.messageID, seqNo: message.seqNo, body: message.body, now: now, calls: &calls, depth: 0)
        return calls
    }

    private mutating func resetForNewSession(_ id: Int64) {
        sessionID = id
        contentMessages = 0
        received.removeAll()
        queue.removeAll()
        unacknowledged.removeAll()
        acks.removeAll()
    }

    private mutating func announceNewSession(firstMessageID: Int64, now: Double) {
        self.firstMessageID = firstMessageID
        let created: MT.NewSession = MT.NewSession(firstMsgId: firstMessageID, uniqueId: entropy.randomInt64(), serverSalt: salt)
        queue.append(Outgoing(body: created.serializedBytes(), contentRelated: true))
    }

    private mutating func process(id: Int64, seqNo: Int32, body: [UInt8], now: Double, calls: inout [Call], depth: Int) throws {
        guard received.insert(id) else { return }
        if seqNo & 1 == 1 { acks.append(id) }
        var reader: TLReader = TLReader(body)
        let constructor: UInt32 = try reader.peekUInt32()
        switch constructor {
        case 0x73f1_f8dc:
            guard depth == 0 else { return }
            // Each item's body is taken as raw bytes (decoding it as an object only to encode it
            // again would cost more than the rest of a small call).
            var items: ContainerItems = try ContainerItems(&reader)
            while let item = try items.next(&reader) {
                try process(id: item.id, seqNo: item.seqNo, body: item.body, now: now, calls: &calls, depth: 1)
            }
        case TLBuiltinID.gzipPacked:
            let packed: MT.GzipPacked = try MT.GzipPacked(from: &reader)
            let inflated: [UInt8] = try TLGzip.inflate(packed.packedData, maximumSize: TLGzip.defaultMaximumInflatedSize)
            calls.append(Call(messageID: id, body: inflated))
        case 0x62d6_b459:
            let ack: MT.MsgsAck = try MT.MsgsAck(from: &reader)
            for acked in ack.msgIds { unacknowledged[acked] = nil }
        case 0x7abe_77ec:
            let ping: MT.functions.Ping = try MT.functions.Ping(from: &reader)
            queue.append(Outgoing(body: MT.Pong(msgId: id, pingId: ping.pingId).serializedBytes(), contentRelated: false))
        case 0xf342_7b8c:
            let ping: MT.functions.PingDelayDisconnect = try MT.functions.PingDelayDisconnect(from: &reader)
            queue.append(Outgoing(body: MT.Pong(msgId: id, pingId: ping.pingId).serializedBytes(), contentRelated: false))
        case 0xb921_bd04:
            let request: MT.functions.GetFutureSalts = try MT.functions.GetFutureSalts(from: &reader)
            let start: Int32 = Int32(now)
            var salts: [MT.FutureSalt] = [MT.FutureSalt(validSince: start - 60, validUntil: start + 1800, salt: salt)]
            for i in 1 ..< max(1, min(Int(request.num), 64)) {
                salts.append(MT.FutureSalt(validSince: start + Int32(i) * 1800, validUntil: start + Int32(i + 1) * 1800, salt: entropy.randomInt64()))
            }
            announcedSalts = salts
            let answer: MT.FutureSalts = MT.FutureSalts(reqMsgId: id, now: start, salts: salts)
            queue.append(Outgoing(body: answer.serializedBytes(), contentRelated: false))
        case 0x7d86_1a08, 0xda69_fb52, 0x04de_b57d:  // msg_resend_req, msgs_state_req, msgs_state_info
            return
        default:
            calls.append(Call(messageID: id, body: body))
        }
    }

    /// Queues the answer to a call: `result` is the serialized result object (or an `rpc_error`).
    public mutating func reply(to messageID: Int64, result: [UInt8]) {
        var writer: TLWriter = TLWriter(capacity: result.count + 12)
        writer.writeUInt32(0xf35c_6d01)
        writer.writeInt64(messageID)
        writer.writeRaw(result)
        queue.append(Outgoing(body: writer.bytes, contentRelated: true))
    }

    /// Queues an `rpc_error` answer.
    public mutating func replyError(to messageID: Int64, code: Int32, message: String) {
        var writer: TLWriter = TLWriter()
        writer.writeUInt32(0x2144_ca19)
        writer.writeInt32(code)
        writer.writeString(message)
        reply(to: messageID, result: writer.bytes)
    }

    /// Queues a server-initiated content-related message (updates).
    public mutating func push(_ body: [UInt8]) {
        queue.append(Outgoing(body: body, contentRelated: true))
    }

    /// Queues a `bad_msg_notification` for a client message (fault injection and real checks).
    public mutating func reject(messageID: Int64, seqNo: Int32 = 0, code: Int32) {
        let notice: MT.BadMsgNotification = .badMsgNotification(MT.BadMsgNotification.BadMsgNotification(
            badMsgId: messageID, badMsgSeqno: seqNo, errorCode: code))
        queue.append(Outgoing(body: notice.serializedData(), contentRelated: false))
    }

    /// The connection dropped: everything sent and not acknowledged goes out again on the next one,
    /// with its old msg_id, inside a new container (as Telegram delivers it again).
    public mutating func connectionLost() {
        let resend: [Outgoing] = unacknowledged.sorted(by: { $0.key < $1.key }).map { $0.value }
        unacknowledged.removeAll()
        acks.removeAll()
        queue = resend + queue
    }

    /// The next encrypted packet to send (a container when several messages are queued), or nil.
    public mutating func nextPacket(now: Double) -> [UInt8]? {
        guard let session = sessionID else { return nil }
        var items: [OutgoingMessage] = []
        if !acks.isEmpty {
            let body: [UInt8] = MT.MsgsAck(msgIds: acks).serializedBytes()
            acks.removeAll()
            items.append(OutgoingMessage(id: nextMessageID(now: now, answer: false), seqNo: contentMessages * 2, body: body))
        }
        let taken: Int = min(queue.count, 100 - items.count)
        for var item in queue.prefix(taken) {
            if let sent = item.sent {
                unacknowledged[sent.id] = item
                items.append(OutgoingMessage(id: sent.id, seqNo: sent.seqNo, body: item.body))
                continue
            }
            let isAnswer: Bool = item.body.count >= 4 && item.body[0] == 0x01 && item.body[1] == 0x6d && item.body[2] == 0x5c && item.body[3] == 0xf3
            let id: Int64 = nextMessageID(now: now, answer: isAnswer)
            let seqNo: Int32
            if item.contentRelated {
                contentMessages += 1
                seqNo = contentMessages * 2 - 1
                item.sent = (id, seqNo)
                unacknowledged[id] = item
            } else {
                seqNo = contentMessages * 2
            }
            items.append(OutgoingMessage(id: id, seqNo: seqNo, body: item.body))
        }
        let redelivered: Bool = queue.prefix(taken).contains { $0.sent != nil }
        queue.removeFirst(taken)
        guard !items.isEmpty else { return nil }
        let message: OutgoingMessage
        if items.count == 1 && !redelivered {
            message = items[0]
        } else {
            message = OutgoingMessage(id: nextMessageID(now: now, answer: false), seqNo: contentMessages * 2, body: ContainerEncoding.encode(items))
        }
        return envelope.encrypt(
            salt: salt, sessionID: session, messageID: message.id, seqNo: message.seqNo, body: message.body,
            sender: .server, entropy: entropy)
    }
}

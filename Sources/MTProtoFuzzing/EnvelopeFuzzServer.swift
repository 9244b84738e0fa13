import MTProto
import TLSchema

/// What a fuzzed session did: every event, every refused packet, and what the client sent back.
public struct EnvelopeFuzzReport: Sendable, Equatable {
    /// The requests put in flight before the first server packet, in the order they were sent
    /// (`ping`, an API call, `get_future_salts`, `destroy_auth_key`, then a second API call alone).
    public var requests: [RequestToken] = []
    /// Events of the packets the session accepted, in order.
    public var events: [SessionEvent] = []
    /// Why packets were dropped, in order.
    public var refusals: [ReceiveError] = []
    /// Constructor ids of the messages the client sent after the first two packets (acks, service
    /// answers, resent requests), containers opened.
    public var clientMessages: [UInt32] = []
    /// Requests still unanswered at the end.
    public var pendingAtEnd: Int = 0
    /// The session's salt at the end.
    public var saltAtEnd: Int64 = 0
    /// The session id at the end (it changes when the session is reset).
    public var sessionIDAtEnd: Int64 = 0
}

/// A server for ``SessionState`` with five requests in flight (four in a container, one alone). Each
/// round of the fuzz input builds one packet, encrypted with the session's key so the MAC passes,
/// whose TL the input chooses (``EnvelopeFuzzMessages``): service messages and results that name the
/// msg_ids of the requests in flight (or the packets that carried them, or the client's later
/// messages), containers, `gzip_packed`, and raw bytes; or a packet broken on purpose (wrong
/// session, even or old msg_id, replay, a flipped byte). After each packet the client's answers are
/// read back, so acks, resends, `msgs_state_info` and `msg_resend_req` are seen.
public struct EnvelopeFuzzServer {
    /// The session's auth key (a fixed pattern).
    public static let authKey: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(($0 * 13 + 7) & 0xff) })!
    private static let maximumRounds: Int = 16

    private var input: FuzzInput
    private let now: Double
    private var session: SessionState
    private var messages: EnvelopeFuzzMessages
    private var report: EnvelopeFuzzReport = EnvelopeFuzzReport()
    private var lastServerPacket: [UInt8]?

    /// Runs one session driven by `bytes`.
    public static func run(_ bytes: [UInt8], now: Double = 1_735_689_600) -> EnvelopeFuzzReport {
        var server: EnvelopeFuzzServer = EnvelopeFuzzServer(bytes, now: now)
        server.putRequestsInFlight()
        for _ in 0 ..< Self.maximumRounds where !server.input.isExhausted {
            server.round()
        }
        return server.finalReport()
    }

    private init(_ bytes: [UInt8], now: Double) {
        self.now = now
        messages = EnvelopeFuzzMessages(now: now)
        input = FuzzInput(bytes)
        session = SessionState(
            authKey: Self.authKey, salt: 1, timeOffset: 0, timeSynchronised: true, sessionID: 7, entropy: RepeatableEntropy())
    }

    /// Four requests in one container, then one alone; none answered yet.
    private mutating func putRequestsInFlight() {
        let bodies: [(body: [UInt8], contentRelated: Bool)] = [
            (MT.functions.Ping(pingId: 1).serializedBytes(), false),
            (Api.functions.help.GetConfig().serializedBytes(), true),
            (MT.functions.GetFutureSalts(num: 2).serializedBytes(), false),
            (MT.functions.DestroyAuthKey().serializedBytes(), false),
        ]
        for (body, contentRelated) in bodies { report.requests.append(session.enqueue(body, contentRelated: contentRelated)) }
        readClientPackets(record: false)
        report.requests.append(session.enqueue(Api.functions.help.GetNearestDc().serializedBytes(), contentRelated: true))
        readClientPackets(record: false)
    }

    private func finalReport() -> EnvelopeFuzzReport {
        var final: EnvelopeFuzzReport = report
        final.pendingAtEnd = session.pendingCount
        final.saltAtEnd = session.salt
        final.sessionIDAtEnd = session.sessionID
        return final
    }

    /// One packet: by its first byte, well-formed (0), or with a wrong session id (1), an even msg_id
    /// (2), a msg_id 400 s old (3), the previous packet again (4), one byte flipped (5), fuzzed bytes
    /// as the whole packet (6), a msg_id an hour ahead (7), or after a reconnect (8).
    private mutating func round() {
        let mode: UInt8 = input.byte()
        if mode == 6 {
            return deliver(input.chunk())
        }
        if mode == 4, let last = lastServerPacket {
            return deliver(last)
        }
        if mode == 8 {
            session.connectionLost()
            readClientPackets(record: true)
        }
        let message: OutgoingMessage = messages.message(&input, depth: 0)
        var messageID: Int64 = message.id
        if mode == 2 { messageID &= ~1 }
        if mode == 3 { messageID -= Int64(400) << 32 }
        if mode == 7 { messageID += Int64(3600) << 32 }
        var packet: [UInt8] = session.envelope.encrypt(
            salt: session.salt, sessionID: mode == 1 ? session.sessionID ^ 1 : session.sessionID, messageID: messageID,
            seqNo: message.seqNo, body: message.body, sender: .server, entropy: RepeatableEntropy(seed: UInt64(bitPattern: messageID)))
        if mode == 5 {
            let index: Int = Int(input.uint16()) % packet.count
            packet[index] ^= input.byte() | 1
        }
        lastServerPacket = packet
        deliver(packet)
    }

    private mutating func deliver(_ packet: [UInt8]) {
        do throws(ReceiveError) {
            report.events += try session.receive(packet, now: now)
        } catch {
            report.refusals.append(error)
        }
        readClientPackets(record: true)
    }

    /// Takes what the client has to send (at most four packets), learning its msg_ids.
    private mutating func readClientPackets(record: Bool) {
        for _ in 0 ..< 4 {
            guard let packet = session.nextPacket(now: now) else { return }
            guard let message = try? session.envelope.decrypt(packet, sender: .client) else { continue }
            messages.learnClientMessage(id: message.messageID)
            for (id, body) in Self.items(of: message) {
                messages.learnClientMessage(id: id)
                if record, body.count >= 4 { report.clientMessages.append(Self.constructor(body)) }
            }
        }
    }

    /// The messages of a client packet: a container's items, or the message itself.
    private static func items(of message: DecryptedMessage) -> [(id: Int64, body: [UInt8])] {
        guard message.body.count >= 8, constructor(message.body) == 0x73f1_f8dc else { return [(message.messageID, message.body)] }
        var reader: TLReader = TLReader(message.body)
        var found: [(id: Int64, body: [UInt8])] = []
        guard var items = try? ContainerItems(&reader) else { return found }
        while let item = try? items.next(&reader) { found.append((item.id, item.body)) }
        return found
    }

    private static func constructor(_ body: [UInt8]) -> UInt32 {
        UInt32(body[0]) | UInt32(body[1]) << 8 | UInt32(body[2]) << 16 | UInt32(body[3]) << 24
    }
}

/// What the session sent recently, by msg_id (messages notes §7–§8): a notice about a message
/// (`bad_server_salt`, `bad_msg_notification`, `msg_resend_req`) is acted on only when it names
/// one of ours. Besides requests (tracked by the session), a packet may carry acks and service
/// messages; they are kept here so that a packet the server refused can be sent again.
struct SentLog: Sendable {
    /// A service message (not a request) that travelled in a packet.
    struct Service: Sendable {
        var body: [UInt8]
        var contentRelated: Bool
    }

    /// What one packet carried besides requests.
    struct Packet: Sendable {
        var acks: [Int64]
        var services: [(id: Int64, service: Service)]
    }

    private let capacity: Int
    private var packets: [Int64: Packet] = [:]
    /// Every msg_id sent (inner and outer) → the msg_id of the packet it travelled in.
    private var packetOf: [Int64: Int64] = [:]
    private var inner: [Int64: [Int64]] = [:]
    /// Packet msg_ids, oldest first.
    private var order: [Int64] = []

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// Records a packet sent as `id` with the messages `innerIDs` inside it (empty when it travelled alone).
    mutating func record(packet id: Int64, innerIDs: [Int64], acks: [Int64], services: [(id: Int64, service: Service)]) {
        if order.count == capacity {
            let oldest: Int64 = order.removeFirst()
            packets[oldest] = nil
            packetOf[oldest] = nil
            for item in inner.removeValue(forKey: oldest) ?? [] { packetOf[item] = nil }
        }
        order.append(id)
        packets[id] = Packet(acks: acks, services: services)
        packetOf[id] = id
        for item in innerIDs { packetOf[item] = id }
        if !innerIDs.isEmpty { inner[id] = innerIDs }
    }

    /// Whether `id` is a msg_id sent recently (a packet or a message inside one).
    func contains(_ id: Int64) -> Bool { packetOf[id] != nil }

    /// The msg_id of the packet `id` travelled in.
    func packetID(of id: Int64) -> Int64? { packetOf[id] }

    /// The body of the service message sent as `id`.
    func serviceBody(_ id: Int64) -> [UInt8]? {
        guard let packet = packetOf[id].flatMap({ packets[$0] }) else { return nil }
        return packet.services.first { $0.id == id }?.service.body
    }

    /// Takes the acks and service messages of the packet `id` names, to send them again (once).
    mutating func takeContent(of id: Int64) -> Packet? {
        guard let packet = packetOf[id] else { return nil }
        let content: Packet? = packets[packet]
        packets[packet] = Packet(acks: [], services: [])
        return content
    }

    /// Forgets everything (a new session).
    mutating func removeAll() {
        packets.removeAll()
        packetOf.removeAll()
        inner.removeAll()
        order.removeAll()
    }
}

import TLSchema

/// One message of an outgoing `msg_container` (or the message itself when it travels alone).
struct OutgoingMessage: Sendable {
    var id: Int64
    var seqNo: Int32
    var body: [UInt8]
}

enum ContainerEncoding {
    /// `msg_container#73f1f8dc`: count, then each message bare (msg_id, seqno, length, body).
    static func encode(_ items: [OutgoingMessage]) -> [UInt8] {
        let size: Int = items.reduce(8) { $0 + 16 + $1.body.count }
        var writer: TLWriter = TLWriter(capacity: size)
        writer.writeUInt32(0x73f1_f8dc)
        writer.writeInt32(Int32(items.count))
        for item in items {
            writer.writeInt64(item.id)
            writer.writeInt32(item.seqNo)
            writer.writeInt32(Int32(item.body.count))
            writer.writeRaw(item.body)
        }
        return writer.bytes
    }
}

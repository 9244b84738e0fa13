import TLSchema

/// One message of a `msg_container` (or an outgoing message that travels alone).
public struct OutgoingMessage: Sendable, Equatable {
    /// Its msg_id.
    public var id: Int64
    /// Its seq_no.
    public var seqNo: Int32
    /// The serialized TL body.
    public var body: [UInt8]

    /// A message from its parts.
    public init(id: Int64, seqNo: Int32, body: [UInt8]) {
        self.id = id
        self.seqNo = seqNo
        self.body = body
    }
}

/// `msg_container` in both directions: items laid out bare, bodies as raw bytes.
public enum ContainerEncoding {
    /// `msg_container#73f1f8dc`: count, then each message bare (msg_id, seqno, length, body).
    public static func encode(_ items: [OutgoingMessage]) -> [UInt8] {
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

/// Reads the messages of an incoming `msg_container` one at a time, each body as raw bytes, so
/// the messages before a malformed one are still handled.
public struct ContainerItems {
    private var remaining: Int

    /// Reads the constructor id and the count (checked against the bytes left).
    public init(_ reader: inout TLReader) throws(TLDecodingError) {
        _ = try reader.readUInt32()
        remaining = try reader.readBareVectorCount(minimumElementSize: 16)
    }

    /// The next message; nil after the last. Throws on truncation or a length that is negative or
    /// not a multiple of 4.
    public mutating func next(_ reader: inout TLReader) throws(TLDecodingError) -> OutgoingMessage? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        let id: Int64 = try reader.readInt64()
        let seqNo: Int32 = try reader.readInt32()
        let at: Int = reader.offset
        let length: Int32 = try reader.readInt32()
        guard length >= 0, length % 4 == 0 else { throw TLDecodingError.invalidLength(offset: at, length: Int(length)) }
        return OutgoingMessage(id: id, seqNo: seqNo, body: try reader.readRaw(count: Int(length)))
    }
}

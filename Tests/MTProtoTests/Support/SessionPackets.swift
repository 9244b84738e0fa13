@testable import MTProto
import TLSchema

/// Hand-made server packets and a view into client packets, for session tests that need messages
/// the test server does not send on its own.
enum SessionPackets {
    /// A server id at `second` (seconds), odd as server ids are; `n` tells ids of one second apart.
    static func serverID(second: Double, _ n: Int64) -> Int64 {
        Int64(second) << 32 | n << 2 | 1
    }

    /// `body` sent by the server to `client`'s session as one message.
    static func fromServer(_ body: [UInt8], id: Int64, seqNo: Int32 = 0, to client: SessionState) -> [UInt8] {
        client.envelope.encrypt(
            salt: client.salt, sessionID: client.sessionID, messageID: id, seqNo: seqNo, body: body, sender: .server,
            entropy: SystemEntropy())
    }

    /// The messages (msg_id, body) of a client packet, the items of a container one by one.
    static func messages(of packet: [UInt8], key: AuthKey) throws -> [(id: Int64, body: [UInt8])] {
        let message: DecryptedMessage = try Envelope(authKey: key).decrypt(packet, sender: .client)
        var reader: TLReader = TLReader(message.body)
        guard try reader.peekUInt32() == 0x73f1_f8dc else { return [(message.messageID, message.body)] }
        var items: ContainerItems = try ContainerItems(&reader)
        var out: [(id: Int64, body: [UInt8])] = []
        while let item = try items.next(&reader) { out.append((item.id, item.body)) }
        return out
    }
}

/// Unencrypted MTProto messages (`auth_key_id` = 0), used only by the key exchange.
public enum PlainMessage {
    /// Why a packet is not a well-formed unencrypted message.
    public enum Failure: Error, Equatable, Sendable {
        case tooShort(Int)
        case nonZeroAuthKeyID
        case invalidLength(Int32)
    }

    /// `auth_key_id (0) ‖ msg_id ‖ length ‖ body`.
    public static func encode(messageID: Int64, body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8](repeating: 0, count: 8)
        out += messageID.littleEndianBytes
        out += le32(UInt32(body.count))
        out += body
        return out
    }

    /// Splits a received unencrypted packet; bytes after the announced body (transport padding) are ignored.
    public static func decode(_ packet: [UInt8]) throws(Failure) -> (messageID: Int64, body: [UInt8]) {
        guard packet.count >= 20 else { throw Failure.tooShort(packet.count) }
        guard packet[0 ..< 8].allSatisfy({ $0 == 0 }) else { throw Failure.nonZeroAuthKeyID }
        let messageID: Int64 = Int64(littleEndianBytes: packet[8 ..< 16])
        let length: Int32 = Int32(bitPattern: UInt32(packet[16]) | UInt32(packet[17]) << 8 | UInt32(packet[18]) << 16 | UInt32(packet[19]) << 24)
        guard length >= 0, Int(length) <= packet.count - 20 else { throw Failure.invalidLength(length) }
        return (messageID, Array(packet[20 ..< 20 + Int(length)]))
    }
}

/// Client message ids: `unix time × 2^32`, divisible by 4, strictly increasing (messages notes §4).
public struct MessageIDGenerator: Sendable {
    private var last: Int64 = 0

    /// A generator that has issued no id yet.
    public init() {}

    /// The next id for local time `now` (seconds) corrected by `timeOffset` (server − local, seconds).
    public mutating func next(now: Double, timeOffset: Int32) -> Int64 {
        let serverTime: Double = now + Double(timeOffset)
        let seconds: Double = serverTime.rounded(.down)
        let fraction: Double = serverTime - seconds
        var id: Int64 = Int64(seconds) << 32 | Int64(UInt32(fraction * 4_294_967_296.0) & ~3)
        if id & 0xffff_ffff == 0 { id |= 4 }
        if id <= last { id = last + 4 }
        last = id
        return id
    }

    /// Forgets the last id (a new session may start from any time).
    public mutating func reset() { last = 0 }
}

import MTProto
import NIOConcurrencyHelpers
import NIOCore

/// The sending side of one client connection to a test DC: frames packets with the connection's
/// transport and writes them to the channel, several packets in one write.
final class ServerOutbox: Sendable {
    private let channel: any Channel
    /// Set once the first bytes have told which transport the client speaks.
    let codec: NIOLockedValueBox<TransportCodec?> = NIOLockedValueBox(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Frames `packets` and writes them with one flush. Nothing is sent before the transport is known.
    func send(_ packets: [[UInt8]]) {
        guard !packets.isEmpty else { return }
        let frames: [UInt8]? = codec.withLockedValue { (c: inout TransportCodec?) -> [UInt8]? in
            guard c != nil else { return nil }
            var joined: [UInt8] = []
            for packet in packets { joined += c!.encode(packet) }
            return joined
        }
        if let frames { channel.writeAndFlush(ByteBuffer(bytes: frames), promise: nil) }
    }

    /// Sends a 4-byte transport error code, then closes the connection.
    func sendTransportError(_ code: Int32) {
        let frame: [UInt8]? = codec.withLockedValue { (c: inout TransportCodec?) -> [UInt8]? in
            c?.encode(withUnsafeBytes(of: code.littleEndian) { Array($0) })
        }
        let channel: any Channel = self.channel
        guard let frame else { return channel.close(promise: nil) }
        channel.writeAndFlush(ByteBuffer(bytes: frame)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Closes the connection.
    func close() {
        channel.close(promise: nil)
    }
}

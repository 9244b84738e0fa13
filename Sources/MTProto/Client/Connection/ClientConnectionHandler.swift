import NIOCore

/// The channel handler of a client connection. It runs on the client's event loop, which is also
/// the client actor's executor, so it hands bytes to the actor synchronously (no task, no hop).
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let client: MTProtoClient

    init(client: MTProtoClient) {
        self.client = client
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel: any Channel = context.channel
        client.assumeIsolated { $0.connectionOpened(channel) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer: ByteBuffer = unwrapInboundIn(data)
        let bytes: [UInt8] = Array(buffer.readableBytesView)
        let channel: any Channel = context.channel
        client.assumeIsolated { $0.connectionRead(bytes, from: channel) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let channel: any Channel = context.channel
        client.assumeIsolated { $0.connectionFailed(error, on: channel) }
        context.close(promise: nil)
    }
}

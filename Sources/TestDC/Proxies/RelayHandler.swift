import NIOCore

/// One side of a proxy's tunnel: bytes read here are transformed and written to the partner
/// channel; when either side closes, so does the other. Both channels share one event loop.
final class RelayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let partner: any Channel
    private let transform: ([UInt8]) throws -> [UInt8]

    /// `transform` maps the bytes read here to the bytes the partner sends; a throw closes both.
    init(partner: any Channel, transform: @escaping ([UInt8]) throws -> [UInt8]) {
        self.partner = partner
        self.transform = transform
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes: [UInt8] = Array(unwrapInboundIn(data).readableBytesView)
        do {
            let out: [UInt8] = try transform(bytes)
            if !out.isEmpty { partner.writeAndFlush(ByteBuffer(bytes: out), promise: nil) }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

import MTProto
import NIOCore
import NIOPosix

/// A SOCKS5 proxy (RFC 1928, with RFC 1929 username/password) on loopback that tunnels to any
/// target, e.g. a ``TestDataCentre`` DC: for testing clients configured with a SOCKS5 proxy.
public final class TestSOCKS5Proxy: Sendable {
    /// The credentials clients must give (nil: no authentication).
    public let credentials: SOCKS5Credentials?
    /// When set, every `CONNECT` is answered with this reply code and closed (a refusing proxy).
    public let refusal: SOCKS5ReplyCode?
    /// When true, the proxy accepts connections and never answers (a hung proxy).
    public let isSilent: Bool
    private let group: any EventLoopGroup
    private let listener: ProxyListener = ProxyListener()

    /// A proxy requiring `credentials` (nil: none), refusing with `refusal` when set, or silent.
    public init(credentials: SOCKS5Credentials? = nil, refusal: SOCKS5ReplyCode? = nil, isSilent: Bool = false,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.credentials = credentials
        self.refusal = refusal
        self.isSilent = isSilent
        self.group = eventLoopGroup
    }

    /// Listens on 127.0.0.1:`port` (0: any free port); returns the port.
    public func start(port: Int = 0) async throws -> Int {
        let (credentials, refusal, silent): (SOCKS5Credentials?, SOCKS5ReplyCode?, Bool) = (self.credentials, self.refusal, isSilent)
        return try await listener.start(port: port, group: group) {
            SOCKS5ProxyConnectionHandler(negotiation: SOCKS5ServerNegotiation(credentials: credentials, refusal: refusal), isSilent: silent)
        }
    }

    /// Stops listening.
    public func stop() async {
        await listener.stop()
    }
}

/// One client of the SOCKS5 proxy: negotiates, connects to the target, then relays both ways.
final class SOCKS5ProxyConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var negotiation: SOCKS5ServerNegotiation
    private var target: (any Channel)?
    private var pending: [UInt8] = []
    private var connecting: Bool = false
    private let isSilent: Bool

    init(negotiation: SOCKS5ServerNegotiation, isSilent: Bool) {
        self.negotiation = negotiation
        self.isSilent = isSilent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes: [UInt8] = Array(unwrapInboundIn(data).readableBytesView)
        if isSilent { return }
        if let target { return target.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
        if connecting { return pending += bytes }
        do {
            switch try negotiation.feed(bytes) {
            case .needMoreBytes: return
            case .reply(let reply): context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply)), promise: nil)
            case .refuse(let reply):
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            case .connect(let host, let port, let leftover):
                connecting = true
                pending = leftover
                connect(context: context, host: host, port: port)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    private func connect(context: ChannelHandlerContext, host: String, port: Int) {
        let client: any Channel = context.channel
        ProxyListener.dial(host: host, port: port, eventLoop: context.eventLoop).assumeIsolated().whenComplete {
            (result: Result<any Channel, any Error>) in
            switch result {
            case .success(let channel):
                do {
                    try channel.pipeline.syncOperations.addHandler(RelayHandler(partner: client, transform: { $0 }))
                } catch {
                    channel.close(promise: nil)
                    return client.close(promise: nil)
                }
                self.target = channel
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: SOCKS5ServerNegotiation.success)), promise: nil)
                if !self.pending.isEmpty { channel.writeAndFlush(ByteBuffer(bytes: self.pending), promise: nil) }
                self.pending = []
            case .failure:
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: SOCKS5ServerNegotiation.reply(.connectionRefused)))).assumeIsolated()
                    .whenComplete { _ in context.close(promise: nil) }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        target?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

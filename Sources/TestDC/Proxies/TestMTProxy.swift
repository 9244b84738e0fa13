import Foundation
import MTProto
import MTProtoServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An MTProxy on loopback in front of TestDC's DCs: plain, `dd` and `ee` (FakeTLS) secrets. It finds
/// the DC by the id in the client's obfuscation header (±, test +10000 folded away) and forwards
/// the stream in the DC's plain framing. A client with a wrong secret is closed without a word,
/// as real MTProxies do.
public final class TestMTProxy: Sendable {
    /// The secret clients must use.
    public let secret: MTProxySecret
    /// The DCs by id (their loopback addresses).
    public let dataCentres: [DataCentre]
    /// When true, every connection is closed as soon as it opens (a proxy that refuses).
    public let refusesConnections: Bool
    private let group: any EventLoopGroup
    private let listener: ProxyListener = ProxyListener()
    private let tunnels: NIOLockedValueBox<[Int16: Int]> = NIOLockedValueBox([:])

    /// How many tunnels clients opened per DC id as written in their headers (e.g. 2, 10002, −2).
    public var tunnelsByDCID: [Int16: Int] { tunnels.withLockedValue { $0 } }

    /// A proxy with `secret` forwarding to `dataCentres` (e.g. ``TestDataCentre/dataCentres``).
    public init(secret: MTProxySecret, dataCentres: [DataCentre], refusesConnections: Bool = false,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.secret = secret
        self.dataCentres = dataCentres.filter { !$0.kind.contains(.ipv6) }
        self.refusesConnections = refusesConnections
        self.group = eventLoopGroup
    }

    /// Listens on 127.0.0.1:`port` (0: any free port); returns the port.
    public func start(port: Int = 0) async throws -> Int {
        let (secret, dataCentres, refuses): (MTProxySecret, [DataCentre], Bool) = (self.secret, self.dataCentres, refusesConnections)
        let tunnels: NIOLockedValueBox<[Int16: Int]> = self.tunnels
        return try await listener.start(port: port, group: group) {
            MTProxyConnectionHandler(
                session: MTProxyServerSession(
                    secret: secret, unixTime: { Int32(clamping: Int(Date().timeIntervalSince1970)) }, entropy: SystemEntropy()),
                dataCentres: dataCentres, refuses: refuses, opened: { (id: Int16) in tunnels.withLockedValue { $0[id, default: 0] += 1 } })
        }
    }

    /// Stops listening.
    public func stop() async {
        await listener.stop()
    }
}

/// One client of the MTProxy: runs its ``MTProxyServerSession`` and the tunnel to the DC.
final class MTProxyConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var session: MTProxyServerSession
    private let dataCentres: [DataCentre]
    private let refuses: Bool
    private let opened: @Sendable (Int16) -> Void
    private var dc: (any Channel)?
    private var pending: [UInt8]?

    /// `opened` is told the DC id of each tunnel that reaches its DC.
    init(session: MTProxyServerSession, dataCentres: [DataCentre], refuses: Bool, opened: @escaping @Sendable (Int16) -> Void) {
        self.session = session
        self.dataCentres = dataCentres
        self.refuses = refuses
        self.opened = opened
    }

    func channelActive(context: ChannelHandlerContext) {
        if refuses { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes: [UInt8] = Array(unwrapInboundIn(data).readableBytesView)
        let outputs: [MTProxyServerSession.Output]
        do {
            outputs = try session.fromClient(bytes)
        } catch {
            return context.close(promise: nil)
        }
        for output in outputs {
            switch output {
            case .toClient(let reply):
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply)), promise: nil)
            case .connect(let id, let first):
                connect(context: context, dcID: id, first: first)
            case .toDC(let forward):
                if let dc {
                    dc.writeAndFlush(ByteBuffer(bytes: forward), promise: nil)
                } else {
                    pending? += forward
                }
            }
        }
    }

    private func connect(context: ChannelHandlerContext, dcID: Int16, first: [UInt8]) {
        let id: Int = abs(Int(dcID)) % 10000
        guard let target = dataCentres.first(where: { $0.id == id }) else { return context.close(promise: nil) }
        pending = first
        let client: any Channel = context.channel
        let loopBound: NIOLoopBound<MTProxyConnectionHandler> = NIOLoopBound(self, eventLoop: context.eventLoop)
        ProxyListener.dial(host: target.host, port: target.port, eventLoop: context.eventLoop).assumeIsolated().whenComplete {
            (result: Result<any Channel, any Error>) in
            guard case .success(let channel) = result else { return client.close(promise: nil) }
            let handler: MTProxyConnectionHandler = loopBound.value
            do {
                try channel.pipeline.syncOperations.addHandler(RelayHandler(partner: client, transform: { handler.session.fromDC($0) }))
            } catch {
                channel.close(promise: nil)
                return client.close(promise: nil)
            }
            handler.dc = channel
            handler.opened(dcID)
            if let pending = handler.pending, !pending.isEmpty { channel.writeAndFlush(ByteBuffer(bytes: pending), promise: nil) }
            handler.pending = nil
            if !client.isActive { channel.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        dc?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

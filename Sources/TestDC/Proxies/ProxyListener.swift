import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP listener on 127.0.0.1 whose connections each get a fresh handler; shared by TestDC's proxies.
final class ProxyListener: Sendable {
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)

    /// Listens on `port` (0: any free one) and returns the port bound.
    func start(port: Int, group: any EventLoopGroup, handler: @escaping @Sendable () -> any ChannelHandler) async throws -> Int {
        let server: any Channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { (child: any Channel) in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(handler()) }
            }
            .bind(host: "127.0.0.1", port: port).get()
        channel.withLockedValue { $0 = server }
        return server.localAddress?.port ?? 0
    }

    /// Stops listening (open tunnels end when either side closes).
    func stop() async {
        let server: (any Channel)? = channel.withLockedValue { $0 }
        try? await server?.close()
    }

    /// Connects to `host:port` on `eventLoop`; the caller adds its relay before it sends anything
    /// (the far side speaks only when spoken to).
    static func dial(host: String, port: Int, eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port)
    }
}

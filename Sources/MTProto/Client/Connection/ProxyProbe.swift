import NIOCore
import NIOPosix

/// The first two steps of a connection through a proxy, run on their own for diagnostics: reach
/// the proxy over TCP, then open the tunnel (SOCKS5 `CONNECT` or the FakeTLS handshake; a plain
/// or `dd` MTProxy has nothing to negotiate). The MTProto steps follow with a normal client.
public enum ProxyProbe {
    /// Opens and closes a TCP connection to the configured proxy; returns how long it took.
    public static func reachProxy(_ configuration: ClientConfiguration) async throws -> Duration {
        let eventLoopGroup: MultiThreadedEventLoopGroup = MultiThreadedEventLoopGroup.singleton
        guard let proxy = configuration.proxy else { throw ProxyError.unreachable("no proxy is configured") }
        let started: ContinuousClock.Instant = .now
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup).connectTimeout(.seconds(10)).connect(host: proxy.host, port: proxy.port).get()
        } catch {
            throw ProxyError.unreachable("\(error)")
        }
        let elapsed: Duration = ContinuousClock.now - started
        try? await channel.close()
        return elapsed
    }

    /// Connects through the proxy to the configured DC and runs the proxy's handshake; returns how
    /// long it took. Throws the ``ProxyError`` a client would get.
    public static func openTunnel(_ configuration: ClientConfiguration, entropy: any EntropySource = SystemEntropy()) async throws -> Duration {
        let eventLoopGroup: MultiThreadedEventLoopGroup = MultiThreadedEventLoopGroup.singleton
        let started: ContinuousClock.Instant = .now
        let channel: any Channel = try await ConnectionDialer.connect(
            to: configuration.dataCentre, configuration: configuration, eventLoop: eventLoopGroup.next(), entropy: entropy,
            handler: { DiscardingHandler() })
        let elapsed: Duration = ContinuousClock.now - started
        try? await channel.close()
        return elapsed
    }

    /// Drops what the tunnel delivers (the probe only opens it).
    private final class DiscardingHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }
}

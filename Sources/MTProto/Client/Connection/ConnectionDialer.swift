import Foundation
import NIOCore
import NIOPosix

/// Opens one TCP connection for a client: to the DC, or to the proxy with its handshake done, and
/// returns once the client's handler has seen the connection become active.
enum ConnectionDialer {
    /// Connects to `dc` as `configuration` says, with `handler` at the end of the pipeline. Throws
    /// a ``ProxyError`` for everything that goes wrong with a proxy.
    static func connect(
        to dc: DataCentre, configuration: ClientConfiguration, eventLoop: any EventLoop, entropy: any EntropySource,
        handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        let target: (host: String, port: Int) = configuration.dialTarget(for: dc)
        guard configuration.proxy != nil else {
            return try await bootstrap(eventLoop: eventLoop) { (channel: any Channel) in
                try channel.pipeline.syncOperations.addHandler(handler())
            }.connect(host: target.host, port: target.port).get()
        }
        let handshake: ProxyHandshake? = configuration.proxyHandshake(
            for: dc, unixTime: Int32(clamping: Int(Date().timeIntervalSince1970)), entropy: entropy)
        let isMTProxy: Bool = if case .mtproxy = configuration.proxy { true } else { false }
        let established: EventLoopPromise<Void> = eventLoop.makePromise(of: Void.self)
        let timeout: TimeAmount = .nanoseconds(Int64(configuration.proxyTimeout.components.seconds) * 1_000_000_000
            + configuration.proxyTimeout.components.attoseconds / 1_000_000_000)
        let channel: any Channel
        do {
            channel = try await bootstrap(eventLoop: eventLoop) { (channel: any Channel) in
                let proxyHandler: ProxyConnectionHandler = ProxyConnectionHandler(
                    handshake: handshake, isMTProxy: isMTProxy, timeout: timeout, established: established)
                try channel.pipeline.syncOperations.addHandlers([proxyHandler, handler()])
            }.connect(host: target.host, port: target.port).get()
        } catch {
            established.fail(error)
            throw ProxyError.unreachable("\(error)")
        }
        do {
            try await established.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return channel
    }

    private static func bootstrap(eventLoop: any EventLoop, _ initialize: @escaping @Sendable (any Channel) throws -> Void) -> ClientBootstrap {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { (channel: any Channel) in
                channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
    }
}

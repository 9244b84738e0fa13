import Foundation
import Logging
import MTProto
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TLSchema

/// An in-process Telegram data centre (or several) on loopback TCP, built from the same sans-IO core
/// as the client: key exchange, encrypted sessions, containers, acks, resends; API methods answered
/// by scriptable handlers; faults injected on demand. Modelled on gotd's `tgtest`.
public final class TestDataCentre: Sendable {
    /// The server's RSA key (clients need its public part).
    public let rsaKey: RSAPrivateKey
    private let state: TestDCState
    private let channels: NIOLockedValueBox<[Int: any Channel]> = NIOLockedValueBox([:])
    private let channels6: NIOLockedValueBox<[Int: any Channel]> = NIOLockedValueBox([:])

    /// `dcs` are the DC ids to serve, each on its own port. Every DC and connection runs on one event
    /// loop of `eventLoopGroup`, which is also where the shared state lives.
    public init(dcs: [Int] = [1, 2], rsaKey: RSAPrivateKey? = nil, logger: Logger = Logger(label: "testdc"),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.rsaKey = rsaKey ?? RSAPrivateKey.generate()
        self.state = TestDCState(dcs: dcs, rsaKey: self.rsaKey, logger: logger, eventLoop: eventLoopGroup.next())
    }

    /// Starts listening on 127.0.0.1 (port 0: any free port; `basePort` + index otherwise), and on
    /// ::1 (any free port) where the host has IPv6.
    public func start(basePort: Int = 0) async throws {
        for (index, dc) in state.dcs.enumerated() {
            let port: Int = basePort == 0 ? 0 : basePort + index
            let server: any Channel = try await listen(dc: dc, host: "127.0.0.1", port: port)
            await state.setPort(server.localAddress?.port ?? 0, for: dc)
            channels.withLockedValue { $0[dc] = server }
            if let server6 = try? await listen(dc: dc, host: "::1", port: 0) {
                await state.setIPv6Port(server6.localAddress?.port ?? 0, for: dc)
                channels6.withLockedValue { $0[dc] = server6 }
            }
        }
    }

    private func listen(dc: Int, host: String, port: Int) async throws -> any Channel {
        let state: TestDCState = self.state
        // Every DC and connection runs on the state's event loop, so handlers call it synchronously.
        return try await ServerBootstrap(group: state.eventLoop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { (channel: any Channel) in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ServerConnectionHandler(dc: dc, state: state))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        let all: [any Channel] = channels.withLockedValue { Array($0.values) } + channels6.withLockedValue { Array($0.values) }
        for channel in all { try? await channel.close() }
        await state.closeAllConnections()
    }

    /// Pushes raw bytes as an update to `userID`'s sessions (for updates a client cannot decode).
    public func pushRaw(_ body: [UInt8], toUser userID: Int64) async {
        await state.push(body, toUser: userID)
    }

    /// Closes every client connection but keeps listening (a network drop: clients reconnect).
    public func dropConnections() async {
        await state.closeAllConnections()
    }

    /// The DC ids and the ports they listen on.
    public var dataCentres: [DataCentre] {
        get async { await state.dataCentres }
    }

    /// Registers (or replaces) the handler of a method, by its function type.
    public func handle<F: TLFunction>(_ type: F.Type, _ handler: @escaping MethodHandler) async {
        await state.setHandler(F.constructorID, handler)
    }

    /// Changes the fault plan of a DC.
    public func setFaults(_ faults: FaultPlan, dc: Int? = nil) async {
        await state.setFaults(faults, dc: dc)
    }

    /// How many calls of a method each DC has answered (for exactly-once checks).
    public func callCount(of id: UInt32) async -> Int {
        await state.callCount(of: id)
    }

    /// How many client connections the DCs have accepted.
    public var acceptedConnections: Int {
        get async { await state.acceptedConnections }
    }

    /// Pushes an update-carrying message to every session of `authKeyID` (or all sessions).
    public func push(_ updates: Api.Updates, toAuthKey authKeyID: Int64? = nil) async {
        await state.push(updates.serializedData(), toAuthKey: authKeyID)
    }

    /// Forgets the temporary (PFS) keys of a DC, as Telegram may before they expire.
    public func forgetTemporaryKeys(dc: Int) async {
        await state.forgetTemporaryKeys(dc: dc)
    }

    /// The bound temporary keys of a DC: temporary key id → permanent key id.
    public func boundTemporaryKeys(dc: Int) async -> [Int64: Int64] {
        await state.boundTemporaryKeys(dc: dc)
    }

    /// Logs a permanent key in as a user (what a sign-in handler does).
    public func authorize(authKeyID: Int64, userID: Int64, dc: Int) async {
        await state.authorize(authKeyID: authKeyID, userID: userID, dc: dc)
    }

    /// Logs a permanent key out (what `auth.logOut` does).
    public func deauthorize(authKeyID: Int64, dc: Int) async {
        await state.deauthorize(authKeyID: authKeyID, dc: dc)
    }

    /// Pushes updates to every session logged in as `userID`.
    public func push(_ updates: Api.Updates, toUser userID: Int64) async {
        await state.push(updates.serializedData(), toUser: userID)
    }

    /// Serializes `updates` on the caller's thread and queues them for `userID`'s sessions without
    /// waiting: the event loop pushes them in order (after whatever was queued before) and flushes
    /// each session once, so they travel in one container. The future completes once they are
    /// handed to the sessions (a caller that keeps a few in flight bounds what waits in memory).
    func enqueue(_ updates: [Api.Updates], toUser userID: Int64) -> EventLoopFuture<Void> {
        let bodies: [[UInt8]] = updates.map { $0.serializedData() }
        let state: TestDCState = self.state
        return state.eventLoop.submit { state.assumeIsolated { $0.push(bodies, toUser: userID) } }
    }

    /// The user a permanent key is logged in as.
    public func userID(authKeyID: Int64, dc: Int) async -> Int64? {
        await state.userID(authKeyID: authKeyID, dc: dc)
    }

    /// Auth key ids the DCs know.
    public func knownAuthKeyIDs(dc: Int) async -> [Int64] {
        await state.knownKeys(dc: dc)
    }
}

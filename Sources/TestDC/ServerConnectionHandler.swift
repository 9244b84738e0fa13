import Foundation
import MTProto
import MTProtoServer
import NIOCore

/// One client TCP connection to a test DC, handled on the DCs' event loop (which is also the
/// executor of ``TestDCState``): detects the framing, runs the key exchange, and passes encrypted
/// packets to the shared state in the order they arrived, without a task or a thread hop.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let dc: Int
    private let state: TestDCState
    private var outbox: ServerOutbox?
    private var connection: UInt64 = 0
    private var transportError: Int32? = nil
    private var clockSkew: Int32 = 0
    private var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector()
    private var handshake: ServerHandshake? = nil
    private var sawPacket: Bool = false
    private var closed: Bool = false

    init(dc: Int, state: TestDCState) {
        self.dc = dc
        self.state = state
    }

    func channelActive(context: ChannelHandlerContext) {
        let created: ServerOutbox = ServerOutbox(channel: context.channel)
        let dc: Int = self.dc
        let opened: (UInt64, Int32?, Int32) = state.assumeIsolated { (state: isolated TestDCState) -> (UInt64, Int32?, Int32) in
            (state.register(connection: created), state.takeTransportError(dc: dc), state.faultPlan(dc: dc).clockSkew)
        }
        outbox = created
        (connection, transportError, clockSkew) = opened
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        let connection: UInt64 = self.connection
        state.assumeIsolated { $0.unregister(connection: connection) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let outbox, !closed else { return }
        let buffer: ByteBuffer = unwrapInboundIn(data)
        let bytes: [UInt8] = Array(buffer.readableBytesView)
        let events: [TransportEvent]
        do {
            if outbox.codec.withLockedValue({ $0 == nil }) {
                guard let detected = try detector.feed(bytes) else { return }
                outbox.codec.withLockedValue { $0 = detected.codec }
                events = detected.events
            } else {
                events = try outbox.codec.withLockedValue { (c: inout TransportCodec?) throws -> [TransportEvent] in
                    try c!.decode(bytes)
                }
            }
        } catch {
            closed = true
            return outbox.close()
        }
        for case .packet(let packet) in events {
            if !sawPacket, let code = transportError {
                closed = true
                return outbox.sendTransportError(code)
            }
            sawPacket = true
            if packet.count >= 8 && packet[0 ..< 8].allSatisfy({ $0 == 0 }) {
                guard exchangeStep(packet, outbox: outbox) else {
                    closed = true
                    return
                }
            } else {
                let (dc, connection): (Int, UInt64) = (self.dc, self.connection)
                state.assumeIsolated { $0.received(packet, dc: dc, connection: connection) }
            }
        }
    }

    /// One step of the key exchange; false when it failed (the client was sent −404 and is closed).
    private func exchangeStep(_ packet: [UInt8], outbox: ServerOutbox) -> Bool {
        var exchange: ServerHandshake = handshake ?? ServerHandshake(key: state.rsaKey)
        exchange.clockSkew = clockSkew
        let step: ServerHandshake.Step
        do {
            step = try exchange.receive(packet, now: Date().timeIntervalSince1970)
        } catch {
            state.logger.warning("key exchange failed on DC \(dc): \(error)")
            outbox.sendTransportError(-404)
            return false
        }
        switch step {
        case .send(let reply):
            outbox.send([reply])
            handshake = exchange
        case .done(let result, let reply):
            let dc: Int = self.dc
            state.assumeIsolated { $0.registerKey(result, dc: dc) }
            outbox.send([reply])
            handshake = nil
        }
        return true
    }
}

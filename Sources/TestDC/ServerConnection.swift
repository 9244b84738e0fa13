import Foundation
import MTProto
import NIOCore

/// One client TCP connection to a test DC: detects the framing, runs the key exchange, and passes
/// encrypted packets to the shared state, in the order they arrived. What the state sends goes
/// straight to the channel through the connection's ``ServerOutbox``.
struct ServerConnection: Sendable {
    let dc: Int
    let state: TestDCState

    func run(_ channel: any Channel, inbound: AsyncStream<[UInt8]>) async {
        let outbox: ServerOutbox = ServerOutbox(channel: channel)
        let connection: UInt64 = await state.register(connection: outbox)
        let transportError: Int32? = await state.takeTransportError(dc: dc)
        let key: RSAPrivateKey = state.rsaKey
        let plan: FaultPlan = await state.faultPlan(dc: dc)
        var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector()
        var handshake: ServerHandshake? = nil
        var sawPacket: Bool = false
        reading: for await bytes in inbound {
            let events: [TransportEvent]
            do {
                if outbox.codec.withLockedValue({ $0 == nil }) {
                    guard let detected = try detector.feed(bytes) else { continue }
                    outbox.codec.withLockedValue { $0 = detected.codec }
                    events = detected.events
                } else {
                    events = try outbox.codec.withLockedValue { (c: inout TransportCodec?) throws -> [TransportEvent] in
                        try c!.decode(bytes)
                    }
                }
            } catch {
                break reading
            }
            for case .packet(let packet) in events {
                if !sawPacket, let code = transportError {
                    outbox.sendTransportError(code)
                    break reading
                }
                sawPacket = true
                if packet.count >= 8 && packet[0 ..< 8].allSatisfy({ $0 == 0 }) {
                    var exchange: ServerHandshake = handshake ?? ServerHandshake(key: key)
                    exchange.clockSkew = plan.clockSkew
                    let step: ServerHandshake.Step
                    do {
                        step = try exchange.receive(packet, now: Date().timeIntervalSince1970)
                    } catch {
                        state.logger.warning("key exchange failed on DC \(dc): \(error)")
                        outbox.sendTransportError(-404)
                        break reading
                    }
                    switch step {
                    case .send(let reply):
                        outbox.send([reply])
                        handshake = exchange
                    case .done(let result, let reply):
                        await state.registerKey(result, dc: dc)
                        outbox.send([reply])
                        handshake = nil
                    }
                } else {
                    await state.received(packet, dc: dc, connection: connection)
                }
            }
        }
        outbox.close()
        await state.unregister(connection: connection)
    }
}

/// Passes the bytes a client connection reads to its ``ServerConnection`` task.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbound: AsyncStream<[UInt8]>.Continuation

    init(inbound: AsyncStream<[UInt8]>.Continuation) {
        self.inbound = inbound
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer: ByteBuffer = unwrapInboundIn(data)
        inbound.yield(Array(buffer.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbound.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

import Foundation
import MTProto
import NIOConcurrencyHelpers
import NIOCore

/// One client TCP connection to a test DC: detects the framing, runs the key exchange, and passes
/// encrypted packets to the shared state; sends whatever the state queues for it.
struct ServerConnection: Sendable {
    let dc: Int
    let state: TestDCState

    private struct Closed: Error {}

    func run(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let (outbox, continuation): (AsyncStream<ConnectionOutput>, AsyncStream<ConnectionOutput>.Continuation) =
            AsyncStream<ConnectionOutput>.makeStream()
        let connection: UInt64 = await state.register(connection: continuation)
        let codec: NIOLockedValueBox<TransportCodec?> = NIOLockedValueBox(nil)
        let transportError: Int32? = await state.takeTransportError(dc: dc)
        let key: RSAPrivateKey = state.rsaKey
        let plan: FaultPlan = await state.faultPlan(dc: dc)
        try? await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { (tasks: inout ThrowingTaskGroup<Void, any Error>) in
                tasks.addTask {
                    for await output in outbox {
                        switch output {
                        case .packet(let packet):
                            let frame: [UInt8]? = codec.withLockedValue { $0?.encode(packet) }
                            if let frame { try await outbound.write(ByteBuffer(bytes: frame)) }
                        case .transportError(let code):
                            let frame: [UInt8]? = codec.withLockedValue { (c: inout TransportCodec?) -> [UInt8]? in
                                c?.encode(withUnsafeBytes(of: code.littleEndian) { Array($0) })
                            }
                            if let frame { try await outbound.write(ByteBuffer(bytes: frame)) }
                            throw Closed()
                        case .close:
                            throw Closed()
                        }
                    }
                    throw Closed()
                }
                tasks.addTask {
                    var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector()
                    var handshake: ServerHandshake? = nil
                    var sawPacket: Bool = false
                    for try await buffer in inbound {
                        let bytes: [UInt8] = Array(buffer.readableBytesView)
                        let events: [TransportEvent]
                        if codec.withLockedValue({ $0 == nil }) {
                            guard let detected = try detector.feed(bytes) else { continue }
                            codec.withLockedValue { $0 = detected.codec }
                            events = detected.events
                        } else {
                            events = try codec.withLockedValue { (c: inout TransportCodec?) throws -> [TransportEvent] in
                                try c!.decode(bytes)
                            }
                        }
                        for case .packet(let packet) in events {
                            if !sawPacket, let code = transportError {
                                continuation.yield(.transportError(code))
                                sawPacket = true
                                continue
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
                                    continuation.yield(.transportError(-404))
                                    continue
                                }
                                switch step {
                                case .send(let reply):
                                    continuation.yield(.packet(reply))
                                    handshake = exchange
                                case .done(let result, let reply):
                                    await state.registerKey(result, dc: dc)
                                    continuation.yield(.packet(reply))
                                    handshake = nil
                                }
                            } else {
                                await state.received(packet, dc: dc, connection: connection)
                            }
                        }
                    }
                    throw Closed()
                }
                _ = try await tasks.next()
                tasks.cancelAll()
            }
        }
        continuation.finish()
        await state.unregister(connection: connection)
    }
}

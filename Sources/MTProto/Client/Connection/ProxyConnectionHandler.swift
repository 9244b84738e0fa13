import NIOCore

/// Runs a ``ProxyHandshake`` on a fresh connection to a proxy, then passes bytes through (wrapped
/// in TLS records for FakeTLS). It holds `channelActive` back until the tunnel is open, so the
/// client's handler starts its transport only then; `established` completes either way, with a
/// ``ProxyError`` on failure, timeout or close. For an MTProxy it also reports a close or silence
/// before the first byte (what a wrong secret looks like) as a ``ProxyError``.
final class ProxyConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case handshaking, awaitingFirstByte, open, failed
    }

    private var handshake: ProxyHandshake?
    private var records: FakeTLSRecordLayer?
    private let isMTProxy: Bool
    private let timeout: TimeAmount
    private let established: EventLoopPromise<Void>
    private var state: State = .handshaking
    private var timer: Scheduled<Void>?

    /// `handshake` nil: nothing to negotiate (a plain or `dd` MTProxy).
    init(handshake: ProxyHandshake?, isMTProxy: Bool, timeout: TimeAmount, established: EventLoopPromise<Void>) {
        self.handshake = handshake
        self.records = handshake?.wrapsInRecords == true ? FakeTLSRecordLayer(sendsChangeCipherSpec: true) : nil
        self.isMTProxy = isMTProxy
        self.timeout = timeout
        self.established = established
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        guard var machine = handshake else { return open(context: context, leftover: []) }
        do {
            let first: [UInt8] = try machine.start()
            handshake = machine
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: first)), promise: nil)
        } catch {
            fail(context: context, error)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes: [UInt8] = Array(unwrapInboundIn(data).readableBytesView)
        switch state {
        case .failed:
            return
        case .handshaking:
            guard var machine = handshake else { return }
            do {
                let step: ProxyStep = try machine.feed(bytes)
                handshake = machine
                switch step {
                case .needMoreBytes: return
                case .send(let reply): context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil)
                case .established(let leftover): open(context: context, leftover: leftover)
                }
            } catch {
                fail(context: context, error)
            }
        case .awaitingFirstByte, .open:
            pass(bytes, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard var layer = records else { return context.write(data, promise: promise) }
        let bytes: [UInt8] = layer.wrap(Array(unwrapOutboundIn(data).readableBytesView))
        records = layer
        context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .handshaking: fail(context: context, ProxyError.closedDuringHandshake)
        case .awaitingFirstByte: reportAndClose(context: context, ProxyError.closedByMTProxy)
        case .open, .failed: break
        }
        timer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if state == .handshaking { return fail(context: context, error) }
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if state == .handshaking {
            state = .failed
            established.fail(ProxyError.closedDuringHandshake)
        }
    }

    /// The tunnel is open: the client's handler sees the connection become active.
    private func open(context: ChannelHandlerContext, leftover: [UInt8]) {
        state = isMTProxy ? .awaitingFirstByte : .open
        if !isMTProxy { timer?.cancel() }
        handshake = nil
        established.succeed()
        context.fireChannelActive()
        if !leftover.isEmpty { pass(leftover, context: context) }
    }

    private func pass(_ bytes: [UInt8], context: ChannelHandlerContext) {
        var payload: [UInt8] = bytes
        if var layer = records {
            do {
                payload = try layer.unwrap(bytes)
                records = layer
            } catch {
                return reportAndClose(context: context, ProxyError.fakeTLS(error))
            }
        }
        guard !payload.isEmpty else { return }
        if state == .awaitingFirstByte {
            state = .open
            timer?.cancel()
        }
        context.fireChannelRead(wrapInboundOut(ByteBuffer(bytes: payload)))
    }

    private func startTimer(context: ChannelHandlerContext) {
        let loopBound: NIOLoopBound<ChannelHandlerContext> = NIOLoopBound(context, eventLoop: context.eventLoop)
        let handler: NIOLoopBound<ProxyConnectionHandler> = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            handler.value.timedOut(context: loopBound.value)
        }
    }

    private func timedOut(context: ChannelHandlerContext) {
        switch state {
        case .handshaking: fail(context: context, ProxyError.handshakeTimeout)
        case .awaitingFirstByte: reportAndClose(context: context, ProxyError.noAnswerFromMTProxy)
        case .open, .failed: break
        }
    }

    /// Before the tunnel opened: `established` fails and the connection closes.
    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        guard state == .handshaking else { return }
        state = .failed
        timer?.cancel()
        established.fail(error)
        context.close(promise: nil)
    }

    /// After the client's handler started: it gets the error, then the connection closes.
    private func reportAndClose(context: ChannelHandlerContext, _ error: ProxyError) {
        guard state == .awaitingFirstByte || state == .open else { return }
        state = .failed
        timer?.cancel()
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

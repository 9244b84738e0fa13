import Foundation
import Logging
import NIOCore
import Synchronization
import TLSchema

/// The calls of an ``MTProtoClient``: `invoke` (submitted under a lock, taken in batches, no actor
/// hop per call), flood waits, timeouts, and the calls' way into the session (the table is ``CallTable``).
extension MTProtoClient {
    /// Forgets the binding and initConnection calls of the connection that ended.
    func discardConnectionCalls() {
        for token in calls.removeConnectionScoped() { session?.value.cancel(token) }
    }

    func complete(token: RequestToken, with result: Result<[UInt8], any Error>) {
        calls.complete(token: token)?.completion(result)
    }

    /// The call sent in the current session under `token` (a call's token is its id).
    func callSent(as token: RequestToken) -> UInt64? {
        calls.callSent(as: token)
    }

    func enqueueInSession(_ id: UInt64) {
        guard session != nil else { return calls.wait(id) }
        // The call's id is its token in the session.
        guard let call = calls.queue(id) else { return }
        if let build = call.build {
            session!.value.enqueue(token: id, building: build)
        } else {
            session!.value.enqueue(call.body, contentRelated: call.contentRelated, token: id)
        }
    }

    @discardableResult
    func register(body: [UInt8], contentRelated: Bool, complete: @escaping @Sendable (Result<[UInt8], any Error>) -> Void) -> UInt64 {
        let id: UInt64 = allocateCallID()
        let send: Bool = machine.sendsCalls
        calls.insert(Call(body: body, contentRelated: contentRelated, token: nil, completion: .client(complete)), id: id, send: send)
        if send { enqueueInSession(id) }
        return id
    }

    func register(
        id: UInt64, body: [UInt8], contentRelated: Bool, deadline: ContinuousClock.Instant, continuation: UnsafeContinuation<[UInt8], any Error>
    ) {
        if calls.wasCancelledEarly(id) {
            continuation.resume(throwing: CancellationError())
            return
        }
        if isClosed {
            continuation.resume(throwing: MTProtoClientError.closed)
            return
        }
        let send: Bool = machine.sendsCalls
        calls.insert(
            Call(body: body, contentRelated: contentRelated, token: nil, completion: .caller(continuation), deadline: deadline), id: id, send: send)
        scheduleTimeoutSweep(at: deadline)
        if send { enqueueInSession(id) }
    }

    /// Takes every submitted call in, then sends them together (one container instead of a packet
    /// per call).
    func drainSubmissions() {
        let batch: [Submission] = shared.withLock { (state: inout Shared) -> [Submission] in
            let taken: [Submission] = state.submissions
            state.submissions.removeAll(keepingCapacity: true)
            state.drainScheduled = false
            return taken
        }
        let taken: ContinuousClock.Instant = clock.now
        for s in batch {
            register(id: s.id, body: s.body, contentRelated: s.contentRelated, deadline: taken + s.timeout, continuation: s.continuation)
        }
        flush()
        if connectionTask == nil && !isClosed { startConnectionLoop() }
    }

    func scheduleTimeoutSweep(at deadline: ContinuousClock.Instant) {
        guard let generation = timeoutTimer.schedule(at: deadline) else { return }
        timeoutSweep?.cancel()
        let clock: any ClientClock = self.clock
        timeoutSweep = Task { [weak self] in
            try? await clock.sleep(until: deadline)
            if Task.isCancelled { return }
            await self?.sweepTimeouts(generation: generation)
        }
    }

    /// Fails the calls whose deadline has passed and sleeps until the next one.
    func sweepTimeouts(generation: Int) {
        guard timeoutTimer.fired(generation) else { return }
        timeoutSweep = nil
        let (expired, next): ([UInt64], ContinuousClock.Instant?) = calls.expired(at: clock.now)
        for id in expired { abandon(id, with: MTProtoClientError.timeout) }
        if let next { scheduleTimeoutSweep(at: next) }
    }

    func abandon(_ id: UInt64, with error: any Error) {
        guard let call = calls.remove(id, cancelled: error is CancellationError) else { return }
        if let token = call.token { session?.value.cancel(token) }
        call.completion(.failure(error))
    }

    /// Ends the session: every unanswered call goes back to waiting, to be sent in the next one.
    func dropSession() {
        discardConnectionCalls()
        session = nil
        calls.requeueAll()
    }

    nonisolated func allocateCallID() -> UInt64 {
        nextCallID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Changes how flood waits are handled.
    public nonisolated func setFloodWaitPolicy(_ policy: FloodWaitPolicy) {
        shared.withLock { $0.floodWaitPolicy = policy }
    }

    /// Calls `function` and returns its typed result. Safe from many tasks at once; honours task
    /// cancellation and `timeout` (default: the configuration's). Throws ``RPCError`` for
    /// `rpc_error` answers. Flood waits are slept through or fail the call per `floodWait` (default:
    /// the client's ``floodWaitPolicy``; ``FloodWaitPolicy/never`` for calls not worth waiting for,
    /// such as typing actions); each wait is logged at warning level.
    public nonisolated func invoke<F: TLFunction>(_ function: F, timeout: Duration? = nil, floodWait: FloodWaitPolicy? = nil) async throws -> F.Result {
        let body: [UInt8] = function.serializedBytes()
        var retries: Int = 0
        while true {
            let (due, configured): (ContinuousClock.Instant?, FloodWaitPolicy) = shared.withLock { (state: inout Shared) in
                (state.floodDue.isEmpty ? nil : state.floodDue[F.constructorID], state.floodWaitPolicy)
            }
            let policy: FloodWaitPolicy = floodWait ?? configured
            if let due {
                switch policy.admission(remaining: due - clock.now) {
                case .call:
                    break
                case .wait(let remaining):
                    logger.warning("\(F.tlName) is flood-limited: waiting \(remaining) before calling it")
                    try await clock.sleep(for: remaining)
                case .fail(let error):
                    throw error
                }
            }
            do {
                return try await invokeOnce(F.self, body: body, timeout: timeout)
            } catch {
                if let rpc = error as? RPCError, rpc.code == 303, rpc.name == "FILE_MIGRATE" || rpc.name == "STATS_MIGRATE",
                   let dc = rpc.value, !isAuxiliary {
                    let other: MTProtoClient = try await client(forDataCentre: dc)
                    return try await other.invoke(function, timeout: timeout)
                }
                guard let rpc = error as? RPCError, let wait = FloodWaitPolicy.wait(for: rpc) else { throw error }
                if wait.perMethod {
                    let due: ContinuousClock.Instant = clock.now + .seconds(wait.seconds)
                    shared.withLock { $0.floodDue[F.constructorID] = due }
                }
                guard let delay = policy.retryDelay(after: rpc, retries: retries) else { throw error }
                retries += 1
                logger.warning("\(rpc.message) on \(F.tlName): retrying in \(wait.seconds) s")
                try await clock.sleep(for: delay)
            }
        }
    }

    nonisolated func invokeOnce<F: TLFunction>(_ type: F.Type, body: [UInt8], timeout: Duration?) async throws -> F.Result {
        let raw: [UInt8] = try await invokeRaw(body, contentRelated: !Self.isServiceFunction(F.constructorID), timeout: timeout)
        var reader: TLReader = TLReader(raw)
        do {
            return try F.decodeResult(from: &reader)
        } catch {
            throw MTProtoClientError.decoding("\(F.tlName): \(error)")
        }
    }

    /// MTProto service calls are not content-related (they take even seq_nos).
    static func isServiceFunction(_ id: UInt32) -> Bool {
        switch id {
        case 0x7abe_77ec, 0xf342_7b8c, 0xb921_bd04, 0xe751_2126, 0xd143_5160, 0x58e4_a740: return true
        default: return false
        }
    }

    /// Sends an already serialized function and returns the raw result.
    public nonisolated func invokeRaw(_ body: [UInt8], contentRelated: Bool = true, timeout: Duration? = nil) async throws -> [UInt8] {
        let id: UInt64 = allocateCallID()
        let timeout: Duration = timeout ?? defaultTimeout
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                let submission: Submission = Submission(
                    id: id, body: body, contentRelated: contentRelated, timeout: timeout, continuation: continuation)
                let schedule: Bool = shared.withLock { (state: inout Shared) -> Bool in
                    state.submissions.append(submission)
                    if state.drainScheduled { return false }
                    state.drainScheduled = true
                    return true
                }
                if schedule { eventLoop.execute { self.assumeIsolated { $0.drainSubmissions() } } }
            }
        } onCancel: {
            eventLoop.execute { self.assumeIsolated { $0.abandon(id, with: CancellationError()) } }
        }
    }
}

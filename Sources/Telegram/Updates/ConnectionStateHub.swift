import MTProto
import Synchronization

/// Fans the connection's states out to every ``TelegramClient/connectionStates`` stream; each
/// starts with the current state.
final class ConnectionStateHub: Sendable {
    private struct State {
        var current: ConnectionState = .connecting
        var streams: [Int: AsyncStream<ConnectionState>.Continuation] = [:]
        var nextID: Int = 0
    }

    private let state: Mutex<State> = Mutex(State())

    /// Reads `source` until it ends (the client closed).
    func follow(_ source: AsyncStream<ConnectionState>) {
        Task { [weak self] in
            for await next in source { self?.publish(next) }
            self?.publish(.closed)
        }
    }

    func publish(_ next: ConnectionState) {
        let streams: [AsyncStream<ConnectionState>.Continuation] = state.withLock { (s: inout State) in
            guard s.current != next, s.current != .closed else { return [] }
            s.current = next
            return Array(s.streams.values)
        }
        for stream in streams {
            stream.yield(next)
            if next == .closed { stream.finish() }
        }
    }

    var current: ConnectionState { state.withLock { $0.current } }

    /// A new stream: the current state, then every change, until closed.
    func stream() -> AsyncStream<ConnectionState> {
        let (stream, continuation): (AsyncStream<ConnectionState>, AsyncStream<ConnectionState>.Continuation) =
            AsyncStream<ConnectionState>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let (id, current): (Int, ConnectionState) = state.withLock { (s: inout State) in
            s.nextID += 1
            s.streams[s.nextID] = continuation
            return (s.nextID, s.current)
        }
        continuation.yield(current)
        if current == .closed { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }
}

extension TelegramClient {
    /// The connection's states, starting with the current one: `connecting`, `ready`,
    /// `reconnecting` (lost, or waiting for the network; calls wait), `closed` (after
    /// ``stop()``, where the stream ends). Each access is a stream of its own.
    public nonisolated var connectionStates: AsyncStream<ConnectionState> { connectionHub.stream() }
}

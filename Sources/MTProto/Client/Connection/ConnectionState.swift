/// Where an ``MTProtoClient``'s connection stands.
public enum ConnectionState: Equatable, Sendable {
    /// The first connection is being made (TCP, key exchange, `initConnection`).
    case connecting
    /// Connected and initialised: calls are sent at once.
    case ready
    /// The connection was lost (or could not be made) and is being made again with backoff,
    /// waiting for the network if need be; calls wait meanwhile.
    case reconnecting
    /// ``MTProtoClient/close()`` was called; nothing more happens.
    case closed
}

/// Why a connection through a proxy failed before (or instead of) reaching the DC.
public enum ProxyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No TCP connection to the proxy (refused, unreachable, timed out); the reason as text.
    case unreachable(String)
    /// The SOCKS5 handshake failed.
    case socks5(SOCKS5Error)
    /// The FakeTLS handshake or record layer failed.
    case fakeTLS(FakeTLSError)
    /// The proxy did not finish its handshake within the configured time.
    case handshakeTimeout
    /// The proxy closed the connection during its handshake.
    case closedDuringHandshake
    /// An MTProxy closed the connection before sending a byte: a wrong secret (real MTProxies close
    /// silently), or it could not reach the DC.
    case closedByMTProxy
    /// An MTProxy sent nothing within the configured time after the connection opened.
    case noAnswerFromMTProxy

    public var description: String {
        switch self {
        case .unreachable(let why): return "cannot connect to the proxy: \(why)"
        case .socks5(let error): return "\(error)"
        case .fakeTLS(let error): return "\(error)"
        case .handshakeTimeout: return "the proxy did not complete its handshake in time"
        case .closedDuringHandshake: return "the proxy closed the connection during its handshake (an MTProxy does so for a wrong secret)"
        case .closedByMTProxy: return "the MTProxy closed the connection without answering (wrong secret, or it cannot reach the DC)"
        case .noAnswerFromMTProxy: return "the MTProxy did not answer in time (wrong secret?)"
        }
    }
}

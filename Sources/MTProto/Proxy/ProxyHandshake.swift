/// The bytes exchanged with a proxy before the MTProto transport starts, as one sans-IO state
/// machine: a SOCKS5 negotiation, a FakeTLS handshake, or nothing (a plain or `dd` MTProxy only
/// needs the obfuscation header, which the transport sends).
public struct ProxyHandshake: Sendable {
    private enum Machine: Sendable {
        case socks5(SOCKS5ClientHandshake)
        case fakeTLS(FakeTLSClientHandshake)
    }

    private var machine: Machine

    /// A SOCKS5 negotiation asking for `target`.
    public init(socks5 proxy: SOCKS5Proxy, target: SOCKS5Target) {
        machine = .socks5(SOCKS5ClientHandshake(target: target, credentials: proxy.credentials))
    }

    /// A FakeTLS handshake with `key` and `domain` at `unixTime`.
    public init(fakeTLSKey key: [UInt8], domain: String, unixTime: Int32, entropy: any EntropySource) {
        machine = .fakeTLS(FakeTLSClientHandshake(key: key, domain: domain, unixTime: unixTime, entropy: entropy))
    }

    /// Whether the stream after the handshake runs inside TLS application-data records.
    public var wrapsInRecords: Bool {
        if case .fakeTLS = machine { return true }
        return false
    }

    /// The first bytes to send.
    public mutating func start() throws(ProxyError) -> [UInt8] {
        switch machine {
        case .socks5(var socks):
            do {
                let greeting: [UInt8] = try socks.start()
                machine = .socks5(socks)
                return greeting
            } catch {
                throw .socks5(error)
            }
        case .fakeTLS(let tls):
            return tls.clientHello
        }
    }

    /// Feeds the proxy's bytes.
    public mutating func feed(_ bytes: [UInt8]) throws(ProxyError) -> ProxyStep {
        switch machine {
        case .socks5(var socks):
            defer { machine = .socks5(socks) }
            do {
                return try socks.feed(bytes)
            } catch {
                throw .socks5(error)
            }
        case .fakeTLS(var tls):
            defer { machine = .fakeTLS(tls) }
            do {
                return try tls.feed(bytes)
            } catch {
                throw .fakeTLS(error)
            }
        }
    }
}

/// What the caller of a proxy handshake does after feeding it bytes.
public enum ProxyStep: Sendable, Equatable {
    /// Wait for more bytes from the proxy.
    case needMoreBytes
    /// Send these bytes to the proxy, then wait for its answer.
    case send([UInt8])
    /// The tunnel is open; `leftover` are the bytes after the proxy's last answer (they belong to the stream).
    case established(leftover: [UInt8])
}

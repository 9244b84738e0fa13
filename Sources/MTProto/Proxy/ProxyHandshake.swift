/// The bytes exchanged with a proxy before the MTProto transport starts, as one sans-IO state
/// machine: a SOCKS5 negotiation, a FakeTLS handshake, or nothing (a plain or `dd` MTProxy only
/// needs the obfuscation header, which the transport sends).
public struct ProxyHandshake: Sendable {
    /// What the caller does after feeding bytes.
    public enum Step: Sendable, Equatable {
        /// Wait for more bytes.
        case needMoreBytes
        /// Send these bytes, then wait.
        case send([UInt8])
        /// The proxy is ready; `leftover` bytes belong to the stream after it.
        case established(leftover: [UInt8])
    }

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
    public mutating func feed(_ bytes: [UInt8]) throws(ProxyError) -> Step {
        switch machine {
        case .socks5(var socks):
            let step: SOCKS5ClientHandshake.Step
            do {
                step = try socks.feed(bytes)
            } catch {
                throw .socks5(error)
            }
            machine = .socks5(socks)
            switch step {
            case .needMoreBytes: return .needMoreBytes
            case .send(let reply): return .send(reply)
            case .established(let leftover): return .established(leftover: leftover)
            }
        case .fakeTLS(var tls):
            let step: FakeTLSClientHandshake.Step
            do {
                step = try tls.feed(bytes)
            } catch {
                throw .fakeTLS(error)
            }
            machine = .fakeTLS(tls)
            switch step {
            case .needMoreBytes: return .needMoreBytes
            case .established(let leftover): return .established(leftover: leftover)
            }
        }
    }
}

extension ClientConfiguration {
    /// Where a connection to `dc` dials: the proxy when there is one, else the DC itself.
    func dialTarget(for dc: DataCentre) -> (host: String, port: Int) {
        proxy.map { ($0.host, $0.port) } ?? (dc.host, dc.port)
    }

    /// The framing and obfuscation of a connection to `dc`. Through an MTProxy: obfuscated with its
    /// secret and the DC id in the header, padded intermediate for `dd`/`ee` secrets (and instead of
    /// full, which cannot be obfuscated).
    func transportSettings(for dc: DataCentre) -> (kind: TransportKind, obfuscation: Obfuscation?) {
        guard case .mtproxy(let server) = proxy else { return (transport, obfuscation) }
        let kind: TransportKind = server.secret.requiredTransport ?? (transport == .full ? .paddedIntermediate : transport)
        return (kind, Obfuscation(proxySecret: server.secret.key, dcID: mtproxyDCID(for: dc)))
    }

    /// The DC id an MTProxy is told: +10000 on the test servers, negative for a media-only address.
    func mtproxyDCID(for dc: DataCentre) -> Int16 {
        let id: Int = dc.id + (isTestServer ? 10000 : 0)
        return Int16(clamping: dc.kind.contains(.mediaOnly) ? -id : id)
    }

    /// The handshake to run with the proxy before the transport starts (nil: none needed).
    func proxyHandshake(for dc: DataCentre, unixTime: Int32, entropy: any EntropySource) -> ProxyHandshake? {
        switch proxy {
        case .socks5(let socks)?:
            return ProxyHandshake(socks5: socks, target: SOCKS5Target(host: dc.host, port: dc.port))
        case .mtproxy(let server)?:
            guard case .fakeTLS(let domain) = server.secret.kind else { return nil }
            return ProxyHandshake(fakeTLSKey: server.secret.key, domain: domain, unixTime: unixTime, entropy: entropy)
        case nil:
            return nil
        }
    }
}

import ArgumentParser
import MTProto
import TestDC

/// The proxies `testdc` runs in front of its DCs, from its options (checked before anything starts).
struct TestDCProxyOptions {
    private let socks5: (port: Int, proxy: TestSOCKS5Proxy)?
    private let mtproxy: (port: Int, secret: MTProxySecret, refuses: Bool)?

    /// Checks the options; a bad secret, half-given credentials or a bad reply code are validation errors.
    init(socks5Port: Int?, socks5User: String?, socks5Password: String?, socks5Refuse: UInt8?, mtproxyPort: Int?, mtproxySecret: String?,
         mtproxyRefuse: Bool) throws {
        if (socks5User == nil) != (socks5Password == nil) { throw ValidationError("--socks5-user and --socks5-password go together") }
        if let code = socks5Refuse, !(1 ... 8).contains(code) { throw ValidationError("--socks5-refuse must be a reply code from 1 to 8") }
        if let port = socks5Port {
            let credentials: SOCKS5Credentials? = socks5User.map { SOCKS5Credentials(username: $0, password: socks5Password ?? "") }
            socks5 = (port, TestSOCKS5Proxy(credentials: credentials, refusal: socks5Refuse.map { SOCKS5ReplyCode(rawValue: $0) }))
        } else {
            socks5 = nil
        }
        switch (mtproxyPort, mtproxySecret) {
        case (let port?, let text?):
            do {
                mtproxy = (port, try MTProxySecret(text: text), mtproxyRefuse)
            } catch {
                throw ValidationError("--mtproxy-secret: \(error)")
            }
        case (nil, nil):
            mtproxy = nil
        default:
            throw ValidationError("--mtproxy-port and --mtproxy-secret go together")
        }
    }

    /// Starts the proxies requested, forwarding to `dataCentres`.
    func start(inFrontOf dataCentres: [DataCentre]) async throws -> RunningProxies {
        var running: RunningProxies = RunningProxies()
        if let socks5 {
            running.socks5 = (try await socks5.proxy.start(port: socks5.port), socks5.proxy)
        }
        if let mtproxy {
            let proxy: TestMTProxy = TestMTProxy(secret: mtproxy.secret, dataCentres: dataCentres, refusesConnections: mtproxy.refuses)
            running.mtproxy = (try await proxy.start(port: mtproxy.port), proxy)
        }
        return running
    }
}

/// The proxies `testdc` started, and their ports.
struct RunningProxies {
    var socks5: (port: Int, proxy: TestSOCKS5Proxy)?
    var mtproxy: (port: Int, proxy: TestMTProxy)?

    /// `, "socks5_port": P, "mtproxy_port": Q` for the ready line (empty when none run).
    var json: String {
        (socks5.map { ", \"socks5_port\": \($0.port)" } ?? "") + (mtproxy.map { ", \"mtproxy_port\": \($0.port)" } ?? "")
    }

    func stop() async {
        await socks5?.proxy.stop()
        await mtproxy?.proxy.stop()
    }
}

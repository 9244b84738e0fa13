import Foundation
@testable import MTProto
import Testing

/// MTProxy secrets and proxy links: every form Telegram publishes, and typed errors for the rest.
@Suite struct ProxyLinkTests {
    static let key: [UInt8] = Array(0 ..< 16)
    static let keyHex: String = "000102030405060708090a0b0c0d0e0f"

    @Test func secretsInHexAndBase64url() throws {
        #expect(try MTProxySecret(text: Self.keyHex) == MTProxySecret(key: Self.key, kind: .plain))
        #expect(try MTProxySecret(text: "dd" + Self.keyHex).kind == .padded)
        let fake: MTProxySecret = try MTProxySecret(text: "ee" + Self.keyHex + hexOfText("example.com"))
        #expect(fake.kind == .fakeTLS(domain: "example.com"))
        #expect(fake.key == Self.key)
        #expect(fake.requiredTransport == .paddedIntermediate)
        // The same ee secret as base64url without padding, as links usually carry it.
        let base64url: String = Data(fake.bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(try MTProxySecret(text: base64url) == fake)
        #expect(try MTProxySecret(text: Data(fake.bytes).base64EncodedString()) == fake)
    }

    @Test func badSecretsAreTyped() {
        #expect(throws: MTProxySecretError.empty) { try MTProxySecret(text: " ") }
        #expect(throws: MTProxySecretError.notHexOrBase64) { try MTProxySecret(text: "not a secret!") }
        #expect(throws: MTProxySecretError.wrongLength(15)) { try MTProxySecret(bytes: Array(Self.key.prefix(15))) }
        #expect(throws: MTProxySecretError.wrongLength(18)) { try MTProxySecret(bytes: [0xdd] + Self.key + [0]) }
        #expect(throws: MTProxySecretError.unknownPrefix(0xab)) { try MTProxySecret(bytes: [0xab] + Self.key) }
        #expect(throws: MTProxySecretError.wrongLength(17)) { try MTProxySecret(bytes: [0xee] + Self.key) }
        #expect(throws: MTProxySecretError.badDomain) { try MTProxySecret(bytes: [0xee] + Self.key + [0x20, 0x0a]) }
        #expect(throws: MTProxySecretError.badDomain) { try MTProxySecret(bytes: [0xee] + Self.key + [UInt8](repeating: 0x61, count: 183)) }
    }

    @Test func links() throws {
        let tg: ProxySettings = try ProxySettings(link: "tg://proxy?server=proxy.example&port=443&secret=dd\(Self.keyHex)")
        #expect(tg == .mtproxy(MTProxyServer(host: "proxy.example", port: 443, secret: try MTProxySecret(key: Self.key, kind: .padded))))
        let web: ProxySettings = try ProxySettings(link: "https://t.me/proxy?server=1.2.3.4&port=8443&secret=\(Self.keyHex)")
        #expect(web == .mtproxy(MTProxyServer(host: "1.2.3.4", port: 8443, secret: try MTProxySecret(key: Self.key, kind: .plain))))
        let socks: ProxySettings = try ProxySettings(link: "socks5://ann:p%40ss@[::1]:1080")
        #expect(socks == .socks5(SOCKS5Proxy(host: "::1", port: 1080, credentials: SOCKS5Credentials(username: "ann", password: "p@ss"))))
        #expect(try ProxySettings(link: "socks5://127.0.0.1:9050") == .socks5(SOCKS5Proxy(host: "127.0.0.1", port: 9050)))
        let tgSocks: ProxySettings = try ProxySettings(link: "tg://socks?server=h&port=1080&user=u&pass=p")
        #expect(tgSocks == .socks5(SOCKS5Proxy(host: "h", port: 1080, credentials: SOCKS5Credentials(username: "u", password: "p"))))
        #expect(!"\(socks)".contains("p@ss"))
        #expect(!"\(tg)".contains(Self.keyHex))
    }

    @Test func badLinksAreTyped() {
        #expect(throws: ProxyLinkError.unsupportedScheme("http")) { try ProxySettings(link: "http://example.com:80") }
        #expect(throws: ProxyLinkError.missing("port")) { try ProxySettings(link: "socks5://host") }
        #expect(throws: ProxyLinkError.badPort(70000)) { try ProxySettings(link: "tg://proxy?server=h&port=70000&secret=\(Self.keyHex)") }
        #expect(throws: ProxyLinkError.missing("secret")) { try ProxySettings(link: "tg://proxy?server=h&port=1") }
        #expect(throws: ProxyLinkError.missing("server")) { try ProxySettings(link: "https://t.me/proxy?port=1&secret=\(Self.keyHex)") }
        #expect(throws: ProxyLinkError.secret(.wrongLength(3))) { try ProxySettings(link: "tg://proxy?server=h&port=1&secret=abcdef") }
        #expect(throws: ProxyLinkError.missing("username")) { try ProxySettings(link: "socks5://:pw@h:1") }
        #expect(throws: ProxyLinkError.notAURL) { try ProxySettings(link: "::: nonsense") }
    }

    /// MTProxy's DC id: +10000 on the test servers, negative for media-only addresses.
    @Test func mtproxyDataCentreIDs() throws {
        let secret: MTProxySecret = try MTProxySecret(key: Self.key, kind: .plain)
        var configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: DataCentre(id: 2, host: "h", port: 1), proxy: .mtproxy(MTProxyServer(host: "p", port: 2, secret: secret)), apiID: 1)
        #expect(configuration.mtproxyDCID(for: DataCentre(id: 2, host: "h", port: 1)) == 2)
        #expect(configuration.mtproxyDCID(for: DataCentre(id: 4, host: "h", port: 1, kind: .mediaOnly)) == -4)
        let dial: (host: String, port: Int) = configuration.dialTarget(for: configuration.dataCentre)
        #expect(dial.host == "p" && dial.port == 2)
        let settings: (kind: TransportKind, obfuscation: Obfuscation?) = configuration.transportSettings(for: configuration.dataCentre)
        #expect(settings.kind == .intermediate)
        #expect(settings.obfuscation == Obfuscation(proxySecret: Self.key, dcID: 2))
        configuration.isTestServer = true
        #expect(configuration.mtproxyDCID(for: DataCentre(id: 2, host: "h", port: 1)) == 10002)
        #expect(configuration.mtproxyDCID(for: DataCentre(id: 3, host: "h", port: 1, kind: .mediaOnly)) == -10003)
    }
}

/// `text` as hex (for building ee secrets).
func hexOfText(_ text: String) -> String { hexString(Array(text.utf8)) }

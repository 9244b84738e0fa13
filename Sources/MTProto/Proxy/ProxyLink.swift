import Foundation

extension ProxySettings {
    /// Parses a proxy written as a URL: `socks5://[user:pass@]host:port`, an MTProxy link
    /// (`tg://proxy?server=…&port=…&secret=…` or `https://t.me/proxy?…`), or a SOCKS5 link
    /// (`tg://socks?server=…&port=…[&user=…&pass=…]` or `https://t.me/socks?…`).
    public init(link text: String) throws(ProxyLinkError) {
        let trimmed: String = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .notAURL
        }
        switch scheme {
        case "socks5", "socks5h":
            guard let host = components.host, !host.isEmpty else { throw .missing("host") }
            guard let port = components.port else { throw .missing("port") }
            let credentials: SOCKS5Credentials? = try Self.credentials(user: components.user, password: components.password)
            self = .socks5(SOCKS5Proxy(host: Self.bare(host), port: try Self.check(port: port), credentials: credentials))
        case "tg", "https", "http":
            let kind: String = scheme == "tg" ? (components.host ?? "") : Self.telegramMePath(components)
            guard kind == "proxy" || kind == "socks" else { throw .unsupportedScheme(scheme) }
            let items: [String: String] = Dictionary(
                (components.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            guard let server = items["server"], !server.isEmpty else { throw .missing("server") }
            guard let portText = items["port"], let port = Int(portText) else { throw .missing("port") }
            switch kind {
            case "proxy":
                guard let secretText = items["secret"] else { throw .missing("secret") }
                let secret: MTProxySecret
                do {
                    secret = try MTProxySecret(text: secretText)
                } catch {
                    throw .secret(error)
                }
                self = .mtproxy(MTProxyServer(host: Self.bare(server), port: try Self.check(port: port), secret: secret))
            default:
                let credentials: SOCKS5Credentials? = try Self.credentials(user: items["user"], password: items["pass"])
                self = .socks5(SOCKS5Proxy(host: Self.bare(server), port: try Self.check(port: port), credentials: credentials))
            }
        default:
            throw .unsupportedScheme(scheme)
        }
    }

    private static func telegramMePath(_ components: URLComponents) -> String {
        let host: String = components.host?.lowercased() ?? ""
        guard host == "t.me" || host == "telegram.me" else { return "" }
        return components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased()
    }

    private static func credentials(user: String?, password: String?) throws(ProxyLinkError) -> SOCKS5Credentials? {
        guard let user, !user.isEmpty else {
            if let password, !password.isEmpty { throw .missing("username") }
            return nil
        }
        return SOCKS5Credentials(username: user, password: password ?? "")
    }

    private static func check(port: Int) throws(ProxyLinkError) -> Int {
        guard (1 ... 65535).contains(port) else { throw .badPort(port) }
        return port
    }

    /// An IPv6 literal without its brackets.
    private static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}

/// Why a text is not a proxy link. Never quotes the link (it may hold a password or secret).
public enum ProxyLinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text does not parse as a URL.
    case notAURL
    /// A scheme other than `socks5`, `tg` (`proxy`/`socks`) or `https://t.me/proxy|socks`.
    case unsupportedScheme(String)
    /// A part the link needs is absent (`host`, `port`, `server`, `secret`, `username`).
    case missing(String)
    /// A port outside 1–65535.
    case badPort(Int)
    /// The MTProxy secret is malformed.
    case secret(MTProxySecretError)

    public var description: String {
        switch self {
        case .notAURL: return "the proxy is not a URL"
        case .unsupportedScheme(let scheme): return "unsupported proxy scheme \(scheme) (socks5://, tg://proxy, tg://socks, https://t.me/proxy)"
        case .missing(let part): return "the proxy link has no \(part)"
        case .badPort(let port): return "proxy port \(port) is outside 1–65535"
        case .secret(let error): return "\(error)"
        }
    }
}

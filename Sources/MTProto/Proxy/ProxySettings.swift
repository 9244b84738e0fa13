/// The proxy every connection of a client goes through (main, auxiliary and migrated ones alike).
public enum ProxySettings: Sendable, Equatable, CustomStringConvertible {
    /// A SOCKS5 proxy (RFC 1928), asked to connect to the DC's address.
    case socks5(SOCKS5Proxy)
    /// An MTProxy: the DC is named by its id inside the obfuscation header.
    case mtproxy(MTProxyServer)

    /// The proxy's host.
    public var host: String {
        switch self {
        case .socks5(let proxy): return proxy.host
        case .mtproxy(let proxy): return proxy.host
        }
    }

    /// The proxy's TCP port.
    public var port: Int {
        switch self {
        case .socks5(let proxy): return proxy.port
        case .mtproxy(let proxy): return proxy.port
        }
    }

    /// The proxy without its password or secret key.
    public var description: String {
        switch self {
        case .socks5(let proxy): return proxy.description
        case .mtproxy(let proxy): return proxy.description
        }
    }
}

/// A SOCKS5 proxy and the credentials to offer it.
public struct SOCKS5Proxy: Sendable, Equatable, CustomStringConvertible {
    /// The proxy's host name or address.
    public var host: String
    /// The proxy's TCP port.
    public var port: Int
    /// Username and password (RFC 1929); nil offers "no authentication" only.
    public var credentials: SOCKS5Credentials?

    /// A SOCKS5 proxy at `host:port`.
    public init(host: String, port: Int, credentials: SOCKS5Credentials? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// `socks5://user@host:port`, without the password.
    public var description: String {
        "socks5://\(credentials.map { "\($0.username)@" } ?? "")\(host):\(port)"
    }
}

/// Username/password authentication for SOCKS5 (RFC 1929): each 1–255 bytes of UTF-8.
public struct SOCKS5Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The username.
    public var username: String
    /// The password (a secret: never in descriptions).
    public var password: String

    /// Credentials; their lengths are checked when the handshake starts.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The username only.
    public var description: String { "SOCKS5 credentials for \(username)" }
}

/// An MTProxy server and its secret.
public struct MTProxyServer: Sendable, Equatable, CustomStringConvertible {
    /// The proxy's host name or address.
    public var host: String
    /// The proxy's TCP port.
    public var port: Int
    /// The proxy's secret.
    public var secret: MTProxySecret

    /// An MTProxy at `host:port`.
    public init(host: String, port: Int, secret: MTProxySecret) {
        self.host = host
        self.port = port
        self.secret = secret
    }

    /// Host, port and the kind of secret, without its key.
    public var description: String { "MTProxy \(host):\(port), \(secret)" }
}

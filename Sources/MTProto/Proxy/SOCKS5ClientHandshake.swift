/// The client side of a SOCKS5 `CONNECT` (RFC 1928) with "no authentication" or username/password
/// (RFC 1929). Sans-IO: ``start()`` gives the greeting, ``feed(_:)`` takes the proxy's bytes and
/// says what to send next, until the tunnel is open.
public struct SOCKS5ClientHandshake: Sendable {
    private enum State: Sendable {
        case initial, awaitingMethod, awaitingAuthentication, awaitingReply, established, failed
    }

    private let target: SOCKS5Target
    private let credentials: SOCKS5Credentials?
    private var state: State = .initial
    private var buffer: [UInt8] = []

    /// A handshake asking the proxy to connect to `target`, offering `credentials` when given.
    public init(target: SOCKS5Target, credentials: SOCKS5Credentials?) {
        self.target = target
        self.credentials = credentials
    }

    /// The greeting: version 5 and the methods offered (username/password only with credentials).
    public mutating func start() throws(SOCKS5Error) -> [UInt8] {
        guard state == .initial else { throw .misuse }
        // Check every length before the first byte is sent.
        _ = try target.encoded()
        if let credentials { _ = try Self.authentication(credentials) }
        state = .awaitingMethod
        return credentials == nil ? [0x05, 0x01, 0x00] : [0x05, 0x02, 0x00, 0x02]
    }

    /// Feeds bytes from the proxy.
    public mutating func feed(_ bytes: [UInt8]) throws(SOCKS5Error) -> ProxyStep {
        buffer += bytes
        do {
            return try advance()
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func advance() throws(SOCKS5Error) -> ProxyStep {
        switch state {
        case .initial, .established, .failed:
            throw .misuse
        case .awaitingMethod:
            guard buffer.count >= 2 else { return .needMoreBytes }
            guard buffer[0] == 0x05 else { throw .unsupportedVersion(buffer[0]) }
            let method: UInt8 = buffer[1]
            try expectNothingAfter(2)
            switch method {
            case 0x00:
                state = .awaitingReply
                return .send(try connectRequest())
            case 0x02 where credentials != nil:
                state = .awaitingAuthentication
                return .send(try Self.authentication(credentials!))
            case 0xff:
                throw credentials == nil ? .authenticationRequired : .noAcceptableMethod
            default:
                throw .unexpectedMethod(method)
            }
        case .awaitingAuthentication:
            guard buffer.count >= 2 else { return .needMoreBytes }
            guard buffer[0] == 0x01 else { throw .malformedReply("authentication reply version \(buffer[0])") }
            let status: UInt8 = buffer[1]
            try expectNothingAfter(2)
            guard status == 0x00 else { throw .authenticationFailed(status: status) }
            state = .awaitingReply
            return .send(try connectRequest())
        case .awaitingReply:
            // VER REP RSV ATYP BND.ADDR BND.PORT. A failure is reported as soon as its code is in
            // (some proxies close right after it, without a bound address).
            guard buffer.count >= 2 else { return .needMoreBytes }
            guard buffer[0] == 0x05 else { throw .unsupportedVersion(buffer[0]) }
            let reply: SOCKS5ReplyCode = SOCKS5ReplyCode(rawValue: buffer[1])
            guard reply == .succeeded else { throw .requestFailed(reply) }
            guard buffer.count >= 5 else { return .needMoreBytes }
            guard buffer[2] == 0x00 else { throw .malformedReply("reserved byte \(buffer[2])") }
            let addressLength: Int
            switch buffer[3] {
            case 0x01: addressLength = 4
            case 0x03: addressLength = 1 + Int(buffer[4])
            case 0x04: addressLength = 16
            default: throw .malformedReply("address type \(buffer[3])")
            }
            let total: Int = 4 + addressLength + 2
            guard buffer.count >= total else { return .needMoreBytes }
            state = .established
            let leftover: [UInt8] = Array(buffer[total...])
            buffer = []
            return .established(leftover: leftover)
        }
    }

    /// Before the tunnel opens the proxy speaks only when spoken to: extra bytes break the protocol.
    private mutating func expectNothingAfter(_ count: Int) throws(SOCKS5Error) {
        guard buffer.count == count else { throw .malformedReply("\(buffer.count - count) unexpected bytes") }
        buffer = []
    }

    private func connectRequest() throws(SOCKS5Error) -> [UInt8] {
        [0x05, 0x01, 0x00] + (try target.encoded())
    }

    private static func authentication(_ credentials: SOCKS5Credentials) throws(SOCKS5Error) -> [UInt8] {
        let user: [UInt8] = Array(credentials.username.utf8)
        let password: [UInt8] = Array(credentials.password.utf8)
        guard (1 ... 255).contains(user.count), (1 ... 255).contains(password.count) else { throw .credentialsTooLong }
        return [0x01, UInt8(user.count)] + user + [UInt8(password.count)] + password
    }
}

/// Where a SOCKS5 proxy is asked to connect.
public struct SOCKS5Target: Sendable, Equatable {
    /// An IPv4 or IPv6 literal, or a host name the proxy resolves.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// A target at `host:port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// ATYP, DST.ADDR and DST.PORT of a request.
    func encoded() throws(SOCKS5Error) -> [UInt8] {
        guard (0 ... 65535).contains(port) else { throw .badTargetPort(port) }
        let portBytes: [UInt8] = [UInt8(port >> 8), UInt8(port & 0xff)]
        if let v4 = IPAddressLiteral.ipv4(host) { return [0x01] + v4 + portBytes }
        if let v6 = IPAddressLiteral.ipv6(host) { return [0x04] + v6 + portBytes }
        let name: [UInt8] = Array(host.utf8)
        guard (1 ... 255).contains(name.count) else { throw .hostNameTooLong }
        return [0x03, UInt8(name.count)] + name + portBytes
    }
}

/// The REP field of a SOCKS5 reply (RFC 1928 §6).
public enum SOCKS5ReplyCode: Sendable, Equatable, CustomStringConvertible {
    /// 0x00.
    case succeeded
    /// 0x01: general SOCKS server failure.
    case generalFailure
    /// 0x02: connection not allowed by ruleset.
    case notAllowed
    /// 0x03: network unreachable.
    case networkUnreachable
    /// 0x04: host unreachable.
    case hostUnreachable
    /// 0x05: connection refused.
    case connectionRefused
    /// 0x06: TTL expired.
    case ttlExpired
    /// 0x07: command not supported.
    case commandNotSupported
    /// 0x08: address type not supported.
    case addressTypeNotSupported
    /// Any other value (unassigned).
    case unassigned(UInt8)

    /// The code of a reply byte.
    public init(rawValue: UInt8) {
        let known: [SOCKS5ReplyCode] = [
            .succeeded, .generalFailure, .notAllowed, .networkUnreachable, .hostUnreachable, .connectionRefused, .ttlExpired,
            .commandNotSupported, .addressTypeNotSupported,
        ]
        self = Int(rawValue) < known.count ? known[Int(rawValue)] : .unassigned(rawValue)
    }

    /// The byte on the wire.
    public var rawValue: UInt8 {
        switch self {
        case .succeeded: return 0
        case .generalFailure: return 1
        case .notAllowed: return 2
        case .networkUnreachable: return 3
        case .hostUnreachable: return 4
        case .connectionRefused: return 5
        case .ttlExpired: return 6
        case .commandNotSupported: return 7
        case .addressTypeNotSupported: return 8
        case .unassigned(let value): return value
        }
    }

    public var description: String {
        switch self {
        case .succeeded: return "succeeded"
        case .generalFailure: return "general SOCKS server failure"
        case .notAllowed: return "connection not allowed by ruleset"
        case .networkUnreachable: return "network unreachable"
        case .hostUnreachable: return "host unreachable"
        case .connectionRefused: return "connection refused"
        case .ttlExpired: return "TTL expired"
        case .commandNotSupported: return "command not supported"
        case .addressTypeNotSupported: return "address type not supported"
        case .unassigned(let value): return "unassigned reply code \(value)"
        }
    }
}

/// Why a SOCKS5 handshake failed.
public enum SOCKS5Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The proxy answered with a version other than 5.
    case unsupportedVersion(UInt8)
    /// The proxy wants authentication and no credentials are configured.
    case authenticationRequired
    /// The proxy accepts none of the methods offered (0xff) although credentials were offered.
    case noAcceptableMethod
    /// The proxy chose a method that was not offered.
    case unexpectedMethod(UInt8)
    /// The proxy rejected the username/password (RFC 1929 status).
    case authenticationFailed(status: UInt8)
    /// The proxy could not or would not connect to the target.
    case requestFailed(SOCKS5ReplyCode)
    /// The proxy's bytes do not follow RFC 1928/1929.
    case malformedReply(String)
    /// The username or password is empty or longer than 255 bytes.
    case credentialsTooLong
    /// The target host name is empty or longer than 255 bytes.
    case hostNameTooLong
    /// The target port is outside 0–65535.
    case badTargetPort(Int)
    /// The handshake was fed after it ended (a bug of the caller).
    case misuse

    public var description: String {
        switch self {
        case .unsupportedVersion(let version): return "the proxy is not SOCKS5 (version \(version))"
        case .authenticationRequired: return "the SOCKS5 proxy requires a username and password"
        case .noAcceptableMethod: return "the SOCKS5 proxy accepts none of the offered authentication methods"
        case .unexpectedMethod(let method): return "the SOCKS5 proxy chose method \(method), which was not offered"
        case .authenticationFailed(let status): return "the SOCKS5 proxy rejected the username or password (status \(status))"
        case .requestFailed(let code): return "the SOCKS5 proxy could not connect: \(code)"
        case .malformedReply(let why): return "malformed SOCKS5 reply: \(why)"
        case .credentialsTooLong: return "the SOCKS5 username and password must be 1–255 bytes each"
        case .hostNameTooLong: return "the SOCKS5 target host name must be 1–255 bytes"
        case .badTargetPort(let port): return "SOCKS5 target port \(port) is outside 0–65535"
        case .misuse: return "the SOCKS5 handshake was used after it ended"
        }
    }
}

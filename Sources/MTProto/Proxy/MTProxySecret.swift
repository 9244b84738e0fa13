import Foundation
import TLSchema

/// An MTProxy secret: the 16-byte key mixed into the obfuscation keys, and what its prefix asks for.
///
/// Published as hex or base64/base64url (transport notes §7): 16 bytes (plain), `dd` + 16 bytes
/// (padded intermediate), or `ee` + 16 bytes + a domain (FakeTLS). Its ``description`` never shows the key.
public struct MTProxySecret: Sendable, Equatable, CustomStringConvertible {
    /// What the secret's prefix byte asks of the client.
    public enum Kind: Sendable, Equatable {
        /// No prefix: obfuscation over any framing but full.
        case plain
        /// `dd`: obfuscated padded intermediate.
        case padded
        /// `ee`: obfuscated padded intermediate inside fake TLS records, with `domain` as the SNI.
        case fakeTLS(domain: String)
    }

    /// The 16 bytes mixed into the obfuscation keys (and the FakeTLS HMAC key).
    public let key: [UInt8]
    /// The secret's kind.
    public let kind: Kind

    /// The longest FakeTLS domain accepted (tdlib's cap).
    public static let maximumDomainLength: Int = 182

    /// A secret from its parts; the key must be 16 bytes and a FakeTLS domain 1–182 printable ASCII bytes.
    public init(key: [UInt8], kind: Kind) throws(MTProxySecretError) {
        guard key.count == 16 else { throw .wrongLength(key.count) }
        if case .fakeTLS(let domain) = kind { try Self.check(domain: Array(domain.utf8)) }
        self.key = key
        self.kind = kind
    }

    /// Parses the raw bytes of a secret.
    public init(bytes: [UInt8]) throws(MTProxySecretError) {
        switch bytes.first {
        case _ where bytes.count == 16:
            try self.init(key: bytes, kind: .plain)
        case 0xdd where bytes.count == 17:
            try self.init(key: Array(bytes[1 ..< 17]), kind: .padded)
        case 0xee where bytes.count > 17:
            let domain: [UInt8] = Array(bytes[17...])
            try Self.check(domain: domain)
            try self.init(key: Array(bytes[1 ..< 17]), kind: .fakeTLS(domain: String(decoding: domain, as: UTF8.self)))
        case 0xdd, 0xee:
            throw .wrongLength(bytes.count)
        case let prefix? where bytes.count > 16:
            throw .unknownPrefix(prefix)
        default:
            throw .wrongLength(bytes.count)
        }
    }

    /// Parses a secret written as hex or as base64/base64url (with or without padding).
    public init(text: String) throws(MTProxySecretError) {
        let trimmed: String = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        if let hex = Self.hexBytes(trimmed) {
            try self.init(bytes: hex)
        } else if let base64 = Self.base64Bytes(trimmed) {
            try self.init(bytes: base64)
        } else {
            throw .notHexOrBase64
        }
    }

    /// The secret as the raw bytes it was published as (prefix, key, domain).
    public var bytes: [UInt8] {
        switch kind {
        case .plain: return key
        case .padded: return [0xdd] + key
        case .fakeTLS(let domain): return [0xee] + key + Array(domain.utf8)
        }
    }

    /// The framing the secret implies: padded intermediate for `dd` and `ee`, nil (the configured one) for plain.
    public var requiredTransport: TransportKind? {
        kind == .plain ? nil : .paddedIntermediate
    }

    /// The kind only; the key is a secret.
    public var description: String {
        switch kind {
        case .plain: return "MTProxy secret (plain)"
        case .padded: return "MTProxy secret (dd)"
        case .fakeTLS(let domain): return "MTProxy secret (FakeTLS, \(domain))"
        }
    }

    private static func check(domain: [UInt8]) throws(MTProxySecretError) {
        guard !domain.isEmpty, domain.count <= maximumDomainLength else { throw .badDomain }
        guard domain.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { throw .badDomain }
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count % 2 == 0, text.utf8.allSatisfy({ $0 < 0x80 && isxdigit(Int32($0)) != 0 }) else { return nil }
        return TLHex.decode(text)
    }

    private static func base64Bytes(_ text: String) -> [UInt8]? {
        var standard: String = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        standard = String(standard.prefix { $0 != "=" })
        guard standard.utf8.count % 4 != 1 else { return nil }
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}

/// Why a text is not an MTProxy secret.
public enum MTProxySecretError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// Neither hex nor base64/base64url.
    case notHexOrBase64
    /// The decoded secret has a length no kind allows.
    case wrongLength(Int)
    /// More than 16 bytes with a first byte other than `dd` or `ee`.
    case unknownPrefix(UInt8)
    /// A FakeTLS domain that is empty, longer than 182 bytes or not printable ASCII.
    case badDomain

    public var description: String {
        switch self {
        case .empty: return "the MTProxy secret is empty"
        case .notHexOrBase64: return "the MTProxy secret is neither hex nor base64"
        case .wrongLength(let n): return "an MTProxy secret of \(n) bytes (16, dd + 16, or ee + 16 + domain expected)"
        case .unknownPrefix(let byte): return "an MTProxy secret with unknown prefix 0x\(String(byte, radix: 16))"
        case .badDomain: return "the FakeTLS domain of the MTProxy secret is empty, too long or not ASCII"
        }
    }
}

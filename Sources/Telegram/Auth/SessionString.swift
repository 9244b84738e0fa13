import Foundation
import MTProto

/// A whole session in one line: the home DC, its address and the permanent auth key, so another
/// machine (or a fresh store) is logged in without a login. **It is a full credential**: whoever
/// has it is logged in as the account until the session is ended (Settings → Devices, or
/// ``TelegramClient/logOut()``). Keep it like a password; its description never shows it.
///
/// The format (version 1): base64url without padding of `version (1 byte) | dc id (2 bytes, big
/// endian) | port (2 bytes, big endian) | host length (1 byte) | host (UTF-8) | auth key (256 bytes)`.
/// Parsing is strict: anything else is a ``SessionStringError``.
public struct SessionString: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The format this client writes and reads.
    public static let version: UInt8 = 1
    /// The longest text read (a 255-byte host and the key need fewer than 700 characters).
    public static let maximumLength: Int = 1024

    /// The home DC and its address.
    public let dataCentre: DataCentre
    /// Secret: the permanent auth key of the home DC.
    public let authKey: AuthKey

    /// A session of `authKey` on `dataCentre`; its host must be 1–255 bytes of UTF-8 and its id and
    /// port 1–65535 (else ``SessionStringError/invalidAddress``).
    public init(dataCentre: DataCentre, authKey: AuthKey) throws(SessionStringError) {
        guard (1 ... 255).contains(dataCentre.host.utf8.count), (1 ... 0xffff).contains(dataCentre.id), (1 ... 0xffff).contains(dataCentre.port) else {
            throw SessionStringError.invalidAddress
        }
        self.dataCentre = DataCentre(id: dataCentre.id, host: dataCentre.host, port: dataCentre.port)
        self.authKey = authKey
    }

    /// The session `text` encodes (surrounding whitespace ignored).
    public init(_ text: String) throws(SessionStringError) {
        // The length is checked before anything is copied (a huge paste costs nothing).
        guard text.utf8.count <= Self.maximumLength else { throw SessionStringError.tooLong }
        let trimmed: String = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SessionStringError.truncated }
        guard let bytes = Base64URL.decode(trimmed) else { throw SessionStringError.notBase64URL }
        var reader: ByteReader = ByteReader(bytes)
        let version: UInt8 = try reader.byte()
        guard version == Self.version else { throw SessionStringError.unsupportedVersion(version) }
        let dc: Int = try reader.uint16()
        let port: Int = try reader.uint16()
        let hostLength: Int = Int(try reader.byte())
        let hostBytes: [UInt8] = try reader.bytes(hostLength)
        guard let host = String(validating: hostBytes, as: UTF8.self) else { throw SessionStringError.invalidAddress }
        let keyBytes: [UInt8] = try reader.bytes(256)
        guard let key = AuthKey(bytes: keyBytes) else { throw SessionStringError.truncated }
        guard reader.isAtEnd else { throw SessionStringError.trailingBytes }
        try self.init(dataCentre: DataCentre(id: dc, host: host, port: port), authKey: key)
    }

    /// The base64url text. Secret: print it only where the person asked for it.
    public var encoded: String {
        let host: [UInt8] = Array(dataCentre.host.utf8)
        var bytes: [UInt8] = [Self.version, UInt8(dataCentre.id >> 8), UInt8(dataCentre.id & 0xff), UInt8(dataCentre.port >> 8),
                              UInt8(dataCentre.port & 0xff), UInt8(host.count)]
        bytes += host
        bytes += authKey.bytes
        return Base64URL.encode(bytes)
    }

    /// Stores the session in `storage`: the key as the DC's permanent key, the DC as the home DC,
    /// its address among the known ones. A client opened on `storage` then starts logged in.
    public func install(in storage: any SessionStorage) throws {
        try storage.saveAuthKey(HandshakeResult(authKey: authKey, serverSalt: 0, timeOffset: 0), dc: dataCentre.id)
        var known: [DataCentre] = try storage.dataCentres().filter { $0.id != dataCentre.id }
        known.append(dataCentre)
        try storage.saveDataCentres(known.sorted { $0.id < $1.id })
        try storage.setHomeDataCentre(dataCentre.id)
    }

    /// The DC and the key's id; never the key or the text.
    public var description: String { "SessionString(dc: \(dataCentre.id), \(dataCentre.host):\(dataCentre.port), key: [redacted])" }
    /// The same as ``description``.
    public var debugDescription: String { description }
    /// The DC for `dump` and `Mirror`; the key as `[redacted]`.
    public var customMirror: Mirror {
        SecretFreeFields(Self.self, [("dataCentre", dataCentre), ("authKey", SecretFreeFields.Redacted())]).mirror(of: self)
    }
}

/// Why a session string was refused. Never contains the string.
public enum SessionStringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Longer than ``SessionString/maximumLength``.
    case tooLong
    /// Not base64url.
    case notBase64URL
    /// It ends before the key does.
    case truncated
    /// Written by a format this client does not read.
    case unsupportedVersion(UInt8)
    /// The DC id, port or host is not valid.
    case invalidAddress
    /// Bytes follow the key.
    case trailingBytes
    /// The client has no permanent key for its home DC yet (nothing to export: connect first).
    case noAuthKey

    /// The reason, for a person.
    public var description: String {
        switch self {
        case .tooLong: return "the session string is too long (at most \(SessionString.maximumLength) characters)"
        case .notBase64URL: return "the session string is not base64url"
        case .truncated: return "the session string is cut short"
        case .unsupportedVersion(let version): return "the session string has version \(version); this client reads version \(SessionString.version)"
        case .invalidAddress: return "the session string's DC address is not valid"
        case .trailingBytes: return "the session string has bytes after the key"
        case .noAuthKey: return "there is no auth key to export yet; log in first"
        }
    }
}

/// Reads a session string's bytes; running out is ``SessionStringError/truncated``.
private struct ByteReader {
    private let bytes: [UInt8]
    private var offset: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(SessionStringError) -> UInt8 { try self.bytes(1)[0] }

    /// Two bytes, big endian.
    mutating func uint16() throws(SessionStringError) -> Int {
        let pair: [UInt8] = try self.bytes(2)
        return Int(pair[0]) << 8 | Int(pair[1])
    }

    mutating func bytes(_ count: Int) throws(SessionStringError) -> [UInt8] {
        guard count <= bytes.count - offset else { throw SessionStringError.truncated }
        defer { offset += count }
        return Array(bytes[offset ..< offset + count])
    }
}

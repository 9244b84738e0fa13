/// A 2048-bit MTProto authorization key: always 256 bytes (leading zero bytes kept).
/// Its `description` never shows the key material.
public struct AuthKey: Sendable, Equatable, CustomStringConvertible {
    /// The 256 key bytes. Secret.
    public let bytes: [UInt8]
    /// `SHA1(key)[12..<20]` as a little-endian integer: names the key on the wire.
    public let id: Int64
    /// `SHA1(key)[0..<8]`, used in `new_nonce_hash` and `retry_id`.
    public let auxHash: [UInt8]

    /// `bytes` must be exactly 256 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 256 else { return nil }
        let hash: [UInt8] = Hash.sha1(bytes)
        self.bytes = bytes
        self.id = Int64(littleEndianBytes: hash[12 ..< 20])
        self.auxHash = Array(hash[0 ..< 8])
    }

    public var description: String { "AuthKey(id: \(id))" }
}

/// What a completed key exchange produced.
public struct HandshakeResult: Sendable, Equatable, CustomStringConvertible {
    /// The new key: permanent, or temporary when ``expiresAt`` is set.
    public var authKey: AuthKey
    /// The first server salt: `new_nonce[0..<8] XOR server_nonce[0..<8]`.
    public var serverSalt: Int64
    /// `server_time − local time` when the answer arrived, in seconds.
    public var timeOffset: Int32
    /// For a temporary (PFS) key: when it expires (unix seconds, server time).
    public var expiresAt: Int32?

    /// A key with its salt and clock offset, e.g. read back from a session string (salt 0: the
    /// server's `bad_server_salt` gives the real one on the first call).
    public init(authKey: AuthKey, serverSalt: Int64, timeOffset: Int32, expiresAt: Int32? = nil) {
        self.authKey = authKey
        self.serverSalt = serverSalt
        self.timeOffset = timeOffset
        self.expiresAt = expiresAt
    }

    public var description: String {
        "HandshakeResult(\(authKey), timeOffset: \(timeOffset)\(expiresAt.map { ", expiresAt: \($0)" } ?? ""))"
    }
}

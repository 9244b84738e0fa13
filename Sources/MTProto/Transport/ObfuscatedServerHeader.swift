/// What an MTProxy (or a DC) reads from a client's 64-byte obfuscation header: the framing, the DC
/// id of bytes 60–61, and the ciphers of both directions. Sans-IO; TestDC's MTProxy uses it.
public struct ObfuscatedServerHeader: @unchecked Sendable {
    // The ciphers belong to the one connection that read the header.
    /// The framing named by the tag at bytes 56–59.
    public let transport: TransportKind
    /// The DC id at bytes 60–61 (+10000 for test DCs, negative for media DCs).
    public let dcID: Int16
    /// Decrypts what the client sends (its keystream already past the header).
    public let decryptor: AESCTR
    /// Encrypts what goes back to the client.
    public let encryptor: AESCTR

    /// Reads `header` (exactly 64 bytes) with the proxy's 16-byte `secret` (nil: a DC's plain
    /// obfuscation). Nil when the tag names no framing: a wrong secret, or not an obfuscated client.
    public init?(header: [UInt8], secret: [UInt8]?) {
        guard header.count == 64 else { return nil }
        let keys: (encrypt: AESCTR, decrypt: AESCTR) = TransportCodec.keys(from: header, secret: secret, server: true)
        var decrypted: [UInt8] = header
        keys.decrypt.apply(&decrypted)
        let tag: [UInt8] = Array(decrypted[56 ..< 60])
        guard let kind = TransportKind.allCases.first(where: { $0.obfuscationTag == tag }) else { return nil }
        transport = kind
        dcID = Int16(bitPattern: UInt16(decrypted[60]) | UInt16(decrypted[61]) << 8)
        decryptor = keys.decrypt
        encryptor = keys.encrypt
    }

    /// The tag a client sends a DC directly for this framing (what a proxy forwards first).
    public var plainTag: [UInt8] {
        switch transport {
        case .abridged: return [0xef]
        case .intermediate: return [0xee, 0xee, 0xee, 0xee]
        case .paddedIntermediate: return [0xdd, 0xdd, 0xdd, 0xdd]
        case .full: return []
        }
    }
}

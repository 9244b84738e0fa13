/// The TLS ClientHello an `ee` MTProxy client opens with: shaped like a current browser's (GREASE,
/// TLS 1.3 key share, ALPN, padding to 517 bytes), with the secret's domain as SNI and the MTProxy
/// digest in its random field (transport notes §7: HMAC-SHA256 under the secret over the record with
/// the random zeroed, the last 4 bytes XORed with the unix time as int32 LE).
public enum FakeTLSClientHello {
    /// Where the 32-byte random starts in the record: 5 (record header) + 4 (handshake header) + 2 (version).
    public static let randomOffset: Int = 11

    /// The record length browsers send (the handshake padded to 512 bytes).
    static let paddedHandshakeLength: Int = 512

    /// The ClientHello record for `domain` with its digest filled in, and the random (digest) it carries.
    /// `entropy` gives the session id, GREASE values and key share; `unixTime` goes into the digest.
    public static func make(domain: String, key: [UInt8], unixTime: Int32, entropy: any EntropySource) -> (record: [UInt8], random: [UInt8]) {
        var record: [UInt8] = unsigned(domain: domain, entropy: entropy)
        let random: [UInt8] = digest(record: record, key: key, unixTime: unixTime)
        record.replaceSubrange(randomOffset ..< randomOffset + 32, with: random)
        return (record, random)
    }

    /// The digest for a record whose random field is zero: HMAC-SHA256(key, record), its last 4
    /// bytes XORed with `unixTime` (int32 LE).
    public static func digest(record: [UInt8], key: [UInt8], unixTime: Int32) -> [UInt8] {
        var mac: [UInt8] = Hash.hmacSHA256(key: key, record)
        let time: UInt32 = UInt32(bitPattern: unixTime)
        for i in 0 ..< 4 { mac[28 + i] ^= UInt8(truncatingIfNeeded: time >> (8 * UInt32(i))) }
        return mac
    }

    /// The record with a zero random field.
    static func unsigned(domain: String, entropy: any EntropySource) -> [UInt8] {
        let grease: [UInt16] = greaseValues(entropy.randomBytes(count: 4))
        let name: [UInt8] = Array(domain.utf8)
        var body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 0, count: 32)
        body += [0x20] + entropy.randomBytes(count: 32)
        let suites: [UInt16] = [grease[0], 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
        body += be16(suites.count * 2) + suites.flatMap(be16)
        body += [0x01, 0x00]
        var extensions: [UInt8] = []
        extensions += tlsExtension(grease[1], [])
        extensions += tlsExtension(0x0000, be16(name.count + 3) + [0x00] + be16(name.count) + name)
        extensions += tlsExtension(0x0017, [])
        extensions += tlsExtension(0xff01, [0x00])
        extensions += tlsExtension(0x000a, be16(8) + [grease[2], 0x001d, 0x0017, 0x0018].flatMap(be16))
        extensions += tlsExtension(0x000b, [0x01, 0x00])
        extensions += tlsExtension(0x0023, [])
        extensions += tlsExtension(0x0010, be16(12) + [0x02] + Array("h2".utf8) + [0x08] + Array("http/1.1".utf8))
        extensions += tlsExtension(0x0005, [0x01, 0x00, 0x00, 0x00, 0x00])
        let signatures: [UInt16] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
        extensions += tlsExtension(0x000d, be16(signatures.count * 2) + signatures.flatMap(be16))
        extensions += tlsExtension(0x0012, [])
        let share: [UInt8] = be16(grease[2]) + be16(1) + [0x00] + be16(0x001d) + be16(32) + entropy.randomBytes(count: 32)
        extensions += tlsExtension(0x0033, be16(share.count) + share)
        extensions += tlsExtension(0x002d, [0x01, 0x01])
        extensions += tlsExtension(0x002b, [0x06] + [grease[3], 0x0304, 0x0303].flatMap(be16))
        extensions += tlsExtension(0x001b, [0x02, 0x00, 0x02])
        extensions += tlsExtension(grease[3] ^ 0x1010, [0x00])
        // Padding (RFC 7685) brings the handshake to 512 bytes, as browsers do.
        let unpadded: Int = 4 + body.count + 2 + extensions.count
        if unpadded + 4 <= paddedHandshakeLength {
            extensions += tlsExtension(0x0015, [UInt8](repeating: 0, count: paddedHandshakeLength - unpadded - 4))
        }
        body += be16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + be16(body.count) + body
        return [0x16, 0x03, 0x01] + be16(handshake.count) + handshake
    }

    /// Four distinct GREASE values (RFC 8701: 0x0a0a, 0x1a1a, …, 0xfafa).
    private static func greaseValues(_ seed: [UInt8]) -> [UInt16] {
        var values: [UInt16] = []
        for byte in seed {
            var nibble: UInt16 = UInt16(byte & 0x0f)
            while values.contains(nibble << 12 | 0x0a00 | nibble << 4 | 0x0a) { nibble = (nibble + 1) & 0x0f }
            values.append(nibble << 12 | 0x0a00 | nibble << 4 | 0x0a)
        }
        return values
    }

    private static func tlsExtension(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
        be16(type) + be16(data.count) + data
    }
}

/// A big-endian 16-bit value.
func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }

/// A big-endian 16-bit value.
func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

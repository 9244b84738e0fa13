import CMTProtoCrypto
/// Which side sent a message: selects `x` in the MTProto 2.0 key derivation (0 client→server,
/// 8 server→client).
public enum Sender: Sendable {
    case client, server

    var x: Int { self == .client ? 0 : 8 }
}

/// One decrypted MTProto 2.0 message, before session-level checks.
public struct DecryptedMessage: Sendable, Equatable {
    /// The server salt the sender used (checked by the session, not here).
    public var salt: Int64
    /// The session the message belongs to.
    public var sessionID: Int64
    /// The sender's msg_id (time-based; parity and window are checked by the session).
    public var messageID: Int64
    /// The sender's seq_no (odd for content-related messages).
    public var seqNo: Int32
    /// The message body: one boxed object (an RPC call or result, a service message or a container).
    public var body: [UInt8]
}

/// Why an encrypted packet was dropped. All MAC-related failures are reported the same way, so a
/// probing attacker learns nothing from which check failed.
public enum EnvelopeError: Error, Equatable, Sendable {
    /// Shorter than 24 + 16 bytes.
    case tooShort(Int)
    /// `auth_key_id` is not ours.
    case unknownAuthKey(Int64)
    /// The msg_key check, the length field or the padding failed.
    case integrity
}

/// MTProto 2.0 encryption and decryption for one auth key (messages notes §2–§3).
public struct Envelope: Sendable {
    /// The key messages are encrypted with; its id is the first 8 bytes of every packet.
    public let authKey: AuthKey
    private let keyIDBytes: [UInt8]

    /// An envelope for `authKey`.
    public init(authKey: AuthKey) {
        self.authKey = authKey
        self.keyIDBytes = authKey.id.littleEndianBytes
    }

    /// `aes_key`, `aes_iv` for a msg_key (messages notes §2).
    static func keyAndIV(authKey: [UInt8], msgKey: ArraySlice<UInt8>, x: Int) -> (key: [UInt8], iv: [UInt8]) {
        precondition(authKey.count == 256 && msgKey.count == 16)
        var key: [UInt8] = [UInt8](repeating: 0, count: 32)
        var iv: [UInt8] = [UInt8](repeating: 0, count: 32)
        authKey.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
            Array(msgKey).withUnsafeBufferPointer { (m: UnsafeBufferPointer<UInt8>) in
                mtp_envelope_derive(k.baseAddress, Int32(x), m.baseAddress, &key, &iv)
            }
        }
        return (key, iv)
    }

    /// Encrypts one message. `padding` supplies random bytes (12–1024 bytes of padding are used,
    /// `extraPaddingBlocks` more 16-byte blocks may be added to hide lengths).
    ///
    /// The packet is built in a single buffer: the plaintext is laid out after the auth_key_id and
    /// msg_key slots and encrypted in place.
    public func encrypt(
        salt: Int64, sessionID: Int64, messageID: Int64, seqNo: Int32, body: [UInt8], sender: Sender,
        entropy: any EntropySource, extraPaddingBlocks: Int = 0
    ) -> [UInt8] {
        let paddingCount: Int = 12 + (16 - (32 + body.count + 12) % 16) % 16 + 16 * min(max(extraPaddingBlocks, 0), 63)
        let plainCount: Int = 32 + body.count + paddingCount
        return [UInt8](unsafeUninitializedCapacity: 24 + plainCount) { (out: inout UnsafeMutableBufferPointer<UInt8>, count: inout Int) in
            let base: UnsafeMutableRawPointer = UnsafeMutableRawPointer(out.baseAddress!)
            base.storeBytes(of: authKey.id.littleEndian, toByteOffset: 0, as: Int64.self)
            base.storeBytes(of: salt.littleEndian, toByteOffset: 24, as: Int64.self)
            base.storeBytes(of: sessionID.littleEndian, toByteOffset: 32, as: Int64.self)
            base.storeBytes(of: messageID.littleEndian, toByteOffset: 40, as: Int64.self)
            base.storeBytes(of: seqNo.littleEndian, toByteOffset: 48, as: Int32.self)
            base.storeBytes(of: Int32(body.count).littleEndian, toByteOffset: 52, as: Int32.self)
            body.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
                if let source = b.baseAddress { (base + 56).copyMemory(from: source, byteCount: b.count) }
            }
            entropy.fillPadding(UnsafeMutableRawBufferPointer(start: base + 56 + body.count, count: paddingCount))
            sealInPlace(out, plainCount: plainCount, sender: sender)
            count = 24 + plainCount
        }
    }

    /// Encrypts a complete plaintext (header, body and padding; a multiple of 16 bytes).
    public func encrypt(plaintext: [UInt8], sender: Sender) -> [UInt8] {
        precondition(plaintext.count % 16 == 0, "the plaintext must be padded to a multiple of 16 bytes")
        return [UInt8](unsafeUninitializedCapacity: 24 + plaintext.count) { (out: inout UnsafeMutableBufferPointer<UInt8>, count: inout Int) in
            let base: UnsafeMutableRawPointer = UnsafeMutableRawPointer(out.baseAddress!)
            base.storeBytes(of: authKey.id.littleEndian, toByteOffset: 0, as: Int64.self)
            plaintext.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
                if let source = p.baseAddress { (base + 24).copyMemory(from: source, byteCount: p.count) }
            }
            sealInPlace(out, plainCount: plaintext.count, sender: sender)
            count = 24 + plaintext.count
        }
    }

    /// Computes msg_key into bytes 8..<24 and encrypts the plaintext at 24..< in place.
    private func sealInPlace(_ out: UnsafeMutableBufferPointer<UInt8>, plainCount: Int, sender: Sender) {
        authKey.bytes.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
            mtp_envelope_encrypt(k.baseAddress, Int32(sender.x), out.baseAddress! + 24, plainCount, out.baseAddress! + 8)
        }
    }

    /// Decrypts a packet sent by `sender` and applies the envelope checks (auth key id, msg_key in
    /// constant time, length field, 12–1024 bytes of padding). Trailing bytes beyond a multiple of 16
    /// (padded intermediate transport) are ignored.
    public func decrypt(_ packet: [UInt8], sender: Sender) throws(EnvelopeError) -> DecryptedMessage {
        guard packet.count >= 24 + 32 else { throw EnvelopeError.tooShort(packet.count) }
        let keyID: Int64 = Int64(littleEndianBytes: packet[0 ..< 8])
        guard keyID == authKey.id else { throw EnvelopeError.unknownAuthKey(keyID) }
        let usable: Int = (packet.count - 24) / 16 * 16
        var header: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var computed: (UInt64, UInt64) = (0, 0)
        var body: [UInt8] = [UInt8](unsafeUninitializedCapacity: usable - 32) { (out: inout UnsafeMutableBufferPointer<UInt8>, count: inout Int) in
            packet.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) in
                authKey.bytes.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
                    withUnsafeMutableBytes(of: &header) { (h: UnsafeMutableRawBufferPointer) in
                        withUnsafeMutableBytes(of: &computed) { (c: UnsafeMutableRawBufferPointer) in
                            _ = mtp_envelope_open(
                                k.baseAddress, Int32(sender.x), p.baseAddress, usable, h.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                out.baseAddress, c.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        }
                    }
                }
            }
            count = usable - 32
        }
        let received: (UInt64, UInt64) = packet.withUnsafeBytes { (p: UnsafeRawBufferPointer) -> (UInt64, UInt64) in
            (p.loadUnaligned(fromByteOffset: 8, as: UInt64.self), p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        }
        // Constant time: no early exit on the first differing word.
        let macOK: Bool = ((computed.0 ^ received.0) | (computed.1 ^ received.1)) == 0
        let length: Int = Int(Int32(truncatingIfNeeded: Int64(littleEndian: Int64(bitPattern: header.3)) >> 32))
        let padding: Int = usable - 32 - length
        let lengthOK: Bool = length >= 0 && length % 4 == 0 && padding >= 12 && padding <= 1024
        guard macOK && lengthOK else { throw EnvelopeError.integrity }
        body.removeLast(padding)
        return DecryptedMessage(
            salt: Int64(littleEndian: Int64(bitPattern: header.0)), sessionID: Int64(littleEndian: Int64(bitPattern: header.1)),
            messageID: Int64(littleEndian: Int64(bitPattern: header.2)),
            seqNo: Int32(truncatingIfNeeded: Int64(littleEndian: Int64(bitPattern: header.3))), body: body)
    }

    /// The MTProto 1.0 (SHA-1) key derivation, client → server (x = 0).
    private static func keyAndIVv1(authKey k: [UInt8], msgKey: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        let a: [UInt8] = Hash.sha1(msgKey, Array(k[0 ..< 32]))
        let b: [UInt8] = Hash.sha1(Array(k[32 ..< 48]), msgKey, Array(k[48 ..< 64]))
        let c: [UInt8] = Hash.sha1(Array(k[64 ..< 96]), msgKey)
        let d: [UInt8] = Hash.sha1(msgKey, Array(k[96 ..< 128]))
        let key: [UInt8] = Array(a[0 ..< 8]) + Array(b[8 ..< 20]) + Array(c[4 ..< 16])
        let iv: [UInt8] = Array(a[8 ..< 20]) + Array(b[0 ..< 8]) + Array(c[16 ..< 20]) + Array(d[0 ..< 8])
        return (key, iv)
    }

    /// The MTProto 1.0 encryption used only for the `auth.bindTempAuthKey` inner message (auth-key
    /// notes §12): `plaintext` is the 32-byte header plus the `bind_auth_key_inner` body.
    public static func encryptV1(plaintext: [UInt8], authKey: AuthKey, entropy: any EntropySource) -> [UInt8] {
        let msgKey: [UInt8] = Array(Hash.sha1(plaintext)[4 ..< 20])
        let padded: [UInt8] = plaintext + entropy.randomBytes(count: (16 - plaintext.count % 16) % 16)
        let (key, iv): ([UInt8], [UInt8]) = keyAndIVv1(authKey: authKey.bytes, msgKey: msgKey)
        return authKey.id.littleEndianBytes + msgKey + AESIGE.encrypt(padded, key: key, iv: iv)
    }

    /// Decrypts an MTProto 1.0 message (the server side of the PFS binding): the plaintext without
    /// padding, or nil when a check fails.
    public static func decryptV1(_ packet: [UInt8], authKey: AuthKey) -> [UInt8]? {
        guard packet.count >= 24 + 32, (packet.count - 24) % 16 == 0,
              Int64(littleEndianBytes: packet[0 ..< 8]) == authKey.id else { return nil }
        let msgKey: [UInt8] = Array(packet[8 ..< 24])
        let (key, iv): ([UInt8], [UInt8]) = keyAndIVv1(authKey: authKey.bytes, msgKey: msgKey)
        let plain: [UInt8] = AESIGE.decrypt(Array(packet[24...]), key: key, iv: iv)
        let length: Int = Int(UInt32(plain[28]) | UInt32(plain[29]) << 8 | UInt32(plain[30]) << 16 | UInt32(plain[31]) << 24)
        guard length <= plain.count - 32 else { return nil }
        let content: [UInt8] = Array(plain[0 ..< 32 + length])
        guard ConstantTime.equals(Array(Hash.sha1(content)[4 ..< 20]), msgKey) else { return nil }
        return content
    }
}

@testable import MTProto
import TLSchema
import Testing

/// MTProto 2.0 encryption against the notes' vectors, and tamper resistance.
@Suite struct EnvelopeTests {
    static let sequentialKey: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8($0) })!

    @Test func keyDerivationVectors() {
        let msgKey: ArraySlice<UInt8> = (0 ..< 16).map { UInt8($0) }[...]
        let client: (key: [UInt8], iv: [UInt8]) = Envelope.keyAndIV(authKey: Self.sequentialKey.bytes, msgKey: msgKey, x: 0)
        #expect(hexString(client.key) == "704ed09c8b41668ae8f99d244738f71dbddc44469b6bbd4aa8573dd042bd059e")
        #expect(hexString(client.iv) == "4d266000a550edabbf4c7ce40fd0043cc92230184cd317a5cc9c2482fd3b9318")
        let server: (key: [UInt8], iv: [UInt8]) = Envelope.keyAndIV(authKey: Self.sequentialKey.bytes, msgKey: msgKey, x: 8)
        #expect(hexString(server.key) == "217725799b245806458174a1fcfbc883906807b15033fdd0ea2b4d69cf9c364e")
        #expect(hexString(server.iv) == "669a6538917a4fa56ca32360a431c9160be4ad887140980dab91ce7bdc47ffbc")
    }

    @Test func fullEncryptionVector() {
        let plaintext: [UInt8] = Array("Hello, world! This data should remain secure!".utf8) + [UInt8](repeating: 0, count: 19)
        let packet: [UInt8] = Envelope(authKey: Self.sequentialKey).encrypt(plaintext: plaintext, sender: .client)
        #expect(hexString(packet) == "32d1586ea457dfc8" + "a81729d46db54019a2bfd7f744f9b96c"
            + "4f716cfdc4477db2a2c15f6ddb85235fb9552f1d8407c6aaea00cc844c5a1bf6"
            + "ac44b79b5edc2a23868b3d6073a590992c0f2975243d563ea180d218ee757c9a")
    }

    @Test func roundTripAndEveryByteFlipIsRejected() throws {
        let envelope: Envelope = Envelope(authKey: Self.sequentialKey)
        let body: [UInt8] = (0 ..< 40).map { UInt8($0 * 3 & 0xff) }
        let packet: [UInt8] = envelope.encrypt(
            salt: 7, sessionID: -9, messageID: 0x65C5_3D50_0006_72D9, seqNo: 3, body: body, sender: .server, entropy: SystemEntropy())
        let message: DecryptedMessage = try envelope.decrypt(packet, sender: .server)
        #expect(message == DecryptedMessage(salt: 7, sessionID: -9, messageID: 0x65C5_3D50_0006_72D9, seqNo: 3, body: body))
        // The wrong direction's keys do not decrypt it.
        #expect(throws: EnvelopeError.integrity) { _ = try envelope.decrypt(packet, sender: .client) }
        for i in 0 ..< packet.count {
            var tampered: [UInt8] = packet
            tampered[i] ^= 0x01
            #expect(throws: EnvelopeError.self) { _ = try envelope.decrypt(tampered, sender: .server) }
        }
        #expect(throws: EnvelopeError.tooShort(30)) { _ = try envelope.decrypt(Array(packet.prefix(30)), sender: .server) }
    }

    @Test func paddingStaysWithinLimits() throws {
        let envelope: Envelope = Envelope(authKey: Self.sequentialKey)
        for length in stride(from: 0, through: 64, by: 4) {
            let packet: [UInt8] = envelope.encrypt(
                salt: 0, sessionID: 0, messageID: 1, seqNo: 0, body: [UInt8](repeating: 1, count: length), sender: .client,
                entropy: SystemEntropy())
            let padding: Int = packet.count - 24 - 32 - length
            #expect(padding >= 12 && padding <= 27 && (packet.count - 24) % 16 == 0)
        }
    }

    /// A packet with a valid msg_key whose length field leaves `padding` bytes after a body of `body` bytes.
    static func packet(body: Int, padding: Int) -> [UInt8] {
        var writer: TLWriter = TLWriter()
        writer.writeInt64(7)  // salt
        writer.writeInt64(-9)  // session_id
        writer.writeInt64(0x65C5_3D50_0006_72D9)
        writer.writeInt32(1)
        writer.writeInt32(Int32(body))
        writer.writeRaw([UInt8](repeating: 0x42, count: body) + [UInt8](repeating: 0, count: padding))
        return Envelope(authKey: sequentialKey).encrypt(plaintext: writer.bytes, sender: .server)
    }

    @Test func decryptRefusesPaddingOutsideTwelveTo1024BytesAndUnalignedLengths() throws {
        let envelope: Envelope = Envelope(authKey: Self.sequentialKey)
        #expect(throws: EnvelopeError.integrity) { _ = try envelope.decrypt(Self.packet(body: 8, padding: 8), sender: .server) }
        #expect(try envelope.decrypt(Self.packet(body: 4, padding: 12), sender: .server).body == [0x42, 0x42, 0x42, 0x42])
        #expect(try envelope.decrypt(Self.packet(body: 16, padding: 1024), sender: .server).body.count == 16)
        #expect(throws: EnvelopeError.integrity) { _ = try envelope.decrypt(Self.packet(body: 12, padding: 1028), sender: .server) }
        // A length field that is not a multiple of 4, with padding in range.
        #expect(throws: EnvelopeError.integrity) { _ = try envelope.decrypt(Self.packet(body: 14, padding: 18), sender: .server) }
    }

    @Test func version1RoundTrip() throws {
        let plaintext: [UInt8] = [UInt8](repeating: 0x42, count: 32) + [UInt8](repeating: 0x17, count: 40)
        let packet: [UInt8] = Envelope.encryptV1(plaintext: plaintext, authKey: Self.sequentialKey, entropy: SystemEntropy())
        #expect(packet.count == 104)
        #expect(Envelope.decryptV1(packet, authKey: Self.sequentialKey) == nil)  // header length field is garbage here
    }
}

@testable import MTProto
import Testing

/// Our crypto, envelope and transports against bytes produced by independent implementations
/// (`cryptography` and Telethon 1.45; see Scripts/vectors/make_crypto_vectors.py).
@Suite struct IndependentVectorTests {
    let v: Vectors = Vectors.shared

    @Test func aesIGE() {
        #expect(v.aes_ige.count >= 8)
        for c in v.aes_ige {
            #expect(AESIGE.encrypt(hex(c.plaintext), key: hex(c.key), iv: hex(c.iv)) == hex(c.ciphertext))
            #expect(AESIGE.decrypt(hex(c.ciphertext), key: hex(c.key), iv: hex(c.iv)) == hex(c.plaintext))
        }
    }

    @Test func aesCTRInPieces() {
        for c in v.aes_ctr {
            let ctr: AESCTR = AESCTR(key: hex(c.key), iv: hex(c.iv))
            let plain: [UInt8] = hex(c.plaintext)
            var out: [UInt8] = []
            var index: Int = 0
            var piece: Int = 1
            while index < plain.count {
                var chunk: [UInt8] = Array(plain[index ..< min(index + piece, plain.count)])
                ctr.apply(&chunk)
                out += chunk
                index += piece
                piece += 7
            }
            #expect(out == hex(c.ciphertext))
        }
    }

    @Test func hashes() {
        for c in v.sha1 { #expect(Hash.sha1(hex(c.input)) == hex(c.digest)) }
        for c in v.sha256 { #expect(Hash.sha256(hex(c.input)) == hex(c.digest)) }
        for c in v.pbkdf2_sha512 {
            #expect(Hash.pbkdf2SHA512(password: hex(c.password), salt: hex(c.salt), iterations: c.iterations) == hex(c.derived))
        }
    }

    @Test func modularExponentiation() {
        for c in v.modexp {
            let modulus: [UInt8] = hex(c.modulus)
            let result: BigNumber = BigNumber(bytes: hex(c.base)).power(BigNumber(bytes: hex(c.exponent)), modulo: BigNumber(bytes: modulus))
            #expect(result.bytes(paddedTo: hex(c.result).count) == hex(c.result))
        }
    }

    @Test func pqFactorization() throws {
        #expect(v.pq.count == 20)
        for c in v.pq {
            let factors: (p: UInt64, q: UInt64) = try #require(PQFactorizer.factorize(UInt64(c.pq)!))
            #expect(factors.p == UInt64(c.p)! && factors.q == UInt64(c.q)!)
        }
    }

    @Test func messageKeyDerivation() {
        for c in v.msg_key_kdf {
            let (key, iv): ([UInt8], [UInt8]) = Envelope.keyAndIV(authKey: hex(c.auth_key), msgKey: hex(c.msg_key)[...], x: c.x)
            #expect(key == hex(c.aes_key) && iv == hex(c.aes_iv))
        }
    }

    @Test func envelopes() throws {
        for c in v.envelope {
            let envelope: Envelope = Envelope(authKey: AuthKey(bytes: hex(c.auth_key))!)
            let sender: Sender = c.direction == "client" ? .client : .server
            #expect(envelope.encrypt(plaintext: hex(c.plaintext), sender: sender) == hex(c.packet))
            let message: DecryptedMessage = try envelope.decrypt(hex(c.packet), sender: sender)
            #expect(message == DecryptedMessage(
                salt: c.salt, sessionID: c.session_id, messageID: c.msg_id, seqNo: c.seq_no, body: hex(c.body)))
        }
    }

    static func kind(_ name: String) -> TransportKind {
        switch name {
        case "abridged": return .abridged
        case "intermediate": return .intermediate
        case "padded": return .paddedIntermediate
        default: return .full
        }
    }

    @Test func plainTransports() throws {
        for c in v.transport {
            // The fixtures include payloads under 16 bytes, which a real client reads as transport
            // errors; read them as packets here.
            var client: TransportCodec = TransportCodec(
                clientKind: Self.kind(c.kind), obfuscation: nil, entropy: SystemEntropy(), classifiesShortPayloads: false)
            var stream: [UInt8] = client.takePreamble()
            for payload in c.payloads { stream += client.encode(hex(payload)) }
            #expect(hexString(stream) == c.stream, "\(c.kind) client stream")
            // The client reads the server's stream back into the payloads.
            let events: [TransportEvent] = try client.decode(hex(c.stream_server))
            #expect(events == c.payloads.map { .packet(hex($0)) }, "\(c.kind) server stream")
            // Our server side recognises the framing and reads the client's stream.
            var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector()
            let detected: (codec: TransportCodec, events: [TransportEvent]) = try #require(try detector.feed(hex(c.stream)))
            #expect(detected.codec.kind == Self.kind(c.kind))
            #expect(detected.events == c.payloads.map { .packet(hex($0)) })
        }
    }

    @Test func obfuscatedTransports() throws {
        for c in v.obfuscated {
            let kind: TransportKind = Self.kind(c.transport)
            var paddings: [[UInt8]] = (c.paddings ?? []).map { hex($0) }
            // The codec asks for the header (64 bytes), then per padded frame one byte (the padding
            // length) followed by the padding itself.
            var pendingPadding: [UInt8]? = nil
            let entropy: ScriptedEntropy = ScriptedEntropy { (count: Int) -> [UInt8] in
                if count == 64 { return hex(c.`init`) }
                if let tail = pendingPadding {
                    pendingPadding = nil
                    return tail
                }
                let next: [UInt8] = paddings.isEmpty ? [] : paddings.removeFirst()
                pendingPadding = next
                return [UInt8(next.count)]
            }
            let secret: [UInt8]? = c.secret.map { hex($0) }
            var client: TransportCodec = TransportCodec(
                clientKind: kind, obfuscation: Obfuscation(proxySecret: secret, dcID: c.dc_id), entropy: entropy,
                classifiesShortPayloads: false)
            var stream: [UInt8] = client.takePreamble()
            #expect(stream == hex(c.header))
            for payload in c.payloads { stream += client.encode(hex(payload)) }
            #expect(hexString(stream) == c.stream_client, "obfuscated \(c.transport) client stream")
            let events: [TransportEvent] = try client.decode(hex(c.stream_server))
            let payloads: [[UInt8]] = events.compactMap { if case .packet(let p) = $0 { return p } else { return nil } }
            let expected: [[UInt8]] = c.server_payloads.map { hex($0) }
            #expect(zip(payloads, expected).allSatisfy { $0.0.starts(with: $0.1) } && payloads.count == expected.count)
            var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector(proxySecret: secret)
            let detected: (codec: TransportCodec, events: [TransportEvent]) = try #require(try detector.feed(hex(c.stream_client)))
            #expect(detected.codec.kind == kind)
            let received: [[UInt8]] = detected.events.compactMap { if case .packet(let p) = $0 { return p } else { return nil } }
            #expect(zip(received, c.payloads.map { hex($0) }).allSatisfy { $0.0.starts(with: $0.1) } && received.count == c.payloads.count)
        }
    }
}

import MTProto
import MTProtoServer

/// The server side of an MTProxy connection, sans-IO: checks the FakeTLS ClientHello (`ee`
/// secrets) and answers it, reads the obfuscation header with the secret, then turns the client's
/// stream into the plain framing a DC accepts and the DC's answers back into the client's stream.
struct MTProxyServerSession {
    /// What the proxy does with the bytes that came out.
    enum Output: Equatable {
        /// Send to the client.
        case toClient([UInt8])
        /// Connect to the DC with this id (as the client wrote it), then send it `first`.
        case connect(dcID: Int16, first: [UInt8])
        /// Send to the DC.
        case toDC([UInt8])
    }

    /// Why the proxy closes a client's connection (silently, as real MTProxies do).
    enum Failure: Error, Equatable {
        /// Not a TLS ClientHello, or one larger than allowed.
        case malformedClientHello
        /// The ClientHello's digest is not ours: a wrong secret.
        case wrongDigest
        /// The ClientHello's timestamp is outside the window (a replay).
        case staleTimestamp
        /// The obfuscation header names no framing under our secret: a wrong secret.
        case wrongSecret
        /// A `dd`/`ee` secret used with a framing other than padded intermediate.
        case framingNotAllowed
        /// Bytes after a FakeTLS record layer failure.
        case badRecord
    }

    private enum State {
        case awaitingClientHello
        case awaitingHeader
        case relaying(ObfuscatedServerHeader)
        case failed
    }

    /// The largest ClientHello record accepted.
    static let maximumClientHello: Int = 4096

    private let secret: MTProxySecret
    private let unixTime: () -> Int32
    private let timestampWindow: Int32
    private let entropy: any EntropySource
    private var state: State
    private var buffer: [UInt8] = []
    private var records: FakeTLSRecordLayer?

    /// A session for `secret`; `unixTime` is the proxy's clock, `timestampWindow` the skew allowed.
    init(secret: MTProxySecret, unixTime: @escaping () -> Int32, timestampWindow: Int32 = 300, entropy: any EntropySource) {
        self.secret = secret
        self.unixTime = unixTime
        self.timestampWindow = timestampWindow
        self.entropy = entropy
        if case .fakeTLS = secret.kind { state = .awaitingClientHello } else { state = .awaitingHeader }
    }

    /// Bytes from the client; a thrown ``Failure`` means close the connection.
    mutating func fromClient(_ bytes: [UInt8]) throws(Failure) -> [Output] {
        do {
            return try advance(bytes)
        } catch {
            state = .failed
            throw error
        }
    }

    /// Bytes from the DC, as the client must receive them.
    mutating func fromDC(_ bytes: [UInt8]) -> [UInt8] {
        guard case .relaying(let header) = state else { return [] }
        var out: [UInt8] = bytes
        header.encryptor.apply(&out)
        if var layer = records {
            out = layer.wrap(out)
            records = layer
        }
        return out
    }

    private mutating func advance(_ received: [UInt8]) throws(Failure) -> [Output] {
        var outputs: [Output] = []
        var bytes: [UInt8] = received
        if case .awaitingClientHello = state {
            buffer += bytes
            bytes = []
            guard buffer.count >= 5 else { return [] }
            guard buffer[0] == 0x16, buffer[1] == 0x03, buffer[2] == 0x01 else { throw .malformedClientHello }
            let length: Int = Int(buffer[3]) << 8 | Int(buffer[4])
            guard length <= Self.maximumClientHello, length >= 6 + 32 + 1 else { throw .malformedClientHello }
            guard buffer.count >= 5 + length else { return [] }
            let hello: [UInt8] = Array(buffer[0 ..< 5 + length])
            let rest: [UInt8] = Array(buffer[(5 + length)...])
            buffer = []
            outputs.append(.toClient(try answer(hello)))
            state = .awaitingHeader
            records = FakeTLSRecordLayer(sendsChangeCipherSpec: false)
            bytes = rest
        }
        if var layer = records {
            do {
                bytes = try layer.unwrap(bytes)
            } catch {
                throw .badRecord
            }
            records = layer
        }
        switch state {
        case .awaitingClientHello, .failed:
            return outputs
        case .awaitingHeader:
            buffer += bytes
            guard buffer.count >= 64 else { return outputs }
            guard let header = ObfuscatedServerHeader(header: Array(buffer[0 ..< 64]), secret: secret.key) else { throw .wrongSecret }
            if secret.requiredTransport != nil && header.transport != .paddedIntermediate { throw .framingNotAllowed }
            var rest: [UInt8] = Array(buffer[64...])
            buffer = []
            header.decryptor.apply(&rest)
            state = .relaying(header)
            outputs.append(.connect(dcID: header.dcID, first: header.plainTag + rest))
        case .relaying(let header):
            header.decryptor.apply(&bytes)
            if !bytes.isEmpty { outputs.append(.toDC(bytes)) }
        }
        return outputs
    }

    /// Checks the ClientHello's digest and timestamp; returns the ServerHello, ChangeCipherSpec and
    /// first application-data record, signed over the client's random.
    private func answer(_ hello: [UInt8]) throws(Failure) -> [UInt8] {
        let range: Range<Int> = FakeTLSClientHello.randomOffset ..< FakeTLSClientHello.randomOffset + 32
        let clientRandom: [UInt8] = Array(hello[range])
        var zeroed: [UInt8] = hello
        zeroed.replaceSubrange(range, with: [UInt8](repeating: 0, count: 32))
        let mac: [UInt8] = Hash.hmacSHA256(key: secret.key, zeroed)
        guard ConstantTime.equals(Array(mac[0 ..< 28]), Array(clientRandom[0 ..< 28])) else { throw .wrongDigest }
        var stamp: UInt32 = 0
        for i in 0 ..< 4 { stamp |= UInt32(mac[28 + i] ^ clientRandom[28 + i]) << (8 * UInt32(i)) }
        let skew: Int64 = Int64(unixTime()) - Int64(Int32(bitPattern: stamp))
        guard abs(skew) <= Int64(timestampWindow) else { throw .staleTimestamp }
        let sessionLength: Int = Int(hello[43])
        guard sessionLength <= 32, hello.count >= 44 + sessionLength else { throw .malformedClientHello }
        let sessionID: [UInt8] = Array(hello[44 ..< 44 + sessionLength])
        var body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 0, count: 32) + [UInt8(sessionLength)] + sessionID + [0x13, 0x01, 0x00]
        let keyShare: [UInt8] = [0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20] + entropy.randomBytes(count: 32)
        let versions: [UInt8] = [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]
        body += Self.be16(keyShare.count + versions.count) + keyShare + versions
        let handshake: [UInt8] = [0x02, 0x00] + Self.be16(body.count) + body
        let certificate: [UInt8] = entropy.randomBytes(count: 1024 + Int(entropy.randomBytes(count: 1)[0]) * 8)
        var out: [UInt8] = [0x16, 0x03, 0x03] + Self.be16(handshake.count) + handshake
        out += [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        out += [0x17, 0x03, 0x03] + Self.be16(certificate.count) + certificate
        out.replaceSubrange(range, with: Hash.hmacSHA256(key: secret.key, clientRandom, out))
        return out
    }

    private static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
}

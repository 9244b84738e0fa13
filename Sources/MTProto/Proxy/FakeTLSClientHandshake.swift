/// The client side of the FakeTLS handshake with an `ee` MTProxy: send the ClientHello, read the
/// server's handshake records, ChangeCipherSpec and first application-data record, and check the
/// server's random (HMAC-SHA256 under the secret over our random and its whole answer with that
/// field zeroed). Sans-IO.
public struct FakeTLSClientHandshake: Sendable {
    /// At most this many records before the server's first application-data record.
    static let maximumRecords: Int = 16

    private let key: [UInt8]
    /// The ClientHello to send first.
    public let clientHello: [UInt8]
    private let clientRandom: [UInt8]
    private var received: [UInt8] = []
    private var finished: Bool = false

    /// A handshake for `secret` (its key and domain) at `unixTime`.
    public init(key: [UInt8], domain: String, unixTime: Int32, entropy: any EntropySource) {
        self.key = key
        let hello: (record: [UInt8], random: [UInt8]) = FakeTLSClientHello.make(domain: domain, key: key, unixTime: unixTime, entropy: entropy)
        clientHello = hello.record
        clientRandom = hello.random
    }

    /// Feeds the server's bytes.
    public mutating func feed(_ bytes: [UInt8]) throws(FakeTLSError) -> ProxyStep {
        guard !finished else { return .established(leftover: bytes) }
        received += bytes
        var offset: Int = 0
        var records: Int = 0
        var sawChangeCipherSpec: Bool = false
        while received.count - offset >= 5 {
            let type: UInt8 = received[offset]
            guard received[offset + 1] == 0x03, (0x01 ... 0x04).contains(received[offset + 2]) else {
                throw .malformedRecord("version \(received[offset + 1]).\(received[offset + 2])")
            }
            let length: Int = Int(received[offset + 3]) << 8 | Int(received[offset + 4])
            guard received.count - offset >= 5 + length else { return .needMoreBytes }
            records += 1
            guard records <= Self.maximumRecords else { throw .serverHelloTooLong }
            switch (type, sawChangeCipherSpec) {
            case (0x16, false) where records == 1 ? length >= 6 + 32 : true: break
            case (0x14, false) where records > 1: sawChangeCipherSpec = true
            case (0x17, true):
                let end: Int = offset + 5 + length
                try verify(answer: Array(received[0 ..< end]))
                finished = true
                let leftover: [UInt8] = Array(received[end...])
                received = []
                return .established(leftover: leftover)
            default: throw .unexpectedRecord(type)
            }
            offset += 5 + length
        }
        return .needMoreBytes
    }

    private func verify(answer: [UInt8]) throws(FakeTLSError) {
        let range: Range<Int> = FakeTLSClientHello.randomOffset ..< FakeTLSClientHello.randomOffset + 32
        let serverRandom: [UInt8] = Array(answer[range])
        var zeroed: [UInt8] = answer
        zeroed.replaceSubrange(range, with: [UInt8](repeating: 0, count: 32))
        let expected: [UInt8] = Hash.hmacSHA256(key: key, clientRandom, zeroed)
        guard ConstantTime.equals(expected, serverRandom) else { throw .serverDigestMismatch }
    }
}

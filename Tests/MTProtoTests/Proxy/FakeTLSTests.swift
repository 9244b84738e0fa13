import Foundation
@testable import MTProto
import Testing

/// FakeTLS against `Fixtures/faketls_vectors.json`, made by Scripts/vectors/make_faketls_vectors.py
/// with Python's hashlib/hmac: the ClientHello byte for byte (digest and timestamp included) and a
/// genuine server answer.
@Suite struct FakeTLSTests {
    struct Vector: Decodable {
        var key: String
        var domain: String
        var unix_time: Int32
        var grease_seed: String
        var session_id: String
        var key_share: String
        var client_hello: String
        var client_random: String
        var server_answer: String
    }

    static let vector: Vector = {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/faketls_vectors.json")
        return try! JSONDecoder().decode(Vector.self, from: Data(contentsOf: url))
    }()

    /// Entropy answering the builder's requests in order: GREASE seed, session id, key share.
    static func entropy() -> ScriptedEntropy {
        var answers: [[UInt8]] = [hex(vector.grease_seed), hex(vector.session_id), hex(vector.key_share)]
        return ScriptedEntropy { (count: Int) -> [UInt8] in
            let next: [UInt8] = answers.removeFirst()
            precondition(next.count == count)
            return next
        }
    }

    static func handshake() -> FakeTLSClientHandshake {
        FakeTLSClientHandshake(key: hex(vector.key), domain: vector.domain, unixTime: vector.unix_time, entropy: entropy())
    }

    @Test func clientHelloMatchesThePythonVector() {
        let made: (record: [UInt8], random: [UInt8]) = FakeTLSClientHello.make(
            domain: Self.vector.domain, key: hex(Self.vector.key), unixTime: Self.vector.unix_time, entropy: Self.entropy())
        #expect(made.record.count == 517)
        #expect(hexString(made.random) == Self.vector.client_random)
        #expect(hexString(made.record) == Self.vector.client_hello)
        // Another second gives another digest: the timestamp is in it.
        var zeroed: [UInt8] = made.record
        zeroed.replaceSubrange(11 ..< 43, with: [UInt8](repeating: 0, count: 32))
        #expect(FakeTLSClientHello.digest(record: zeroed, key: hex(Self.vector.key), unixTime: Self.vector.unix_time + 1) != made.random)
    }

    @Test func genuineServerAnswerIsAcceptedInAnySplit() throws {
        let answer: [UInt8] = hex(Self.vector.server_answer)
        let extra: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x02, 0xab, 0xcd]
        for split in [1, 5, 11, 100, answer.count] {
            var machine: FakeTLSClientHandshake = Self.handshake()
            var step: ProxyStep = .needMoreBytes
            let stream: [UInt8] = answer + extra
            var index: Int = 0
            while index < stream.count, step == .needMoreBytes {
                step = try machine.feed(Array(stream[index ..< min(index + split, stream.count)]))
                index += split
            }
            var leftover: [UInt8] = []
            if case .established(let rest) = step { leftover = rest + Array(stream[min(index, stream.count)...]) }
            #expect(step != .needMoreBytes)
            var layer: FakeTLSRecordLayer = FakeTLSRecordLayer(sendsChangeCipherSpec: true)
            #expect(try layer.unwrap(leftover) == [0xab, 0xcd])
        }
    }

    @Test func forgedOrMalformedAnswersAreRejected() throws {
        var answer: [UInt8] = hex(Self.vector.server_answer)
        answer[answer.count - 1] ^= 1
        var forged: FakeTLSClientHandshake = Self.handshake()
        #expect(throws: FakeTLSError.serverDigestMismatch) { _ = try forged.feed(answer) }
        var wrongKey: FakeTLSClientHandshake = FakeTLSClientHandshake(
            key: [UInt8](repeating: 9, count: 16), domain: Self.vector.domain, unixTime: Self.vector.unix_time, entropy: Self.entropy())
        #expect(throws: FakeTLSError.serverDigestMismatch) { _ = try wrongKey.feed(hex(Self.vector.server_answer)) }
        var alert: FakeTLSClientHandshake = Self.handshake()
        #expect(throws: FakeTLSError.unexpectedRecord(0x15)) { _ = try alert.feed([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]) }
        var http: FakeTLSClientHandshake = Self.handshake()
        #expect(throws: FakeTLSError.malformedRecord("version 84.84")) { _ = try http.feed(Array("HTTP/1.1 400".utf8)) }
        var endless: FakeTLSClientHandshake = Self.handshake()
        let hello: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x26] + [UInt8](repeating: 0, count: 0x26)
        #expect(throws: FakeTLSError.serverHelloTooLong) {
            _ = try endless.feed(hello + Array([[UInt8]](repeating: [0x16, 0x03, 0x03, 0x00, 0x00], count: 20).joined()))
        }
    }

    @Test func recordLayerWrapsAndUnwraps() throws {
        var client: FakeTLSRecordLayer = FakeTLSRecordLayer(sendsChangeCipherSpec: true)
        let data: [UInt8] = (0 ..< 6000).map { UInt8(truncatingIfNeeded: $0) }
        let wire: [UInt8] = client.wrap(data)
        #expect(Array(wire.prefix(11)) == [0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x17, 0x03, 0x03, 0x0b, 0x3e])
        #expect(wire.count == 6 + 6000 + 3 * 5)
        #expect(Array(client.wrap([1]).prefix(5)) == [0x17, 0x03, 0x03, 0x00, 0x01])
        var server: FakeTLSRecordLayer = FakeTLSRecordLayer(sendsChangeCipherSpec: false)
        var out: [UInt8] = []
        for start in stride(from: 0, to: wire.count, by: 777) { out += try server.unwrap(Array(wire[start ..< min(start + 777, wire.count)])) }
        #expect(out == data)
        #expect(throws: FakeTLSError.unexpectedRecord(0x16)) { _ = try server.unwrap([0x16, 0x03, 0x03, 0x00, 0x00]) }
    }
}

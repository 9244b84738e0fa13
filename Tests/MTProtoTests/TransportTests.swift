@testable import MTProto
import Testing

/// Framing rules not covered by the independent streams: errors, quick acks, limits, corruption.
@Suite struct TransportTests {
    static func serverFrame(_ kind: TransportKind, _ payload: [UInt8]) -> [UInt8] {
        var framer: Framer = Framer(kind: kind, role: .server)
        return framer.frame(payload, padding: { [] })
    }

    @Test(arguments: [TransportKind.abridged, .intermediate, .paddedIntermediate, .full])
    func transportErrorCodesAreTyped(kind: TransportKind) {
        for (code, reaction) in [(Int32(-404), TransportError.Reaction.forgetKeyAndRedoExchange), (-429, .backOff), (-444, .invalidDataCentre)] {
            var client: TransportCodec = TransportCodec(clientKind: kind)
            let frame: [UInt8] = Self.serverFrame(kind, le32(UInt32(bitPattern: code)))
            #expect(throws: TransportError.server(code: code)) { _ = try client.decode(frame) }
            #expect(TransportError.server(code: code).reaction == reaction)
        }
    }

    @Test(arguments: [TransportKind.abridged, .intermediate, .paddedIntermediate, .full])
    func packetsSurviveArbitrarySplits(kind: TransportKind) throws {
        let payloads: [[UInt8]] = [24, 64, 508, 4096, 70_000].map { n in (0 ..< n).map { UInt8(truncatingIfNeeded: $0 * 31 + n) } }
        var server: Framer = Framer(kind: kind, role: .server)
        var stream: [UInt8] = []
        for p in payloads { stream += server.frame(p, padding: { [7, 7, 7] }) }
        var client: TransportCodec = TransportCodec(clientKind: kind)
        _ = client.takePreamble()
        var events: [TransportEvent] = []
        var index: Int = 0
        var step: Int = 1
        while index < stream.count {
            events += try client.decode(Array(stream[index ..< min(index + step, stream.count)]))
            index += step
            step = step * 3 % 1001 + 1
        }
        let expected: [TransportEvent] = payloads.map { .packet(kind == .paddedIntermediate ? $0 + [7, 7, 7] : $0) }
        #expect(events == expected)
    }

    @Test func oversizedFramesAreRejectedBeforeBuffering() {
        var intermediate: TransportCodec = TransportCodec(clientKind: .intermediate)
        #expect(throws: TransportError.frameTooLarge(0x7fff_fff0)) { _ = try intermediate.decode([0xf0, 0xff, 0xff, 0x7f]) }
        var abridged: TransportCodec = TransportCodec(clientKind: .abridged)
        #expect(throws: TransportError.frameTooLarge(0xff_ffff * 4)) { _ = try abridged.decode([0x7f, 0xff, 0xff, 0xff]) }
        var full: TransportCodec = TransportCodec(clientKind: .full)
        #expect(throws: TransportError.malformedFrame("full transport length 4 below 12")) { _ = try full.decode([4, 0, 0, 0]) }
    }

    @Test func fullTransportChecksCRCAndSequence() throws {
        var server: Framer = Framer(kind: .full, role: .server)
        let first: [UInt8] = server.frame([UInt8](repeating: 1, count: 24), padding: { [] })
        var corrupted: [UInt8] = first
        corrupted[10] ^= 1
        var client: TransportCodec = TransportCodec(clientKind: .full)
        #expect(throws: TransportError.checksumMismatch) { _ = try client.decode(corrupted) }
        // Skipping a frame breaks the sequence.
        let second: [UInt8] = server.frame([UInt8](repeating: 2, count: 24), padding: { [] })
        var fresh: TransportCodec = TransportCodec(clientKind: .full)
        #expect(throws: TransportError.sequenceMismatch(expected: 0, received: 1)) { _ = try fresh.decode(second) }
    }

    @Test func quickAcksAreRecognised() throws {
        var intermediate: TransportCodec = TransportCodec(clientKind: .intermediate)
        #expect(try intermediate.decode([0x78, 0x56, 0x34, 0x92]) == [.quickAck(0x9234_5678)])
        var abridged: TransportCodec = TransportCodec(clientKind: .abridged)
        #expect(try abridged.decode([0x92, 0x34, 0x56, 0x78]) == [.quickAck(0x9234_5678)])
    }

    @Test func obfuscatedHeadersAvoidForbiddenPatterns() {
        #expect(TransportCodec.isForbiddenInitHeader([0xef] + [UInt8](repeating: 1, count: 63)))
        #expect(TransportCodec.isForbiddenInitHeader(Array("HEAD".utf8) + [UInt8](repeating: 1, count: 60)))
        #expect(TransportCodec.isForbiddenInitHeader([1, 2, 3, 4, 0, 0, 0, 0] + [UInt8](repeating: 1, count: 56)))
        #expect(!TransportCodec.isForbiddenInitHeader([1, 2, 3, 4, 5, 0, 0, 0] + [UInt8](repeating: 1, count: 56)))
        for _ in 0 ..< 200 {
            var codec: TransportCodec = TransportCodec(clientKind: .intermediate, obfuscation: Obfuscation())
            let header: [UInt8] = codec.takePreamble()
            #expect(header.count == 64 && header[0] != 0xef)
        }
    }

    @Test func proxySecretsAreParsed() {
        #expect(Obfuscation.parseProxySecret(hex: "00112233445566778899aabbccddeeff")?.requiresPadding == false)
        #expect(Obfuscation.parseProxySecret(hex: "dd00112233445566778899aabbccddeeff")?.requiresPadding == true)
        #expect(Obfuscation.parseProxySecret(hex: "ee00112233445566778899aabbccddeeff6578616d706c652e636f6d") == nil)
    }
}

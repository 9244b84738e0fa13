import FuzzSupport
import MTProto

/// The first byte picks a framing (and obfuscation); the rest is fed in two pieces to the client's
/// decoder and to the server's framing detector.
@_cdecl("FuzzTransport_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let input: [UInt8] = bytes(data, size)
        guard let selector = input.first else { return 0 }
        let kinds: [TransportKind] = [.abridged, .intermediate, .paddedIntermediate, .full]
        let kind: TransportKind = kinds[Int(selector) % kinds.count]
        let obfuscation: Obfuscation? = selector & 0x10 != 0 ? Obfuscation() : nil
        var codec: TransportCodec = TransportCodec(clientKind: kind, obfuscation: obfuscation)
        _ = codec.takePreamble()
        let rest: [UInt8] = Array(input.dropFirst())
        let split: Int = rest.count / 2
        _ = try? codec.decode(Array(rest[..<split]))
        _ = try? codec.decode(Array(rest[split...]))
        var detector: TransportCodec.ServerDetector = TransportCodec.ServerDetector()
        if case let (server, _)?? = try? detector.feed(rest) {
            var decoder: TransportCodec = server
            _ = try? decoder.decode(rest)
        }
        return 0
    }
}

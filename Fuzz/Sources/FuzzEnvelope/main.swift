import FuzzSupport
import MTProto
import MTProtoFuzzing

/// Any bytes as a packet for a fixed key (the envelope checks), then the same bytes driving
/// ``EnvelopeFuzzServer``: correctly encrypted packets, fuzz-chosen TL, to a session with five
/// requests in flight (results, acks, salts, bad_msg codes, state requests, containers, gzip).
@_cdecl("FuzzEnvelope_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let input: [UInt8] = bytes(data, size)
        _ = try? Envelope(authKey: EnvelopeFuzzServer.authKey).decrypt(input, sender: .server)
        _ = EnvelopeFuzzServer.run(input)
        return 0
    }
}

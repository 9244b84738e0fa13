import FuzzSupport
import MTProtoFuzzing

/// The client side of the key exchange against a server that holds the private key
/// (``HandshakeFuzzServer``): the input chooses each answer's fields and corruptions, so runs get past
/// the nonce and SHA-1 checks into the DH and new_nonce_hash checks. A server that cannot read the
/// client's own messages is a client bug: it stops the run as a crash.
@_cdecl("FuzzHandshake_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        if case .serverStopped(let reason) = HandshakeFuzzServer.run(bytes(data, size)) {
            fatalError("the fuzzing server could not read the client: \(reason)")
        }
        return 0
    }
}

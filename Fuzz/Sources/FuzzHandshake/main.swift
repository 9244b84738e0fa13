import FuzzSupport
import MTProto
import TLSchema

/// Randomness that is all zeros: the client's nonce and new_nonce are fixed, so the fuzzer can
/// learn answers that pass the nonce checks and reach the deeper ones.
struct ZeroEntropy: EntropySource {
    func randomBytes(count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }
}

/// The client side of the key exchange fed arbitrary server answers: the input is cut into up to
/// three answers (2-byte big-endian lengths); each is wrapped as an unencrypted message.
@_cdecl("FuzzHandshake_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        var input: ArraySlice<UInt8> = bytes(data, size)[...]
        var handshake: ClientHandshake = ClientHandshake(dcID: 2, keys: TelegramKeys.production, entropy: ZeroEntropy())
        _ = handshake.start(now: 1_735_689_600)
        for _ in 0 ..< 3 {
            guard input.count >= 2 else { break }
            let length: Int = Int(input[input.startIndex]) << 8 | Int(input[input.startIndex + 1])
            input = input.dropFirst(2)
            let body: [UInt8] = Array(input.prefix(length))
            input = input.dropFirst(length)
            let packet: [UInt8] = PlainMessage.encode(messageID: Int64(1_735_689_600) << 32 | 1, body: body)
            guard (try? handshake.receive(packet, now: 1_735_689_600)) != nil else { break }
        }
        return 0
    }
}

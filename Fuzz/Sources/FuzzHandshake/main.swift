import FuzzSupport
import MTProto
import TLSchema

/// Randomness that is the same sequence on every run (xorshift from a fixed seed): the client's
/// nonce is fixed, so the fuzzer can learn answers that pass the nonce checks and reach the deeper ones.
final class FixedEntropy: EntropySource, @unchecked Sendable {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    func randomBytes(count: Int) -> [UInt8] {
        (0 ..< count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// The client side of the key exchange fed arbitrary server answers: the input is cut into up to
/// three answers (2-byte big-endian lengths); each is wrapped as an unencrypted message.
@_cdecl("FuzzHandshake_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        var input: ArraySlice<UInt8> = bytes(data, size)[...]
        var handshake: ClientHandshake = ClientHandshake(dcID: 2, keys: TelegramKeys.production, entropy: FixedEntropy())
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

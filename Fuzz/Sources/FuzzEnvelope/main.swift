import FuzzSupport
import MTProto

/// Any bytes as a packet for a session with a fixed key: the envelope checks, then (for anything
/// that decrypts) the session's processing of the body.
@_cdecl("FuzzEnvelope_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { (data: UnsafePointer<UInt8>?, size: Int) -> CInt in
        let input: [UInt8] = bytes(data, size)
        let key: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(($0 * 13 + 7) & 0xff) })!
        _ = try? Envelope(authKey: key).decrypt(input, sender: .server)
        // The same bytes as a message body, encrypted properly, so the session's parser sees them.
        var session: SessionState = SessionState(authKey: key, salt: 1, timeOffset: 0, timeSynchronised: false, sessionID: 7)
        let now: Double = 1_735_689_600
        let messageID: Int64 = Int64(now) << 32 | 1
        let padded: [UInt8] = input.count % 4 == 0 ? input : input + [UInt8](repeating: 0, count: 4 - input.count % 4)
        let packet: [UInt8] = Envelope(authKey: key).encrypt(
            salt: 1, sessionID: 7, messageID: messageID, seqNo: 1, body: padded, sender: .server, entropy: SystemEntropy())
        _ = try? session.receive(packet, now: now)
        _ = session.nextPacket(now: now)
        return 0
    }
}

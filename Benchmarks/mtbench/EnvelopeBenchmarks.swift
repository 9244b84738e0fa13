import Foundation
import MTProto
import TLSchema

/// The envelope figures, measured as Telethon's `MTProtoState` is (Scripts/telethon/bench_mtproto.py):
/// one round trip = encrypt one client→server message (a new msg_id and seq_no, then the envelope)
/// + receive one server→client message with the same body.
///
/// - `envelope_roundtrips_per_s_*` (the compared figure): the receive is our full receive path,
///   `SessionState.receive` (auth_key_id, AES-IGE, msg_key in constant time, length and padding
///   bounds, session id, msg_id parity, time window, replay window, seq_no/ack bookkeeping) and then
///   the TL parse of the body as `upload.File`. Telethon's `decrypt_message_data` does the same
///   (key id, AES-IGE, msg_key, session id, parity, duplicates, time window, `tgread_object()`).
///   Every received packet has its own msg_id (a pool of packets encrypted beforehand, a fresh
///   session each time round the pool), so the replay check passes as it would on a live connection.
/// - `envelope_crypto_roundtrips_per_s_*`: `Envelope.encrypt` + `Envelope.decrypt` of the same packet
///   only (no session checks, no TL parse): less work than Telethon's round trip, shown for reference.
enum EnvelopeBenchmarks {
    static let salt: Int64 = 0x0102_0304_0506_0708
    static let sessionID: Int64 = -0x1122_3344_5566_7788

    static func run(inputs: URL) throws -> [(String, Double)] {
        let key: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(($0 * 13 + 7) & 0xff) })!
        var figures: [(String, Double)] = []
        for (name, file, pool) in [("128b", "envelope_payload_128.bin", 4096), ("64kib", "envelope_payload_65536.bin", 16)] {
            let body: [UInt8] = [UInt8](try Data(contentsOf: inputs.appendingPathComponent(file)))
            _ = try Api.upload.File(decoding: body)
            figures.append(("envelope_roundtrips_per_s_\(name)", try fullRoundTrips(key: key, body: body, pool: pool)))
            figures.append(("envelope_crypto_roundtrips_per_s_\(name)", cryptoRoundTrips(key: key, body: body)))
        }
        return figures
    }

    /// Seconds since 1970 (what msg_ids are made of).
    static func unixNow() -> Double { Date().timeIntervalSince1970 }

    /// Client encrypt + full receive (session checks and TL parse) per round trip.
    static func fullRoundTrips(key: AuthKey, body: [UInt8], pool size: Int) throws -> Double {
        let entropy: SystemEntropy = SystemEntropy()
        let envelope: Envelope = Envelope(authKey: key)
        let base: Int64 = Int64(unixNow()) << 32
        let packets: [[UInt8]] = (0 ..< size).map { (i: Int) -> [UInt8] in
            envelope.encrypt(
                salt: salt, sessionID: sessionID, messageID: base + Int64(i + 1) * 4 + 1, seqNo: Int32(2 * i + 1),
                body: body, sender: .server, entropy: entropy)
        }
        func freshSession() -> SessionState {
            SessionState(authKey: key, salt: salt, timeOffset: 0, timeSynchronised: true, sessionID: sessionID, entropy: entropy)
        }
        var session: SessionState = freshSession()
        var next: Int = 0
        var ids: MessageIDGenerator = MessageIDGenerator()
        var seq: Int32 = 0
        var failure: (any Error)? = nil
        let rate: Double = Measure.rate(rounds: 5, seconds: 0.4) {
            let now: Double = unixNow()
            blackHole(envelope.encrypt(
                salt: salt, sessionID: sessionID, messageID: ids.next(now: now, timeOffset: 0), seqNo: seq * 2 + 1,
                body: body, sender: .client, entropy: entropy))
            seq &+= 1
            if next == packets.count {
                session = freshSession()
                next = 0
            }
            do {
                let events: [SessionEvent] = try session.receive(packets[next], now: now)
                next += 1
                guard case .updates(let received)? = events.last else { throw BenchmarkError("the packet gave no message: \(events)") }
                blackHole(try Api.upload.File(decoding: received))
            } catch {
                failure = error
            }
        }
        if let failure { throw BenchmarkError("full receive path failed: \(failure)") }
        return rate
    }

    /// `Envelope.encrypt` + `Envelope.decrypt` of one packet: the crypto part only.
    static func cryptoRoundTrips(key: AuthKey, body: [UInt8]) -> Double {
        let envelope: Envelope = Envelope(authKey: key)
        let entropy: SystemEntropy = SystemEntropy()
        return Measure.rate(rounds: 5, seconds: 0.4) {
            let packet: [UInt8] = envelope.encrypt(
                salt: salt, sessionID: sessionID, messageID: 1_735_689_600 << 32, seqNo: 1,
                body: body, sender: .client, entropy: entropy)
            blackHole(try? envelope.decrypt(packet, sender: .client))
        }
    }

    /// Raw crypto as Telethon calls it (`AES.encrypt_ige`/`decrypt_ige` through cryptg, `hashlib.sha256`):
    /// one-shot AES-256-IGE (key schedule, a new output buffer, the pass) and SHA-256, in MB/s.
    static func rawCrypto() -> [(String, Double)] {
        let key: [UInt8] = SystemEntropy().randomBytes(count: 32)
        let iv: [UInt8] = SystemEntropy().randomBytes(count: 32)
        var figures: [(String, Double)] = []
        for (name, size) in [("128b", 128), ("64kib", 65536), ("1mib", 1 << 20)] {
            let data: [UInt8] = SystemEntropy().randomBytes(count: size)
            let seconds: Double = size < 4096 ? 0.2 : 0.3
            let megabytes: Double = Double(size) / 1e6
            figures.append(("raw_ige_encrypt_mb_per_s_\(name)", Measure.rate(rounds: 5, seconds: seconds) {
                blackHole(AESIGE.encrypt(data, key: key, iv: iv))
            } * megabytes))
            figures.append(("raw_ige_decrypt_mb_per_s_\(name)", Measure.rate(rounds: 5, seconds: seconds) {
                blackHole(AESIGE.decrypt(data, key: key, iv: iv))
            } * megabytes))
            figures.append(("raw_sha256_mb_per_s_\(name)", Measure.rate(rounds: 5, seconds: seconds) {
                blackHole(Hash.sha256(data))
            } * megabytes))
        }
        return figures
    }
}

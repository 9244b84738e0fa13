import TLSchema

/// Why a key exchange failed. Every check of the protocol notes has its own case; none of them
/// carries secret material.
public enum HandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A packet that is not a well-formed unencrypted message.
    case malformedPacket(PlainMessage.Failure)
    /// The body did not decode as the expected TL object.
    case decoding(TLDecodingError)
    /// A message that does not belong at this step.
    case unexpectedMessage(String)
    /// `nonce` differs from the one we sent.
    case nonceMismatch
    /// `server_nonce` differs from the one in `resPQ`.
    case serverNonceMismatch
    /// None of the server's RSA fingerprints belongs to a key we hold.
    case unknownFingerprints([Int64])
    /// `pq` is not a product of two primes we could find.
    case pqNotFactorizable
    /// RSA_PAD refused the inner data.
    case innerDataTooLong
    /// RSA_PAD found no usable temporary key: the entropy source returns the same bytes.
    case brokenRandomness
    /// `encrypted_answer` length is not a multiple of 16 (or too short).
    case invalidEncryptedAnswerLength(Int)
    /// SHA1 of the decrypted answer does not match.
    case answerHashMismatch
    /// More than 15 bytes of padding after the answer.
    case answerPaddingTooLong(Int)
    /// The DH parameters failed a check.
    case invalidDHParameters(DHParameters.Failure)
    /// The server answered `req_DH_params` with `server_DH_params_fail`: start over.
    case serverRefusedDHParams
    /// `new_nonce_hash1/2/3` does not match.
    case newNonceHashMismatch
    /// The server answered `dh_gen_fail`: start over.
    case serverRejectedKey
    /// `dh_gen_retry` too many times.
    case tooManyRetries
    /// The exchange already finished or failed.
    case finished

    public var description: String {
        switch self {
        case .malformedPacket(let f): return "malformed handshake packet: \(f)"
        case .decoding(let e): return "handshake message did not decode: \(e)"
        case .unexpectedMessage(let name): return "unexpected handshake message \(name)"
        case .nonceMismatch: return "nonce mismatch"
        case .serverNonceMismatch: return "server_nonce mismatch"
        case .unknownFingerprints(let f): return "no known RSA key among fingerprints \(f)"
        case .pqNotFactorizable: return "pq could not be factorised"
        case .innerDataTooLong: return "p_q_inner_data longer than RSA_PAD allows"
        case .brokenRandomness: return "the random number source keeps returning the same bytes"
        case .invalidEncryptedAnswerLength(let n): return "encrypted_answer of \(n) bytes"
        case .answerHashMismatch: return "SHA1 of the server's DH answer does not match"
        case .answerPaddingTooLong(let n): return "\(n) bytes of padding after the DH answer"
        case .invalidDHParameters(let f): return "invalid DH parameters: \(f)"
        case .serverRefusedDHParams: return "server answered server_DH_params_fail"
        case .newNonceHashMismatch: return "new_nonce_hash mismatch"
        case .serverRejectedKey: return "server answered dh_gen_fail"
        case .tooManyRetries: return "too many dh_gen_retry answers"
        case .finished: return "the key exchange is over"
        }
    }
}

/// The temporary AES key and IV both sides derive from the nonces (auth-key notes §6), and the
/// hashes and salt derived at the end; public for servers and test harnesses that play the other side.
public enum HandshakeKDF {
    /// The AES-256-IGE key and IV of `server_DH_inner_data` and `client_DH_inner_data`.
    public static func temporaryKeyAndIV(newNonce: [UInt8], serverNonce: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        let a: [UInt8] = Hash.sha1(newNonce, serverNonce)
        let b: [UInt8] = Hash.sha1(serverNonce, newNonce)
        let c: [UInt8] = Hash.sha1(newNonce, newNonce)
        let key: [UInt8] = a + Array(b[0 ..< 12])
        let iv: [UInt8] = Array(b[12 ..< 20]) + c + Array(newNonce[0 ..< 4])
        return (key, iv)
    }

    /// `SHA1(new_nonce ‖ n ‖ auth_key_aux_hash)[4..<20]`.
    public static func newNonceHash(_ newNonce: [UInt8], number: UInt8, authKey: AuthKey) -> [UInt8] {
        Array(Hash.sha1(newNonce, [number], authKey.auxHash)[4 ..< 20])
    }

    /// `new_nonce[0..<8] XOR server_nonce[0..<8]` as a little-endian integer.
    public static func initialSalt(newNonce: [UInt8], serverNonce: [UInt8]) -> Int64 {
        var bytes: [UInt8] = []
        for i in 0 ..< 8 { bytes.append(newNonce[i] ^ serverNonce[i]) }
        return Int64(littleEndianBytes: bytes)
    }
}

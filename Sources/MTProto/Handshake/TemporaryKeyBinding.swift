import TLSchema

/// Perfect forward secrecy: binding a temporary key to the permanent one with
/// `auth.bindTempAuthKey` (auth-key notes §12). Both sides are here, as pure functions: the client
/// builds the request for the msg_id and session it will travel in; the server (the test DC)
/// verifies it against the message that carried it.
public enum TemporaryKeyBinding {
    /// Why the server rejected a binding (Telegram answers `ENCRYPTED_MESSAGE_INVALID` for all).
    public enum Failure: Error, Equatable, Sendable {
        /// The encrypted message does not decrypt under the permanent key (or its msg_key is wrong).
        case undecryptable
        /// The inner header (msg_id, seq_no, length) does not match the message that carried it.
        case wrongHeader
        /// A field of `bind_auth_key_inner` disagrees with the request or the temporary session.
        case mismatch(String)
    }

    /// The serialized `auth.bindTempAuthKey` for a request sent with `messageID` in session
    /// `sessionID` of the temporary key. It must be rebuilt when the request is resent with another
    /// msg_id.
    public static func request(
        permanentKey: AuthKey, temporaryKey: AuthKey, nonce: Int64, expiresAt: Int32, messageID: Int64, sessionID: Int64,
        entropy: any EntropySource
    ) -> [UInt8] {
        let inner: MT.BindAuthKeyInner = MT.BindAuthKeyInner(
            nonce: nonce, tempAuthKeyId: temporaryKey.id, permAuthKeyId: permanentKey.id, tempSessionId: sessionID,
            expiresAt: expiresAt)
        let body: [UInt8] = inner.serializedBytes()
        var header: TLWriter = TLWriter(capacity: 32 + body.count)
        header.writeRaw(entropy.randomBytes(count: 16))
        header.writeInt64(messageID)
        header.writeInt32(0)
        header.writeInt32(Int32(body.count))
        header.writeRaw(body)
        let encrypted: [UInt8] = Envelope.encryptV1(plaintext: header.bytes, authKey: permanentKey, entropy: entropy)
        return Api.functions.auth.BindTempAuthKey(
            permAuthKeyId: permanentKey.id, nonce: nonce, expiresAt: expiresAt, encryptedMessage: encrypted
        ).serializedBytes()
    }

    /// Checks a binding request on the server: `request` arrived with `messageID` in session
    /// `sessionID` of `temporaryKey`; `permanentKey` is the key `request.permAuthKeyId` names.
    public static func verify(
        _ request: Api.functions.auth.BindTempAuthKey, permanentKey: AuthKey, temporaryKey: AuthKey, messageID: Int64,
        sessionID: Int64
    ) throws(Failure) {
        guard let plain = Envelope.decryptV1(request.encryptedMessage, authKey: permanentKey) else { throw Failure.undecryptable }
        guard let inner = innerMessage(plain, messageID: messageID) else { throw Failure.wrongHeader }
        if inner.nonce != request.nonce { throw Failure.mismatch("nonce") }
        if inner.tempAuthKeyId != temporaryKey.id { throw Failure.mismatch("temp_auth_key_id") }
        if inner.permAuthKeyId != request.permAuthKeyId || inner.permAuthKeyId != permanentKey.id {
            throw Failure.mismatch("perm_auth_key_id")
        }
        if inner.tempSessionId != sessionID { throw Failure.mismatch("temp_session_id") }
        if inner.expiresAt != request.expiresAt { throw Failure.mismatch("expires_at") }
    }

    /// The `bind_auth_key_inner` of a decrypted v1 plaintext whose header names `messageID`, seq_no 0
    /// and length 40; nil otherwise.
    private static func innerMessage(_ plain: [UInt8], messageID: Int64) -> MT.BindAuthKeyInner? {
        var reader: TLReader = TLReader(plain)
        guard (try? reader.readRaw(count: 16)) != nil, (try? reader.readInt64()) == messageID, (try? reader.readInt32()) == 0,
              (try? reader.readInt32()) == 40 else { return nil }
        return try? MT.BindAuthKeyInner(from: &reader)
    }
}

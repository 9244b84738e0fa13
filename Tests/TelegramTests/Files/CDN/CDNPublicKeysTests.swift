import MTProto
import Telegram
import TLSchema
import Testing

/// `help.cdnConfig` keys, fingerprinted as Telegram does (checked against Python's computation).
struct CDNPublicKeysTests {
    @Test func keysParseWithTheFingerprintsPythonComputed() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let config: Api.CdnConfig = Api.CdnConfig(publicKeys: [
            Api.CdnPublicKey(dcId: 203, publicKey: vectors.keys[0].pem),
            Api.CdnPublicKey(dcId: 205, publicKey: vectors.keys[1].pem),
            Api.CdnPublicKey(dcId: 203, publicKey: vectors.keys[0].pem),
        ])
        let keys: CDNPublicKeys = try CDNPublicKeys(config)
        #expect(keys.dcIDs == [203, 205])
        #expect(keys.keys(forDC: 203).map(\.fingerprint) == [vectors.keys[0].fingerprint])
        #expect(keys.keys(forDC: 205).map(\.fingerprint) == [vectors.keys[1].fingerprint])
        #expect(keys.keys(forDC: 205).first?.modulus == cdnHex(vectors.keys[1].modulus))
        #expect(keys.keys(forDC: 2).isEmpty)
    }

    /// The parsed key is the one the handshake takes: offered its fingerprint in `resPQ`, a client for
    /// DC 203 encrypts `req_DH_params` to it.
    @Test func theHandshakeTrustsTheParsedKey() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let keys: CDNPublicKeys = try CDNPublicKeys(Api.CdnConfig(publicKeys: [Api.CdnPublicKey(dcId: 203, publicKey: vectors.keys[0].pem)]))
        var handshake: ClientHandshake = ClientHandshake(dcID: 203, keys: keys.keys(forDC: 203))
        let first: [UInt8] = handshake.start(now: 1_700_000_000)
        let request: MT.functions.ReqPqMulti = try MT.functions.ReqPqMulti(decoding: try PlainMessage.decode(first).body)
        let resPQ: MT.ResPQ = MT.ResPQ(
            nonce: request.nonce, serverNonce: TLInt128(low: 1, high: 2), pq: [0x17, 0xED, 0x48, 0x94, 0x1A, 0x08, 0xF9, 0x81],
            serverPublicKeyFingerprints: [7, vectors.keys[0].fingerprint])
        guard case .send(let packet) = try handshake.receive(PlainMessage.encode(messageID: 1_700_000_000 << 32 | 1, body: resPQ.serializedBytes()), now: 1_700_000_000) else {
            Issue.record("no req_DH_params")
            return
        }
        let reqDH: MT.functions.ReqDHParams = try MT.functions.ReqDHParams(decoding: try PlainMessage.decode(packet).body)
        #expect(reqDH.publicKeyFingerprint == vectors.keys[0].fingerprint)
    }

    @Test func aBrokenKeyRefusesTheConfigurationNamingItsDC() throws {
        let vectors: CDNVectors = try CDNVectors.load()
        let config: Api.CdnConfig = Api.CdnConfig(publicKeys: [
            Api.CdnPublicKey(dcId: 203, publicKey: vectors.keys[0].pem),
            Api.CdnPublicKey(dcId: 207, publicKey: "-----BEGIN RSA PUBLIC KEY-----\n!!!\n-----END RSA PUBLIC KEY-----"),
        ])
        #expect(throws: CDNKeyError.invalidKey(dcID: 207, .invalidBase64)) { try CDNPublicKeys(config) }
        #expect(throws: CDNKeyError.invalidKey(dcID: 1, .notPEM)) {
            try CDNPublicKeys(Api.CdnConfig(publicKeys: [Api.CdnPublicKey(dcId: 1, publicKey: "")]))
        }
    }

    @Test func theNumberOfKeysIsBounded() {
        let many: [Api.CdnPublicKey] = (0 ... CDNPublicKeys.maximumKeys).map { Api.CdnPublicKey(dcId: Int32($0), publicKey: "") }
        #expect(throws: CDNKeyError.tooManyKeys(CDNPublicKeys.maximumKeys + 1)) { try CDNPublicKeys(Api.CdnConfig(publicKeys: many)) }
    }
}

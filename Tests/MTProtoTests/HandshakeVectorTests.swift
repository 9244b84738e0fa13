@testable import MTProto
import TLSchema
import Testing

/// The client state machine against the official handshake sample (core.telegram.org
/// samples-auth_key, values re-derived in the protocol notes §11): with the sample's randomness the
/// client produces the sample's bytes and key.
@Suite struct HandshakeVectorTests {
    static let nonce: [UInt8] = hex("406709F612FADFBEC3F0289D0AA67EEF")
    static let serverNonce: [UInt8] = hex("E11DBC3BC97D91A26154F932AF019943")
    static let newNonce: [UInt8] = hex("A8BBC849512DAC6C67B6EFD9157D6CA7377A1776307D84265C6BE9BDCF802AC1")
    static let gA: [UInt8] = hex("""
        0A77200BDFF6E6C4C126A2C41DF310AB3A3BDBD698CD480749E1F3C64FB1CFC9DFC70AC6F1AA671019620A640055B2CF
        7D7D99CC86533645C0FA000954DE2987BAD68D7450CF134C9F0305F34C1BB285DA8233F65970A01C4BD3AFD5EA3CD586
        4B8F1DCB35D5E9737DF15063C54CF53048EF519A280498DDDAF23764F29FFB0C5813CAAD90C319BE8592B78C4BE815E6
        5ADA7C62EA23754B5A2C5A86C4721872D0CC48E0F895C3EBE186E81E5F0E88A6B3F09101C409AF3410B64238FBF2A209
        5E3F3B7FFC7EB3A02A319B99A155647BC59958BCDFED8A1CC6EB7F13F8600E521D9D0247B0F639F2FA3B09F72987781F
        71C0E8AA950167DE5092380B4853E7F1
        """)
    static let b: [UInt8] = hex("""
        1376A5A6BF7A9F874B47028F3D5CFF0689FD52F58949BB0EE9BACDBE81DD1CED07101844EB6F2AE19E61120B84799431
        F445785E33A18141399821479AE96786E0F4E9C5C6C9E46BF562C21C96B0F8F7438C8CABA3DFCB3DD3B886C2A37B95ED
        804315335C0DDFFEB3A278243D89F964278BC734D1087D6D4B554C1F78397A414F440E38BA9A4F1211B20AE835437762
        F81A45FDB035BB2220D939693084B39A3C7BE2481309AB9AE378EAB8BB3A15A69EBA80BEF683582E2218FA604E823EAB
        D111553D31DBB46B9383A0D8EEF615FFF9CF266C970800AA28AC5E962D20351311A815FFA7562989CA6D6323BF2B5AF4
        0EF3F45021B7445664852D07B80172CE
        """)
    static let authKey: [UInt8] = hex("""
        ACA2547BAA3B4B3E6AD9129ADEE796042FC4ACAAABA40DCE7A1196640595829E2BA85C5E68E5D2B7B713B28720CCD0E6
        5DA3B80CD8A9282BDE895755B924F4CBBCED119DEE057D3066D7095C25771A53D9AD6EC3464EE0E7FE1A4D9851F17B6C
        C7D6E636E0BDEA7D66153CF37005835A528E65673C1F5ADAA27465964BA89AA6FD045108B25B1DC9AB2D979864858C9E
        ACBFA4A399CDBF2154D2CC6743C5CAA40683343D80A36C7F1289DC5AC5EE585DEA1E1CD296444EA6CD8F6C3564B2D355
        B310A3C02608EEA5EC36D38E941BF811489AB7A24C069E44FF54714CB4A45EEE2F310FDDC0A1B08BD3DFF8801E27C850
        8EFD7AD51EF3C13EF1D9A02EE4601741
        """)
    static let serverTime: Int32 = 1_707_425_105

    /// The sample's randomness: nonce, new_nonce, zero RSA padding, b, and the client padding.
    static func sampleEntropy() -> ScriptedEntropy {
        var gave32: Bool = false
        return ScriptedEntropy { (count: Int) -> [UInt8] in
            switch count {
            case 16: return nonce
            case 32 where !gave32:
                gave32 = true
                return newNonce
            case 256: return b
            case 12: return hex("74876952857BA6AAA495A20D")
            default: return [UInt8](repeating: 0, count: count)
            }
        }
    }

    static func plain(_ object: some TLSerializable, messageID: Int64 = 0x65C5_3D50_0006_72D9) -> [UInt8] {
        PlainMessage.encode(messageID: messageID, body: object.serializedData())
    }

    static func resPQ(fingerprints: [Int64] = [TelegramKeys.production[0].fingerprint], nonce: [UInt8] = nonce) -> [UInt8] {
        plain(MT.ResPQ(
            nonce: TLInt128(bytes: nonce)!, serverNonce: TLInt128(bytes: serverNonce)!, pq: hex("17ED48941A08F981"),
            serverPublicKeyFingerprints: fingerprints))
    }

    /// `server_DH_params_ok` built like the sample's server would, with optional tampering (the
    /// server_nonce of the outer message and of the encrypted inner data apart).
    static func dhParams(
        g: Int32 = 3, prime: [UInt8] = DHParameters.knownPrime, gA: [UInt8] = gA, nonce: [UInt8] = nonce,
        corruptHash: Bool = false, extraPadding: Int = 0, outerServerNonce: [UInt8] = serverNonce, innerServerNonce: [UInt8] = serverNonce
    ) -> [UInt8] {
        let inner: MT.ServerDHInnerData = MT.ServerDHInnerData(
            nonce: TLInt128(bytes: nonce)!, serverNonce: TLInt128(bytes: innerServerNonce)!, g: g, dhPrime: prime, gA: gA,
            serverTime: serverTime)
        let answer: [UInt8] = inner.serializedBytes()
        var withHash: [UInt8] = Hash.sha1(answer) + answer
        if corruptHash { withHash[3] ^= 1 }
        withHash += [UInt8](repeating: 0, count: (16 - withHash.count % 16) % 16 + extraPadding)
        let (key, iv): ([UInt8], [UInt8]) = HandshakeKDF.temporaryKeyAndIV(newNonce: newNonce, serverNonce: serverNonce)
        return plain(MT.ServerDHParams.serverDHParamsOk(MT.ServerDHParams.ServerDHParamsOk(
            nonce: TLInt128(bytes: nonce)!, serverNonce: TLInt128(bytes: outerServerNonce)!,
            encryptedAnswer: AESIGE.encrypt(withHash, key: key, iv: iv))))
    }

    /// `server_DH_params_fail`, its hash the low 128 bits of SHA1(new_nonce) unless given.
    static func dhParamsFail(
        nonce: [UInt8] = nonce, serverNonce: [UInt8] = serverNonce, hash: [UInt8] = Array(Hash.sha1(newNonce)[4 ..< 20])
    ) -> [UInt8] {
        plain(MT.ServerDHParams.serverDHParamsFail(MT.ServerDHParams.ServerDHParamsFail(
            nonce: TLInt128(bytes: nonce)!, serverNonce: TLInt128(bytes: serverNonce)!, newNonceHash: TLInt128(bytes: hash)!)))
    }

    static func dhGenOK(hash: [UInt8] = hex("1142871352165E59E1124036B48B97D3")) -> [UInt8] {
        plain(MT.SetClientDHParamsAnswer.dhGenOk(MT.SetClientDHParamsAnswer.DhGenOk(
            nonce: TLInt128(bytes: nonce)!, serverNonce: TLInt128(bytes: serverNonce)!, newNonceHash1: TLInt128(bytes: hash)!)))
    }

    static let now: Double = 1_707_425_100.25

    @Test func officialSampleProducesTheSampleKey() throws {
        var client: ClientHandshake = ClientHandshake(dcID: 2, keys: TelegramKeys.production, entropy: Self.sampleEntropy())
        let first: [UInt8] = client.start(now: Self.now)
        let firstBody: [UInt8] = try PlainMessage.decode(first).body
        #expect(hexString(firstBody) == "f18e7ebe406709f612fadfbec3f0289d0aa67eef")

        guard case .send(let reqDH) = try client.receive(Self.resPQ(), now: Self.now) else {
            Issue.record("expected req_DH_params")
            return
        }
        let request: MT.functions.ReqDHParams = try MT.functions.ReqDHParams(decoding: try PlainMessage.decode(reqDH).body)
        #expect(request.p == hex("494C553B"))
        #expect(request.q == hex("53911073"))
        #expect(request.publicKeyFingerprint == Int64(bitPattern: 0xd09d_1d85_de64_fd85))
        #expect(request.encryptedData.count == 256)

        guard case .send(let setDH) = try client.receive(Self.dhParams(), now: Self.now) else {
            Issue.record("expected set_client_DH_params")
            return
        }
        let set: MT.functions.SetClientDHParams = try MT.functions.SetClientDHParams(decoding: try PlainMessage.decode(setDH).body)
        #expect(set.encryptedData.count == 336)
        #expect(hexString(Array(set.encryptedData.prefix(16))) == "14d185e575255986c29be3a0437d525b")
        #expect(hexString(Array(set.encryptedData.suffix(8))) == "829d746b704130b1")

        guard case .done(let result) = try client.receive(Self.dhGenOK(), now: Self.now) else {
            Issue.record("expected the key")
            return
        }
        #expect(result.authKey.bytes == Self.authKey)
        #expect(result.authKey.id == 5_654_532_459_904_850_021)
        #expect(result.serverSalt == -3_585_621_112_631_548_343)
        #expect(result.timeOffset == 5)
        #expect(result.expiresAt == nil)
        #expect(!result.description.contains("ACA2547B") && !result.authKey.description.lowercased().contains("aca2547b"))
    }

    /// Drives the client to the step where `packet` is answered, returning the error it throws.
    static func failure(at step: Int, with packet: [UInt8], keys: [RSAPublicKey] = TelegramKeys.production) -> HandshakeError? {
        var client: ClientHandshake = ClientHandshake(dcID: 2, keys: keys, entropy: sampleEntropy())
        _ = client.start(now: now)
        do {
            if step >= 2 { _ = try client.receive(resPQ(), now: now) }
            if step >= 3 { _ = try client.receive(dhParams(), now: now) }
            _ = try client.receive(packet, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyCheckRejectsItsBadCase() {
        let otherNonce: [UInt8] = [UInt8](repeating: 7, count: 16)
        #expect(Self.failure(at: 1, with: Self.resPQ(nonce: otherNonce)) == .nonceMismatch)
        #expect(Self.failure(at: 1, with: Self.resPQ(fingerprints: [1, 2])) == .unknownFingerprints([1, 2]))
        #expect(Self.failure(at: 2, with: Self.dhParams(nonce: otherNonce)) == .nonceMismatch)
        #expect(Self.failure(at: 2, with: Self.dhParams(corruptHash: true)) == .answerHashMismatch)
        #expect(Self.failure(at: 2, with: Self.dhParams(extraPadding: 16)) == .answerPaddingTooLong(24))
        #expect(Self.failure(at: 2, with: Self.dhParams(g: 2)) == .invalidDHParameters(.invalidGenerator(2)))
        #expect(Self.failure(at: 2, with: Self.dhParams(g: 5)) == .invalidDHParameters(.invalidGenerator(5)))
        #expect(Self.failure(at: 2, with: Self.dhParams(g: 9)) == .invalidDHParameters(.invalidGenerator(9)))
        var notPrime: [UInt8] = DHParameters.knownPrime
        notPrime[255] ^= 2
        #expect(Self.failure(at: 2, with: Self.dhParams(prime: notPrime)) == .invalidDHParameters(.primeNotSafe))
        #expect(Self.failure(at: 2, with: Self.dhParams(gA: [1])) == .invalidDHParameters(.valueOutOfRange))
        let pMinusOne: [UInt8] = BigNumber(bytes: DHParameters.knownPrime).subtracting(BigNumber(1)).bytes
        #expect(Self.failure(at: 2, with: Self.dhParams(gA: pMinusOne)) == .invalidDHParameters(.valueOutOfRange))
        #expect(Self.failure(at: 3, with: Self.dhGenOK(hash: [UInt8](repeating: 0, count: 16))) == .newNonceHashMismatch)
        #expect(Self.failure(at: 2, with: Self.dhParamsFail()) == .serverRefusedDHParams)
        #expect(Self.failure(at: 2, with: Self.dhParamsFail(nonce: otherNonce)) == .nonceMismatch)
        #expect(Self.failure(at: 2, with: Self.dhParamsFail(hash: [UInt8](repeating: 0, count: 16))) == .newNonceHashMismatch)
        #expect(Self.failure(at: 1, with: Self.dhGenOK()) == .unexpectedMessage("dh_gen_ok"))
        #expect(Self.failure(at: 1, with: [1, 2, 3]) == .malformedPacket(.tooShort(3)))
    }

    @Test func aTemporaryKeyUsesTheTempInnerDataAndExpires() throws {
        var client: ClientHandshake = ClientHandshake(
            dcID: 2, keys: TelegramKeys.production, temporaryKeyLifetime: 3600, entropy: Self.sampleEntropy())
        _ = client.start(now: Self.now)
        _ = try client.receive(Self.resPQ(), now: Self.now)
        _ = try client.receive(Self.dhParams(), now: Self.now)
        guard case .done(let result) = try client.receive(Self.dhGenOK(), now: Self.now) else {
            Issue.record("expected the key")
            return
        }
        #expect(result.expiresAt == Self.serverTime + 3600)
    }
}

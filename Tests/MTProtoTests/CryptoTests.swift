import CMTProtoCrypto
@testable import MTProto
import TLSchema
import Testing

/// Crypto primitives against the vectors in the protocol notes.
@Suite struct CryptoTests {
    /// The block-wise SHA-256 (SHA extensions and portable C) against OpenSSL, for every padding case.
    @Test func sha256BlocksMatchOpenSSL() {
        let entropy: SystemEntropy = SystemEntropy()
        for length in Array(0 ..< 200) + [4096, 65_536 + 32] {
            let message: [UInt8] = entropy.randomBytes(count: length)
            var padded: [UInt8] = message + [0x80]
            while padded.count % 64 != 56 { padded.append(0) }
            padded += (0 ..< 8).map { UInt8(truncatingIfNeeded: UInt64(length * 8) >> (56 - 8 * $0)) }
            for extensions in [Int32(0), 1] {
                var state: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
                mtp_sha256_blocks(&state, padded, padded.count / 64, extensions)
                let digest: [UInt8] = state.flatMap { (word: UInt32) -> [UInt8] in (0 ..< 4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
                #expect(digest == Hash.sha256(message), "length \(length), extensions \(extensions)")
            }
        }
    }

    @Test func shaDigests() {
        #expect(hexString(Hash.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hexString(Hash.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hash.sha256(Array("ab".utf8), Array("c".utf8)) == Hash.sha256(Array("abc".utf8)))
        #expect(Hash.sha256(slices: [Array("a".utf8)[...], Array("bc".utf8)[...]]) == Hash.sha256(Array("abc".utf8)))
    }

    @Test func pbkdf2SHA512() {
        // RFC-style vector: password "password", salt "salt", 1 iteration.
        let derived: [UInt8] = Hash.pbkdf2SHA512(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1)
        #expect(hexString(derived) == "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce")
    }

    @Test func aesIGEVector() {
        // auth-key notes §11: key = iv = plaintext = bytes 00..1f.
        let bytes: [UInt8] = (0 ..< 32).map { UInt8($0) }
        let encrypted: [UInt8] = AESIGE.encrypt(bytes, key: bytes, iv: bytes)
        #expect(hexString(encrypted) == "e28112a53e5c89c7b1ea8071c133699fd4e86b26c4bac9fc5af1ab8ce27a44a4")
        #expect(AESIGE.decrypt(encrypted, key: bytes, iv: bytes) == bytes)
    }

    @Test func aesIGERoundTripsManyLengths() {
        let entropy: SystemEntropy = SystemEntropy()
        for blocks in [1, 2, 3, 17, 256, 4096] {
            let key: [UInt8] = entropy.randomBytes(count: 32)
            let iv: [UInt8] = entropy.randomBytes(count: 32)
            let plain: [UInt8] = entropy.randomBytes(count: blocks * 16)
            let cipher: [UInt8] = AESIGE.encrypt(plain, key: key, iv: iv)
            #expect(cipher != plain)
            #expect(AESIGE.decrypt(cipher, key: key, iv: iv) == plain)
        }
    }

    @Test func temporaryKeyDerivation() {
        // grammers vector: server_nonce = 00..0f, new_nonce = 00..1f.
        let (key, iv): ([UInt8], [UInt8]) = HandshakeKDF.temporaryKeyAndIV(
            newNonce: (0 ..< 32).map { UInt8($0) }, serverNonce: (0 ..< 16).map { UInt8($0) })
        #expect(hexString(key) == "0758f1533b615d24f6e8a94a6fcbee0a55eaab2217d7295ca9213d1a2d7d16a6")
        #expect(hexString(iv) == "5a84108e9805656ce864070e166e6218f6783e8511471a5ab7802cf200010203")
    }

    @Test(arguments: [
        (2_694_724_800_268_887_959 as UInt64, 1_513_098_571 as UInt64, 1_780_931_429 as UInt64),
        (0x17ED_4894_1A08_F981, 0x494C_553B, 0x5391_1073),
    ])
    func pqFactorization(pq: UInt64, p: UInt64, q: UInt64) throws {
        let factors: (p: UInt64, q: UInt64) = try #require(PQFactorizer.factorize(pq))
        #expect(factors.p == p)
        #expect(factors.q == q)
    }

    @Test func pqFactorizationOfPrimesFails() {
        #expect(PQFactorizer.factorize(1_000_000_007) == nil)
        #expect(PQFactorizer.factorize(1) == nil)
    }

    @Test func builtInKeyFingerprints() {
        #expect(TelegramKeys.production.map(\.fingerprint) == [
            Int64(bitPattern: 0xd09d_1d85_de64_fd85), 0x0bc3_5f35_09f7_b7a5, 0x15ae_5fa8_b552_9542,
            Int64(bitPattern: 0xaeae_98e1_3cd7_f94f), 0x5a18_1b22_3505_7d98,
        ])
        #expect(TelegramKeys.test.map(\.fingerprint) == [Int64(bitPattern: 0xb258_98df_208d_2603)])
        #expect(hexString(Array(TelegramKeys.production[0].modulus.prefix(9))) == "e8bb3305c0b52c6cf2")
    }

    @Test func rsaPadVector() throws {
        // gotd/td TestRSAPad: data = 144 × 0x61, every random byte zero, production key.
        let zero: ScriptedEntropy = ScriptedEntropy { [UInt8](repeating: 0, count: $0) }
        let out: [UInt8] = try RSAPad.encrypt([UInt8](repeating: 0x61, count: 144), key: TelegramKeys.production[0], entropy: zero)
        #expect(out.count == 256)
        #expect(hexString(Array(out.prefix(8))) == "bf68719e836806b0")
        #expect(hexString(Array(out.suffix(8))) == "1b6084f385726ff0")
        #expect(hexString(Hash.sha256(out)) == "e7f8903bc62da5a0fd544abd09f2ea52a8af7034d30ae3151c1329a451671321")
        #expect(throws: RSAPad.Failure.dataTooLong(145)) {
            _ = try RSAPad.encrypt([UInt8](repeating: 0, count: 145), key: TelegramKeys.production[0], entropy: zero)
        }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    }

    @Test func bigNumberArithmetic() {
        let p: BigNumber = BigNumber(bytes: DHParameters.knownPrime)
        #expect(p.bitCount == 2048)
        #expect(BigNumber(3).power(BigNumber(4), modulo: BigNumber(7)) == BigNumber(4))  // 81 mod 7
        #expect(BigNumber(bytes: [0, 0, 1, 2]).bytes == [1, 2])
        #expect(BigNumber(bytes: [1, 2]).bytes(paddedTo: 4) == [0, 0, 1, 2])
        #expect(BigNumber(bytes: [1, 2, 3]).bytes(paddedTo: 2) == nil)
        #expect(p.remainder(dividingBy: 8) == 3)
    }

    @Test func pemParsingRejectsGarbage() {
        #expect(throws: RSAKeyError.notPEM) { _ = try RSAPublicKey(pem: "hello") }
        #expect(throws: RSAKeyError.invalidBase64) {
            _ = try RSAPublicKey(pem: "-----BEGIN RSA PUBLIC KEY-----\n!!!!\n-----END RSA PUBLIC KEY-----")
        }
        #expect(throws: RSAKeyError.invalidDER) {
            _ = try RSAPublicKey(pem: "-----BEGIN RSA PUBLIC KEY-----\nMAMCAQE=\n-----END RSA PUBLIC KEY-----")
        }
    }
}

/// RSA_PAD, the padding Telegram requires for `p_q_inner_data` (auth-key notes §5).
public enum RSAPad {
    /// Why ``encrypt(_:key:entropy:)`` produced nothing.
    public enum Failure: Error, Equatable, Sendable {
        /// The data is longer than the 144 bytes RSA_PAD can carry.
        case dataTooLong(Int)
        /// 64 temporary keys in a row gave a value above the modulus: the randomness is broken
        /// (with a working generator each attempt succeeds with probability above 1/2).
        case noSuitableTemporaryKey
    }

    /// Encrypts `data` (≤ 144 bytes) for `key`; randomness (padding, temporary AES keys) from `entropy`.
    public static func encrypt(_ data: [UInt8], key: RSAPublicKey, entropy: any EntropySource) throws(Failure) -> [UInt8] {
        guard data.count <= 144 else { throw Failure.dataTooLong(data.count) }
        let dataWithPadding: [UInt8] = data + entropy.randomBytes(count: 192 - data.count)
        let reversed: [UInt8] = dataWithPadding.reversed()
        let modulus: BigNumber = BigNumber(bytes: key.modulus)
        for _ in 0 ..< 64 {
            let tempKey: [UInt8] = entropy.randomBytes(count: 32)
            let dataWithHash: [UInt8] = reversed + Hash.sha256(tempKey, dataWithPadding)
            let aesEncrypted: [UInt8] = AESIGE.encrypt(dataWithHash, key: tempKey, iv: [UInt8](repeating: 0, count: 32))
            let aesHash: [UInt8] = Hash.sha256(aesEncrypted)
            var keyAESEncrypted: [UInt8] = []
            keyAESEncrypted.reserveCapacity(256)
            for i in 0 ..< 32 { keyAESEncrypted.append(tempKey[i] ^ aesHash[i]) }
            keyAESEncrypted += aesEncrypted
            if BigNumber(bytes: keyAESEncrypted) < modulus {
                return key.encryptRaw(keyAESEncrypted)
            }
        }
        throw Failure.noSuitableTemporaryKey
    }

    /// The server's side: `data_with_padding` (192 bytes, the data first) from an RSA_PAD block, or
    /// nil when the block is not 256 bytes or its SHA-256 check fails.
    public static func decrypt(_ encrypted: [UInt8], key: RSAPrivateKey) -> [UInt8]? {
        guard encrypted.count == 256 else { return nil }
        let decrypted: [UInt8] = key.decryptRaw(encrypted)
        // temp_key_xor (32) ‖ aes_encrypted (224).
        let aesEncrypted: [UInt8] = Array(decrypted[32...])
        let aesHash: [UInt8] = Hash.sha256(aesEncrypted)
        let tempKey: [UInt8] = (0 ..< 32).map { decrypted[$0] ^ aesHash[$0] }
        let dataWithHash: [UInt8] = AESIGE.decrypt(aesEncrypted, key: tempKey, iv: [UInt8](repeating: 0, count: 32))
        let dataWithPadding: [UInt8] = dataWithHash[0 ..< 192].reversed()
        guard ConstantTime.equals(Hash.sha256(tempKey, dataWithPadding), Array(dataWithHash[192 ..< 224])) else { return nil }
        return dataWithPadding
    }
}

import CMTProtoCrypto
import COpenSSL

/// AES-256 in IGE mode as MTProto uses it: the 32-byte IV is `c₀ ‖ m₀`, `cᵢ = E(mᵢ ⊕ cᵢ₋₁) ⊕ mᵢ₋₁`.
/// Runs on AES-NI where the processor has it (a small C kernel), else on a portable implementation.
public struct AESIGE: Sendable {
    private var encryptKey: mtp_aes256_key = mtp_aes256_key()
    private var decryptKey: mtp_aes256_key = mtp_aes256_key()
    private let iv: [UInt8]

    /// `key` must be 32 bytes and `iv` 32 bytes.
    public init(key: [UInt8], iv: [UInt8]) {
        precondition(key.count == 32 && iv.count == 32, "AES-256-IGE needs a 32-byte key and a 32-byte IV")
        self.iv = iv
        key.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
            mtp_aes256_set_encrypt_key(&encryptKey, k.baseAddress)
            mtp_aes256_set_decrypt_key(&decryptKey, k.baseAddress)
        }
    }

    /// Encrypts `data` in place; its length must be a multiple of 16.
    public func encrypt(_ data: inout [UInt8]) {
        precondition(data.count % 16 == 0, "AES-IGE input must be a multiple of 16 bytes")
        var key: mtp_aes256_key = encryptKey
        iv.withUnsafeBufferPointer { (v: UnsafeBufferPointer<UInt8>) in
            data.withUnsafeMutableBufferPointer { (d: inout UnsafeMutableBufferPointer<UInt8>) in
                mtp_aes256_ige_encrypt(&key, v.baseAddress, d.baseAddress, d.baseAddress, d.count)
            }
        }
    }

    /// Decrypts `data` in place; its length must be a multiple of 16.
    public func decrypt(_ data: inout [UInt8]) {
        precondition(data.count % 16 == 0, "AES-IGE input must be a multiple of 16 bytes")
        var key: mtp_aes256_key = decryptKey
        iv.withUnsafeBufferPointer { (v: UnsafeBufferPointer<UInt8>) in
            data.withUnsafeMutableBufferPointer { (d: inout UnsafeMutableBufferPointer<UInt8>) in
                mtp_aes256_ige_decrypt(&key, v.baseAddress, d.baseAddress, d.baseAddress, d.count)
            }
        }
    }

    /// One-shot encryption.
    public static func encrypt(_ data: [UInt8], key: [UInt8], iv: [UInt8]) -> [UInt8] {
        var out: [UInt8] = data
        AESIGE(key: key, iv: iv).encrypt(&out)
        return out
    }

    /// One-shot decryption.
    public static func decrypt(_ data: [UInt8], key: [UInt8], iv: [UInt8]) -> [UInt8] {
        var out: [UInt8] = data
        AESIGE(key: key, iv: iv).decrypt(&out)
        return out
    }

    /// Whether the AES-NI kernel is in use on this machine.
    public static var usesHardwareAES: Bool { mtp_aesni_available() != 0 }
}

/// AES-256-CTR with a 128-bit big-endian counter (obfuscated transports); the keystream continues
/// across calls. One instance per direction of a connection.
public final class AESCTR: @unchecked Sendable {
    // Used by one connection's driver at a time; not shared between tasks.
    private let context: OpaquePointer

    /// `key` must be 32 bytes and `iv` 16 bytes.
    public init(key: [UInt8], iv: [UInt8]) {
        precondition(key.count == 32 && iv.count == 16, "AES-256-CTR needs a 32-byte key and a 16-byte IV")
        context = EVP_CIPHER_CTX_new()!
        _ = key.withUnsafeBufferPointer { (k: UnsafeBufferPointer<UInt8>) in
            iv.withUnsafeBufferPointer { (v: UnsafeBufferPointer<UInt8>) in
                EVP_EncryptInit_ex(context, EVP_aes_256_ctr(), nil, k.baseAddress, v.baseAddress)
            }
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// XORs the next keystream bytes into `data`.
    public func apply(_ data: inout [UInt8]) {
        if data.isEmpty { return }
        var produced: Int32 = 0
        data.withUnsafeMutableBufferPointer { (d: inout UnsafeMutableBufferPointer<UInt8>) in
            _ = EVP_EncryptUpdate(context, d.baseAddress, &produced, d.baseAddress, Int32(d.count))
        }
    }
}

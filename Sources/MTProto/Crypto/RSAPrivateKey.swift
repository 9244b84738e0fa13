import COpenSSL
import Foundation

/// An RSA key pair for the in-process test data centre (Telegram's own private keys are, of course,
/// not available): generated with OpenSSL, used for raw decryption of the key-exchange inner data.
public struct RSAPrivateKey: Sendable {
    /// The public half: its fingerprint goes into `resPQ`; clients of the test DC are given it (as PEM) to encrypt with.
    public let publicKey: RSAPublicKey
    /// The private exponent (big-endian). Secret.
    let privateExponent: [UInt8]

    /// A key from its parts (big-endian bytes): a fixed test key, where a generated one would make
    /// runs differ.
    public init(modulus: [UInt8], exponent: [UInt8], privateExponent: [UInt8]) {
        self.publicKey = RSAPublicKey(modulus: modulus, exponent: exponent)
        self.privateExponent = privateExponent
    }

    /// Generates a new 2048-bit key with e = 65537.
    public static func generate(bits: Int = 2048) -> RSAPrivateKey {
        let ctx: OpaquePointer = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil)!
        defer { EVP_PKEY_CTX_free(ctx) }
        precondition(EVP_PKEY_keygen_init(ctx) == 1, "RSA key generation failed to start")
        precondition(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1, "RSA key size rejected")
        var key: OpaquePointer? = nil
        precondition(EVP_PKEY_generate(ctx, &key) == 1 && key != nil, "RSA key generation failed")
        defer { EVP_PKEY_free(key) }
        func parameter(_ name: String) -> [UInt8] {
            var bn: OpaquePointer? = nil
            precondition(EVP_PKEY_get_bn_param(key, name, &bn) == 1, "RSA key has no \(name)")
            defer { BN_clear_free(bn) }
            var out: [UInt8] = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
            out.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<UInt8>) in _ = BN_bn2bin(bn, p.baseAddress) }
            return out
        }
        return RSAPrivateKey(modulus: parameter("n"), exponent: parameter("e"), privateExponent: parameter("d"))
    }

    /// Raw RSA decryption: `data ^ d mod n` as exactly `modulus.count` bytes.
    public func decryptRaw(_ data: [UInt8]) -> [UInt8] {
        let n: BigNumber = BigNumber(bytes: publicKey.modulus)
        return BigNumber(bytes: data).power(BigNumber(bytes: privateExponent), modulo: n).bytes(paddedTo: publicKey.modulus.count)!
    }
}

extension RSAPublicKey {
    /// The key as a PKCS#1 `RSA PUBLIC KEY` PEM block (the form Telegram publishes).
    public var pem: String {
        func integer(_ bytes: [UInt8]) -> [UInt8] {
            let value: [UInt8] = (bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes
            return [0x02] + derLength(value.count) + value
        }
        let body: [UInt8] = integer(modulus) + integer(exponent)
        let der: [UInt8] = [0x30] + derLength(body.count) + body
        let base64: String = Data(der).base64EncodedString()
        var lines: [String] = ["-----BEGIN RSA PUBLIC KEY-----"]
        var index: String.Index = base64.startIndex
        while index < base64.endIndex {
            let end: String.Index = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index ..< end]))
            index = end
        }
        lines.append("-----END RSA PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }
}

private func derLength(_ n: Int) -> [UInt8] {
    if n < 128 { return [UInt8(n)] }
    if n < 256 { return [0x81, UInt8(n)] }
    return [0x82, UInt8(n >> 8), UInt8(n & 0xff)]
}

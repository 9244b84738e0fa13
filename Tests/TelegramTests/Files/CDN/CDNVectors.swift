import Foundation
import TLSchema

/// `Fixtures/cdn_vectors.json`, made by Python `cryptography` (Scripts/vectors/make_cdn_vectors.py).
struct CDNVectors: Decodable {
    /// A chunk at `offset`: plaintext, chunk IV, ciphertext and SHA-256 of the plaintext, in hex.
    struct Chunk: Decodable {
        var offset: Int64
        var plain: String, iv: String, cipher: String, sha256: String
    }

    /// A PKCS#1 PEM key, its Telegram fingerprint and its modulus (hex).
    struct Key: Decodable {
        var pem: String, fingerprint: Int64, modulus: String
    }

    var key: String, iv: String
    var chunks: [Chunk], keys: [Key]

    static func load() throws -> CDNVectors {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fixtures/cdn_vectors.json")
        return try JSONDecoder().decode(CDNVectors.self, from: Data(contentsOf: url))
    }
}

/// Hex to bytes (the fixtures are lowercase hex).
func cdnHex(_ text: String) -> [UInt8] { TLHex.decode(text)! }

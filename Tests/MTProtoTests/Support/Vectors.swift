import Foundation

/// `Tests/MTProtoTests/Fixtures/crypto_vectors.json`, made by Scripts/vectors/make_crypto_vectors.py
/// with `cryptography` and Telethon 1.45 (independent implementations).
struct Vectors: Decodable {
    struct Pair: Decodable { var key: String; var iv: String; var plaintext: String; var ciphertext: String }
    struct Digest: Decodable { var input: String; var digest: String }
    struct PBKDF2: Decodable { var password: String; var salt: String; var iterations: Int; var derived: String }
    struct ModExp: Decodable { var base: String; var exponent: String; var modulus: String; var result: String }
    struct PQ: Decodable { var pq: String; var p: String; var q: String }
    struct KDF: Decodable { var auth_key: String; var msg_key: String; var x: Int; var aes_key: String; var aes_iv: String }
    struct EnvelopeCase: Decodable {
        var direction: String; var auth_key: String; var salt: Int64; var session_id: Int64; var msg_id: Int64; var seq_no: Int32
        var body: String; var plaintext: String; var packet: String
    }
    struct Transport: Decodable { var kind: String; var payloads: [String]; var stream: String; var stream_server: String }
    struct Obfuscated: Decodable {
        var transport: String; var dc_id: Int16?; var secret: String?; var `init`: String; var header: String
        var payloads: [String]; var paddings: [String]?; var stream_client: String
        var server_payloads: [String]; var stream_server: String
    }

    var aes_ige: [Pair]
    var aes_ctr: [Pair]
    var sha1: [Digest]
    var sha256: [Digest]
    var pbkdf2_sha512: [PBKDF2]
    var modexp: [ModExp]
    var pq: [PQ]
    var msg_key_kdf: [KDF]
    var envelope: [EnvelopeCase]
    var transport: [Transport]
    var obfuscated: [Obfuscated]

    static let shared: Vectors = {
        let url: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/crypto_vectors.json")
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()
}

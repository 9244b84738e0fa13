import Foundation
import TLSchema

/// An RSA public key of a Telegram data centre, used only to encrypt the inner data of the key exchange.
public struct RSAPublicKey: Sendable, Equatable {
    /// Modulus, minimal big-endian bytes.
    public let modulus: [UInt8]
    /// Public exponent, minimal big-endian bytes.
    public let exponent: [UInt8]

    /// Big-endian bytes; leading zero bytes are dropped, so equal keys compare equal and share a fingerprint.
    public init(modulus: [UInt8], exponent: [UInt8]) {
        self.modulus = Array(modulus.drop(while: { $0 == 0 }))
        self.exponent = Array(exponent.drop(while: { $0 == 0 }))
    }

    /// Reads a PEM `RSA PUBLIC KEY` (PKCS#1) or `PUBLIC KEY` (SubjectPublicKeyInfo) block.
    public init(pem: String) throws(RSAKeyError) {
        let lines: [Substring] = pem.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") }),
              let end = lines.lastIndex(where: { $0.hasPrefix("-----END ") }), begin < end else {
            throw RSAKeyError.notPEM
        }
        let body: String = lines[(begin + 1) ..< end].joined()
        guard let der = Data(base64Encoded: body) else { throw RSAKeyError.invalidBase64 }
        var reader: DERReader = DERReader(bytes: [UInt8](der))
        let isSPKI: Bool = lines[begin].contains("BEGIN PUBLIC KEY")
        var sequence: DERReader = try reader.read(tag: 0x30)
        if isSPKI {
            _ = try sequence.read(tag: 0x30)  // AlgorithmIdentifier
            var bitString: [UInt8] = try sequence.readValue(tag: 0x03)
            guard bitString.first == 0 else { throw RSAKeyError.invalidDER }
            bitString.removeFirst()
            var inner: DERReader = DERReader(bytes: bitString)
            sequence = try inner.read(tag: 0x30)
        }
        let n: [UInt8] = try sequence.readValue(tag: 0x02)
        let e: [UInt8] = try sequence.readValue(tag: 0x02)
        guard n.count >= 64, !e.isEmpty else { throw RSAKeyError.invalidDER }
        self.init(modulus: n, exponent: e)
    }

    /// The key's fingerprint as Telegram lists it in `resPQ`: the low 64 bits of
    /// `SHA1(TLbytes(n) ‖ TLbytes(e))`, read little-endian.
    public var fingerprint: Int64 {
        var writer: TLWriter = TLWriter()
        writer.writeBytes(modulus)
        writer.writeBytes(exponent)
        let hash: [UInt8] = Hash.sha1(writer.bytes)
        return Int64(littleEndianBytes: hash[12 ..< 20])
    }

    /// Raw RSA: `data ^ e mod n` as exactly `modulus.count` bytes. `data` must be below the modulus.
    public func encryptRaw(_ data: [UInt8]) -> [UInt8] {
        let n: BigNumber = BigNumber(bytes: modulus)
        let result: BigNumber = BigNumber(bytes: data).power(BigNumber(bytes: exponent), modulo: n)
        return result.bytes(paddedTo: modulus.count)!
    }
}

/// Why a PEM key could not be read.
public enum RSAKeyError: Error, Equatable, Sendable {
    case notPEM
    case invalidBase64
    case invalidDER
}

/// A minimal DER reader for RSA public keys.
struct DERReader {
    let bytes: [UInt8]
    var offset: Int = 0

    mutating func readValue(tag: UInt8) throws(RSAKeyError) -> [UInt8] {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else { throw RSAKeyError.invalidDER }
        offset += 1
        var length: Int = Int(bytes[offset])
        offset += 1
        if length & 0x80 != 0 {
            let count: Int = length & 0x7f
            guard count >= 1, count <= 3, offset + count <= bytes.count else { throw RSAKeyError.invalidDER }
            length = 0
            for _ in 0 ..< count {
                length = length << 8 | Int(bytes[offset])
                offset += 1
            }
        }
        guard length <= bytes.count - offset else { throw RSAKeyError.invalidDER }
        let value: [UInt8] = Array(bytes[offset ..< offset + length])
        offset += length
        return value
    }

    mutating func read(tag: UInt8) throws(RSAKeyError) -> DERReader {
        DERReader(bytes: try readValue(tag: tag))
    }
}

extension Int64 {
    /// Reads 8 bytes as a little-endian integer.
    init<C: Collection>(littleEndianBytes bytes: C) where C.Element == UInt8 {
        var v: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        self = Int64(bitPattern: v)
    }

    /// The 8 little-endian bytes of this integer.
    var littleEndianBytes: [UInt8] {
        let v: UInt64 = UInt64(bitPattern: self)
        return (0 ..< 8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }
}

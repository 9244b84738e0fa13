/// A TL `int128`: 16 opaque bytes (nonces), kept exactly as they appear on the wire.
public struct TLInt128: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–7 read as a little-endian integer.
    public var low: UInt64
    /// Bytes 8–15 read as a little-endian integer.
    public var high: UInt64

    /// From the two halves as read from the wire (bytes 0–7 and 8–15, each little-endian).
    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The 16 bytes in wire order. `bytes` must hold exactly 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        var reader: TLReader = TLReader(bytes)
        guard let low = try? reader.readUInt64(), let high = try? reader.readUInt64() else { return nil }
        self.init(low: low, high: high)
    }

    /// The 16 bytes in wire order.
    public var bytes: [UInt8] {
        var writer: TLWriter = TLWriter(capacity: 16)
        writer.writeInt128(self)
        return writer.bytes
    }

    public var description: String { TLHex.encode(bytes) }
}

/// A TL `int256`: 32 opaque bytes, kept exactly as they appear on the wire.
public struct TLInt256: Hashable, Sendable, CustomStringConvertible {
    /// The four 8-byte groups in wire order, each read as a little-endian integer.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// From the four 8-byte groups in wire order, each read as a little-endian integer.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// The 32 bytes in wire order. `bytes` must hold exactly 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var reader: TLReader = TLReader(bytes)
        guard let value = try? reader.readInt256() else { return nil }
        self = value
    }

    /// The 32 bytes in wire order.
    public var bytes: [UInt8] {
        var writer: TLWriter = TLWriter(capacity: 32)
        writer.writeInt256(self)
        return writer.bytes
    }

    public static func == (lhs: TLInt256, rhs: TLInt256) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    public var description: String { TLHex.encode(bytes) }
}

/// Lowercase hexadecimal for diagnostics and tools.
public enum TLHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex without separators.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex (whitespace ignored, either case); nil for an odd count or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 2)
        var pending: UInt8? = nil
        for c in text.utf8 {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): nibble = c - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: return nil
            }
            if let high = pending {
                out.append(high << 4 | nibble)
                pending = nil
            } else {
                pending = nibble
            }
        }
        return pending == nil ? out : nil
    }
}

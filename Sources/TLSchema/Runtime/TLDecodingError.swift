/// Why a byte string could not be decoded as a TL value.
///
/// Every decoder in this module either returns a value or throws one of these; none of them traps,
/// loops without progress or allocates more than a small multiple of its input.
public enum TLDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before `needed` more bytes could be read at `offset`.
    case unexpectedEnd(offset: Int, needed: Int)
    /// A constructor id that is not one of the constructors of `expectedType`.
    case unknownConstructor(id: UInt32, expectedType: String, offset: Int)
    /// A `bytes`/`string` length prefix that is invalid (first byte 0xFF) or longer than the input.
    case invalidLength(offset: Int, length: Int)
    /// A vector count that is negative or larger than the remaining bytes could hold.
    case invalidVectorCount(offset: Int, count: Int32, remainingBytes: Int)
    /// Boxed values nested deeper than ``TLReader/maximumDepth``.
    case nestingTooDeep(offset: Int, limit: Int)
    /// A `gzip_packed` body that is not a valid gzip stream or inflates beyond the allowed size.
    case invalidGzip(offset: Int, reason: String)
    /// A value whose type cannot be decoded without knowing its schema type (a bare vector in an `Object` slot).
    case untypedValue(id: UInt32, offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd(let offset, let needed):
            return "unexpected end of input at offset \(offset): \(needed) more byte(s) needed"
        case .unknownConstructor(let id, let expectedType, let offset):
            return "unknown constructor \(TLConstructorID.hex(id)) for type \(expectedType) at offset \(offset)"
        case .invalidLength(let offset, let length):
            return "invalid bytes/string length \(length) at offset \(offset)"
        case .invalidVectorCount(let offset, let count, let remaining):
            return "invalid vector count \(count) at offset \(offset) (\(remaining) bytes remain)"
        case .nestingTooDeep(let offset, let limit):
            return "values nested deeper than \(limit) levels at offset \(offset)"
        case .invalidGzip(let offset, let reason):
            return "invalid gzip_packed body at offset \(offset): \(reason)"
        case .untypedValue(let id, let offset):
            return "value \(TLConstructorID.hex(id)) at offset \(offset) cannot be decoded without its schema type"
        }
    }

    /// The byte offset in the input at which the problem was found.
    public var offset: Int {
        switch self {
        case .unexpectedEnd(let offset, _), .unknownConstructor(_, _, let offset), .invalidLength(let offset, _),
             .invalidVectorCount(let offset, _, _), .nestingTooDeep(let offset, _), .invalidGzip(let offset, _),
             .untypedValue(_, let offset):
            return offset
        }
    }
}

/// Helpers for printing constructor ids.
public enum TLConstructorID {
    /// `0x1cb5c415`-style lowercase hex, always 8 digits.
    public static func hex(_ id: UInt32) -> String {
        let digits = String(id, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

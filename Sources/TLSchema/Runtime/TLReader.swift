/// A bounds-checked little-endian reader over a contiguous TL byte string.
///
/// All reads check the remaining length first and throw ``TLDecodingError`` instead of trapping.
/// Strings are decoded as UTF-8; invalid sequences are replaced by U+FFFD (Telegram occasionally
/// sends such strings, and dropping a whole update for one bad character helps nobody). Fields whose
/// exact bytes matter are `bytes` in the schema and decode as `[UInt8]`.
public struct TLReader: Sendable {
    /// How deep boxed values may nest before decoding fails with ``TLDecodingError/nestingTooDeep(offset:limit:)``.
    public static let maximumDepth: Int = 64

    /// The whole input.
    public let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int
    private var depth: Int = 0

    /// A reader positioned at the first byte of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// Bytes not read yet.
    @inlinable public var remaining: Int { bytes.count - offset }

    /// True when every byte has been read.
    @inlinable public var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    private func require(_ count: Int) throws(TLDecodingError) {
        if count > bytes.count - offset {
            throw TLDecodingError.unexpectedEnd(offset: offset, needed: count - (bytes.count - offset))
        }
    }

    /// Reads a 32-bit unsigned little-endian value (constructor ids, `#` flag words).
    @inline(__always)
    public mutating func readUInt32() throws(TLDecodingError) -> UInt32 {
        try require(4)
        let o: Int = offset
        let value: UInt32 = bytes.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> UInt32 in
            UInt32(p[o]) | UInt32(p[o + 1]) << 8 | UInt32(p[o + 2]) << 16 | UInt32(p[o + 3]) << 24
        }
        offset = o + 4
        return value
    }

    /// Reads a TL `int`.
    @inline(__always)
    public mutating func readInt32() throws(TLDecodingError) -> Int32 {
        Int32(bitPattern: try readUInt32())
    }

    /// Reads a 64-bit unsigned little-endian value.
    @inline(__always)
    public mutating func readUInt64() throws(TLDecodingError) -> UInt64 {
        try require(8)
        let o: Int = offset
        let value: UInt64 = bytes.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> UInt64 in
            var v: UInt64 = 0
            var i: Int = 7
            while i >= 0 {
                v = v << 8 | UInt64(p[o + i])
                i -= 1
            }
            return v
        }
        offset = o + 8
        return value
    }

    /// Reads a TL `long`.
    @inline(__always)
    public mutating func readInt64() throws(TLDecodingError) -> Int64 {
        Int64(bitPattern: try readUInt64())
    }

    /// Reads a TL `double` (IEEE-754 binary64, little-endian).
    @inline(__always)
    public mutating func readDouble() throws(TLDecodingError) -> Double {
        Double(bitPattern: try readUInt64())
    }

    /// Reads a TL `int128`, bytes kept verbatim.
    public mutating func readInt128() throws(TLDecodingError) -> TLInt128 {
        let low: UInt64 = try readUInt64()
        let high: UInt64 = try readUInt64()
        return TLInt128(low: low, high: high)
    }

    /// Reads a TL `int256`, bytes kept verbatim.
    public mutating func readInt256() throws(TLDecodingError) -> TLInt256 {
        let w0: UInt64 = try readUInt64()
        let w1: UInt64 = try readUInt64()
        let w2: UInt64 = try readUInt64()
        let w3: UInt64 = try readUInt64()
        return TLInt256(words: (w0, w1, w2, w3))
    }

    /// Reads the length prefix of a `bytes`/`string` and returns (start, length) of the payload,
    /// leaving the reader after the padding.
    @inline(__always)
    private mutating func readByteStringRange() throws(TLDecodingError) -> (start: Int, count: Int) {
        let start: Int = offset
        try require(1)
        let first: UInt8 = bytes[offset]
        let header: Int
        let length: Int
        if first <= 253 {
            header = 1
            length = Int(first)
        } else if first == 254 {
            try require(4)
            header = 4
            length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) << 16
        } else {
            throw TLDecodingError.invalidLength(offset: start, length: Int(first))
        }
        let padded: Int = (header + length + 3) & ~3
        if padded > bytes.count - start {
            throw TLDecodingError.invalidLength(offset: start, length: length)
        }
        offset = start + padded
        return (start + header, length)
    }

    /// Reads a TL `bytes` value.
    public mutating func readBytes() throws(TLDecodingError) -> [UInt8] {
        let range: (start: Int, count: Int) = try readByteStringRange()
        return Array(bytes[range.start ..< range.start + range.count])
    }

    /// Reads a TL `string` (UTF-8; invalid sequences become U+FFFD).
    public mutating func readString() throws(TLDecodingError) -> String {
        let range: (start: Int, count: Int) = try readByteStringRange()
        return bytes.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) -> String in
            String(decoding: UnsafeBufferPointer(rebasing: p[range.start ..< range.start + range.count]), as: UTF8.self)
        }
    }

    /// Reads a boxed TL `Bool` (`boolTrue` / `boolFalse`).
    public mutating func readBool() throws(TLDecodingError) -> Bool {
        let at: Int = offset
        let id: UInt32 = try readUInt32()
        switch id {
        case TLBuiltinID.boolTrue: return true
        case TLBuiltinID.boolFalse: return false
        default: throw TLDecodingError.unknownConstructor(id: id, expectedType: "Bool", offset: at)
        }
    }

    /// Returns the next constructor id without consuming it.
    public func peekUInt32() throws(TLDecodingError) -> UInt32 {
        var copy: TLReader = self
        return try copy.readUInt32()
    }

    /// Reads the header of a boxed `Vector<T>` (id `0x1cb5c415` and count) and validates the count
    /// against the remaining bytes, given the smallest wire size of one element.
    public mutating func readVectorHeader(minimumElementSize: Int) throws(TLDecodingError) -> Int {
        let at: Int = offset
        let id: UInt32 = try readUInt32()
        if id != TLBuiltinID.vector {
            throw TLDecodingError.unknownConstructor(id: id, expectedType: "Vector", offset: at)
        }
        return try readBareVectorCount(minimumElementSize: minimumElementSize)
    }

    /// Reads the count of a bare `vector<T>` and validates it against the remaining bytes.
    public mutating func readBareVectorCount(minimumElementSize: Int) throws(TLDecodingError) -> Int {
        let at: Int = offset
        let count: Int32 = try readInt32()
        let size: Int = max(minimumElementSize, 1)
        if count < 0 || Int(count) > (bytes.count - offset) / size {
            throw TLDecodingError.invalidVectorCount(offset: at, count: count, remainingBytes: bytes.count - offset)
        }
        return Int(count)
    }

    /// Reads the id of a boxed value and checks that it is `expected`.
    public mutating func expectConstructor(_ expected: UInt32, typeName: String) throws(TLDecodingError) {
        let at: Int = offset
        let id: UInt32 = try readUInt32()
        if id != expected {
            throw TLDecodingError.unknownConstructor(id: id, expectedType: typeName, offset: at)
        }
    }

    /// Marks the start of a nested boxed value; fails past ``maximumDepth``.
    @inline(__always)
    public mutating func enterNested() throws(TLDecodingError) {
        depth += 1
        if depth > TLReader.maximumDepth {
            throw TLDecodingError.nestingTooDeep(offset: offset, limit: TLReader.maximumDepth)
        }
    }

    /// Marks the end of a nested boxed value.
    @inline(__always)
    public mutating func leaveNested() {
        depth -= 1
    }

    /// The current nesting depth (for decoders that start a new reader, such as `gzip_packed`).
    public var nestingDepth: Int { depth }

    /// Continues at the nesting depth of an enclosing reader.
    public mutating func inheritNestingDepth(_ outer: Int) {
        depth = outer
    }

    /// Reads `count` raw bytes (no length prefix).
    public mutating func readRaw(count: Int) throws(TLDecodingError) -> [UInt8] {
        if count < 0 { throw TLDecodingError.invalidLength(offset: offset, length: count) }
        try require(count)
        let start: Int = offset
        offset += count
        return Array(bytes[start ..< start + count])
    }
}

/// Ids of the built-in constructors the runtime handles itself.
public enum TLBuiltinID {
    /// `vector#1cb5c415`
    public static let vector: UInt32 = 0x1cb5_c415
    /// `boolTrue#997275b5`
    public static let boolTrue: UInt32 = 0x9972_75b5
    /// `boolFalse#bc799737`
    public static let boolFalse: UInt32 = 0xbc79_9737
    /// `gzip_packed#3072cfa1`
    public static let gzipPacked: UInt32 = 0x3072_cfa1
}

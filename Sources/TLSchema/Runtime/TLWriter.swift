/// Appends TL values, little-endian, to a growing byte array.
public struct TLWriter: Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes a 32-bit unsigned value (constructor ids, `#` flag words).
    @inline(__always)
    public mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Writes a TL `int`.
    @inline(__always)
    public mutating func writeInt32(_ value: Int32) {
        writeUInt32(UInt32(bitPattern: value))
    }

    /// Writes a 64-bit unsigned value.
    @inline(__always)
    public mutating func writeUInt64(_ value: UInt64) {
        writeUInt32(UInt32(truncatingIfNeeded: value))
        writeUInt32(UInt32(truncatingIfNeeded: value >> 32))
    }

    /// Writes a TL `long`.
    @inline(__always)
    public mutating func writeInt64(_ value: Int64) {
        writeUInt64(UInt64(bitPattern: value))
    }

    /// Writes a TL `double`.
    @inline(__always)
    public mutating func writeDouble(_ value: Double) {
        writeUInt64(value.bitPattern)
    }

    /// Writes a TL `int128` verbatim.
    public mutating func writeInt128(_ value: TLInt128) {
        writeUInt64(value.low)
        writeUInt64(value.high)
    }

    /// Writes a TL `int256` verbatim.
    public mutating func writeInt256(_ value: TLInt256) {
        writeUInt64(value.words.0)
        writeUInt64(value.words.1)
        writeUInt64(value.words.2)
        writeUInt64(value.words.3)
    }

    /// Writes a TL `bytes` value: length prefix, payload, zero padding to a multiple of 4.
    /// Payloads longer than 2^24 − 1 bytes cannot be expressed in TL and are a programming error.
    public mutating func writeBytes<C: Collection>(_ value: C) where C.Element == UInt8 {
        let count: Int = value.count
        precondition(count < 1 << 24, "TL bytes/string longer than 16 MiB")
        let header: Int
        if count <= 253 {
            bytes.append(UInt8(count))
            header = 1
        } else {
            bytes.append(254)
            bytes.append(UInt8(truncatingIfNeeded: count))
            bytes.append(UInt8(truncatingIfNeeded: count >> 8))
            bytes.append(UInt8(truncatingIfNeeded: count >> 16))
            header = 4
        }
        bytes.append(contentsOf: value)
        var padding: Int = (4 - (header + count) % 4) % 4
        while padding > 0 {
            bytes.append(0)
            padding -= 1
        }
    }

    /// Writes a TL `string` as UTF-8.
    public mutating func writeString(_ value: String) {
        var copy: String = value
        copy.withUTF8 { (utf8: UnsafeBufferPointer<UInt8>) in
            writeBytes(utf8)
        }
    }

    /// Writes a boxed TL `Bool`.
    @inline(__always)
    public mutating func writeBool(_ value: Bool) {
        writeUInt32(value ? TLBuiltinID.boolTrue : TLBuiltinID.boolFalse)
    }

    /// Writes the header of a boxed `Vector<T>`: id `0x1cb5c415` and the count.
    @inline(__always)
    public mutating func writeVectorHeader(count: Int) {
        writeUInt32(TLBuiltinID.vector)
        writeInt32(Int32(truncatingIfNeeded: count))
    }

    /// Appends raw bytes (no length prefix), e.g. an already serialized object.
    public mutating func writeRaw<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
    }
}

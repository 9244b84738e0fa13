/// Appends TL values, little-endian, to a growing byte array.
///
/// `@unchecked Sendable`: the raw pointer is only written through while `storage` is uniquely
/// referenced; a writer that was copied (possibly to another task) reallocates before its next write,
/// so two values never write to or read from memory the other is changing.
public struct TLWriter: @unchecked Sendable {
    /// Owns the allocation; the pointer and sizes live in the struct itself so that the hot path
    /// makes no dynamic exclusivity checks. A shared owner (the writer was copied) is copied on write.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline let base: UnsafeMutablePointer<UInt8>
        @usableFromInline let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// How many bytes have been written.
    public private(set) var count: Int

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        let storage: Storage = Storage(capacity: Swift.max(capacity, 16))
        self.storage = storage
        self.base = storage.base
        self.capacity = storage.capacity
        self.count = 0
    }

    /// Everything written so far.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    @usableFromInline
    mutating func reallocate(toAtLeast needed: Int) {
        var newCapacity: Int = Swift.max(capacity * 2, 16)
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage: Storage = Storage(capacity: newCapacity)
        newStorage.base.update(from: base, count: count)
        storage = newStorage
        base = newStorage.base
        capacity = newCapacity
    }

    /// Claims `n` more bytes and returns where they start.
    @inline(__always) @usableFromInline
    mutating func claim(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        let start: Int = count
        if start + n > capacity || !isKnownUniquelyReferenced(&storage) {
            reallocate(toAtLeast: start + n)
        }
        count = start + n
        return base + start
    }

    /// Writes a 32-bit unsigned value (constructor ids, `#` flag words).
    @inline(__always)
    public mutating func writeUInt32(_ value: UInt32) {
        let p: UnsafeMutablePointer<UInt8> = claim(4)
        p[0] = UInt8(truncatingIfNeeded: value)
        p[1] = UInt8(truncatingIfNeeded: value >> 8)
        p[2] = UInt8(truncatingIfNeeded: value >> 16)
        p[3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    /// Writes a TL `int`.
    @inline(__always)
    public mutating func writeInt32(_ value: Int32) {
        writeUInt32(UInt32(bitPattern: value))
    }

    /// Writes a 64-bit unsigned value.
    @inline(__always)
    public mutating func writeUInt64(_ value: UInt64) {
        let p: UnsafeMutablePointer<UInt8> = claim(8)
        for i in 0 ..< 8 {
            p[i] = UInt8(truncatingIfNeeded: value >> (UInt64(i) * 8))
        }
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
        let header: Int = count <= 253 ? 1 : 4
        let total: Int = (header + count + 3) & ~3
        let p: UnsafeMutablePointer<UInt8> = claim(total)
        if header == 1 {
            p[0] = UInt8(count)
        } else {
            p[0] = 254
            p[1] = UInt8(truncatingIfNeeded: count)
            p[2] = UInt8(truncatingIfNeeded: count >> 8)
            p[3] = UInt8(truncatingIfNeeded: count >> 16)
        }
        let payload: UnsafeMutableBufferPointer<UInt8> = UnsafeMutableBufferPointer(start: p + header, count: count)
        let copied: (C.Iterator, Int) = payload.initialize(from: value)
        precondition(copied.1 == count, "collection changed its count while being written")
        var i: Int = header + count
        while i < total {
            p[i] = 0
            i += 1
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
        let count: Int = value.count
        let p: UnsafeMutablePointer<UInt8> = claim(count)
        _ = UnsafeMutableBufferPointer(start: p, count: count).initialize(from: value)
    }
}

/// The fuzzer's bytes read as a stream of decisions. Past the end every read gives zeros, so a short
/// input (the empty one included) is a complete, default run: the harnesses make 0 the well-formed choice.
public struct FuzzInput: Sendable {
    private let bytes: [UInt8]
    private var offset: Int = 0

    /// Reads `bytes` from the start.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    public var isExhausted: Bool { offset >= bytes.count }

    /// The next byte (0 past the end).
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next two bytes, big-endian.
    public mutating func uint16() -> UInt16 {
        UInt16(byte()) << 8 | UInt16(byte())
    }

    /// The next four bytes, big-endian.
    public mutating func uint32() -> UInt32 {
        UInt32(uint16()) << 16 | UInt32(uint16())
    }

    /// The next eight bytes, big-endian.
    public mutating func uint64() -> UInt64 {
        UInt64(uint32()) << 32 | UInt64(uint32())
    }

    /// A length byte, then that many bytes (fewer when the input ends).
    public mutating func chunk(maximum: Int = 255) -> [UInt8] {
        let count: Int = min(Int(byte()), maximum)
        let end: Int = min(offset + count, bytes.count)
        guard offset < end else { return [] }
        defer { offset = end }
        return Array(bytes[offset ..< end])
    }
}

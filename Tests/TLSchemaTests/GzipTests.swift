import TLSchema
import Testing

@Suite struct GzipTests {
    @Test func gzipPackedIsUnwrappedWhenDecodingObjects() throws {
        let inner: [UInt8] = try RepositoryFiles.fixture("messages_messages")
        let packed: MT.GzipPacked = MT.GzipPacked(packedData: TLGzip.deflate(inner))
        var reader: TLReader = TLReader(packed.serializedBytes())
        let value: any TLSerializable = try TLRegistry.decodeObject(from: &reader)
        #expect(reader.isAtEnd)
        #expect(value.serializedData() == inner)
    }

    @Test func deflateThenInflateIsIdentity() throws {
        let data: [UInt8] = (0 ..< 100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let packed: [UInt8] = TLGzip.deflate(data)
        #expect(packed.count < data.count / 10)
        #expect(try TLGzip.inflate(packed, maximumSize: 1 << 20) == data)
    }

    @Test func inflateBeyondTheCapIsRejected() throws {
        let zeros: [UInt8] = [UInt8](repeating: 0, count: 4 << 20)
        let bomb: [UInt8] = TLGzip.deflate(zeros)
        #expect(throws: TLDecodingError.self) { _ = try TLGzip.inflate(bomb, maximumSize: 1 << 20) }
    }

    @Test func corruptAndTruncatedStreamsAreRejected() throws {
        let packed: [UInt8] = TLGzip.deflate(Array("hello hello hello hello".utf8))
        #expect(throws: TLDecodingError.self) { _ = try TLGzip.inflate(Array(packed.prefix(packed.count / 2)), maximumSize: 1 << 20) }
        #expect(throws: TLDecodingError.self) { _ = try TLGzip.inflate([1, 2, 3, 4, 5, 6, 7, 8], maximumSize: 1 << 20) }
        #expect(throws: TLDecodingError.self) { _ = try TLGzip.inflate([], maximumSize: 1 << 20) }
    }
}

import TLGenCore
import TLSchema
import Testing

/// Every constructor and function of both schemas, from bytes built straight from the schema
/// (flags all unset, all set, and random): the generated decoder reads all of it and the encoder
/// writes exactly the same bytes back.
@Suite struct RoundTripTests {
    static let schemas: [TLSchema] = (try? ProjectSchemas.load()) ?? []

    @Test func schemasLoad() {
        #expect(Self.schemas.count == 2)
        #expect(Self.schemas[0].constructors.count > 1500)
    }

    @Test(arguments: WireSynthesizer.FlagMode.allCases)
    func everyConstructorRoundTrips(mode: WireSynthesizer.FlagMode) throws {
        var checked: Int = 0
        for schema in Self.schemas {
            var synthesizer: WireSynthesizer = WireSynthesizer(schema: schema, seed: 0x5EED)
            synthesizer.mode = mode
            for c in schema.constructors where c.name != "gzip_packed" {
                let bytes: [UInt8] = synthesizer.boxed(c)
                try expectRoundTrip(bytes, name: c.name, decode: { (reader: inout TLReader) throws -> any TLSerializable in
                    try TLRegistry.decodeObject(from: &reader)
                })
                checked += 1
            }
        }
        #expect(checked == Self.schemas.reduce(0) { $0 + $1.constructors.count } - 1)
    }

    @Test(arguments: WireSynthesizer.FlagMode.allCases)
    func everyFunctionRoundTrips(mode: WireSynthesizer.FlagMode) throws {
        var checked: Int = 0
        for schema in Self.schemas {
            var synthesizer: WireSynthesizer = WireSynthesizer(schema: schema, seed: 0xF00D)
            synthesizer.mode = mode
            for f in schema.functions {
                let bytes: [UInt8] = synthesizer.boxed(f)
                try expectRoundTrip(bytes, name: f.name, decode: { (reader: inout TLReader) throws -> any TLSerializable in
                    try TLRegistry.decodeFunction(from: &reader)
                })
                checked += 1
            }
        }
        #expect(checked == Self.schemas.reduce(0) { $0 + $1.functions.count })
    }

    /// Constructor names in the generated name table match the schema for every id.
    @Test func nameTableCoversBothSchemas() {
        for schema in Self.schemas {
            for c in schema.constructors + schema.functions {
                #expect(TLRegistry.name(of: c.id) == c.name)
            }
        }
        #expect(TLRegistry.name(of: 0xdead_beef) == nil)
    }

    private func expectRoundTrip(
        _ bytes: [UInt8], name: String, decode: (inout TLReader) throws -> any TLSerializable
    ) throws {
        var reader: TLReader = TLReader(bytes)
        let value: any TLSerializable
        do {
            value = try decode(&reader)
        } catch {
            Issue.record("\(name): \(error)")
            return
        }
        #expect(reader.isAtEnd, "\(name): \(reader.remaining) bytes left after decoding")
        let encoded: [UInt8] = value.serializedData()
        #expect(encoded == bytes, "\(name): re-encoded bytes differ")
        // decode(encode(x)) encodes to the same bytes again.
        var again: TLReader = TLReader(encoded)
        let second: any TLSerializable = try decode(&again)
        #expect(second.serializedData() == bytes, "\(name): second round trip differs")
    }
}

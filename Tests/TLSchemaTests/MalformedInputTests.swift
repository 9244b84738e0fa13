import TLSchema
import Testing

/// Bad bytes give a typed error, never a crash, a hang or a huge allocation.
@Suite struct MalformedInputTests {
    private func decodeAny(_ bytes: [UInt8]) throws(TLDecodingError) -> any TLSerializable {
        var reader: TLReader = TLReader(bytes)
        return try TLRegistry.decodeObject(from: &reader)
    }

    private func isTruncationError(_ error: TLDecodingError) -> Bool {
        switch error {
        case .unexpectedEnd, .invalidLength, .invalidVectorCount: return true
        default: return false
        }
    }

    @Test(arguments: ["user_many_flags", "messages_messages", "account_password_srp", "updates_difference", "config"])
    func truncatedAtEveryOffset(fixture: String) throws {
        let bytes: [UInt8] = try RepositoryFiles.fixture(fixture)
        for length in 0 ..< bytes.count {
            do {
                _ = try decodeAny(Array(bytes.prefix(length)))
                Issue.record("\(fixture) truncated to \(length) bytes decoded without error")
            } catch {
                #expect(isTruncationError(error), "\(fixture)[..<\(length)]: \(error)")
                #expect(error.offset <= length)
            }
        }
    }

    @Test func truncatedBenchmarkObjectAtManyOffsets() throws {
        let bytes: [UInt8] = try RepositoryFiles.bytes("Benchmarks/Inputs/messages_messages.bin")
        var length: Int = 0
        while length < bytes.count {
            #expect(throws: TLDecodingError.self) { _ = try decodeAny(Array(bytes.prefix(length))) }
            length += 37
        }
    }

    @Test func unknownConstructorIsNamedWithItsOffset() throws {
        #expect(throws: TLDecodingError.unknownConstructor(id: 0xdead_beef, expectedType: "Object", offset: 0)) {
            _ = try decodeAny([0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0])
        }
        // An unknown id nested inside a typed field names the expected type.
        var bytes: [UInt8] = try RepositoryFiles.bytes("Benchmarks/Inputs/update_short_message.bin")
        bytes.replaceSubrange(0 ..< 4, with: [1, 2, 3, 4])
        #expect(throws: TLDecodingError.unknownConstructor(id: 0x0403_0201, expectedType: "Updates", offset: 0)) {
            _ = try Api.Updates(decoding: bytes)
        }
        let boolBytes: [UInt8] = TLHex.decode("00000000")!
        #expect(throws: TLDecodingError.unknownConstructor(id: 0, expectedType: "Bool", offset: 0)) {
            var reader: TLReader = TLReader(boolBytes)
            _ = try reader.readBool()
        }
    }

    @Test func hugeLengthsAndCountsAreRejectedBeforeAllocating() throws {
        // A string claiming 16 MiB − 1 bytes in a 12-byte input.
        var reader: TLReader = TLReader([0xfe, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(throws: TLDecodingError.invalidLength(offset: 0, length: 0xff_ffff)) { _ = try reader.readBytes() }
        // 0xFF is never a valid first length byte.
        reader = TLReader([0xff, 0, 0, 0])
        #expect(throws: TLDecodingError.invalidLength(offset: 0, length: 255)) { _ = try reader.readString() }
        // msgs_ack with a vector count of 2^31 − 1 and of −1.
        let huge: [UInt8] = TLHex.decode("59b4d662" + "15c4b51c" + "ffffff7f" + "0000000000000000")!
        #expect(throws: TLDecodingError.invalidVectorCount(offset: 8, count: Int32.max, remainingBytes: 8)) {
            _ = try decodeAny(huge)
        }
        let negative: [UInt8] = TLHex.decode("59b4d662" + "15c4b51c" + "ffffffff")!
        #expect(throws: TLDecodingError.invalidVectorCount(offset: 8, count: -1, remainingBytes: 0)) {
            _ = try decodeAny(negative)
        }
        // A vector of longs may not claim more elements than 8-byte slots remain.
        let tooMany: [UInt8] = TLHex.decode("59b4d662" + "15c4b51c" + "02000000" + "0000000000000000")!
        #expect(throws: TLDecodingError.invalidVectorCount(offset: 8, count: 2, remainingBytes: 8)) {
            _ = try decodeAny(tooMany)
        }
    }

    @Test func deepNestingStopsAtTheLimit() throws {
        // jsonArray#f7444763 value:Vector<JSONValue>, nested 10,000 times around jsonNull#3f6d7b68.
        var bytes: [UInt8] = []
        for _ in 0 ..< 10_000 {
            bytes += TLHex.decode("634744f7" + "15c4b51c" + "01000000")!
        }
        bytes += TLHex.decode("687b6d3f")!
        #expect {
            _ = try decodeAny(bytes)
        } throws: { error in
            guard case TLDecodingError.nestingTooDeep(_, let limit) = error else { return false }
            return limit == TLReader.maximumDepth
        }
        // Nesting within the limit decodes.
        var shallow: [UInt8] = []
        for _ in 0 ..< 20 { shallow += TLHex.decode("634744f7" + "15c4b51c" + "01000000")! }
        shallow += TLHex.decode("687b6d3f")!
        #expect(try decodeAny(shallow).serializedData() == shallow)
    }

    /// Random corruptions of real objects never crash: each decode returns a value or throws.
    @Test func randomMutationsNeverCrash() throws {
        var random: SplitMix64 = SplitMix64(seed: 42)
        let seeds: [[UInt8]] = try ["messages_messages", "updates", "config", "user_many_flags", "users_user_full"]
            .map { try RepositoryFiles.fixture($0) }
        var outcomes: (values: Int, errors: Int) = (0, 0)
        for i in 0 ..< 3_000 {
            var bytes: [UInt8] = seeds[i % seeds.count]
            let edits: Int = 1 + Int(random.next() % 4)
            for _ in 0 ..< edits {
                let position: Int = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(position...)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                }
                if bytes.isEmpty { break }
            }
            do {
                _ = try decodeAny(bytes)
                outcomes.values += 1
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.values + outcomes.errors == 3_000)
        #expect(outcomes.errors > 0)
    }

    @Test func garbageNeverCrashes() {
        var random: SplitMix64 = SplitMix64(seed: 7)
        for length in 0 ..< 400 {
            let bytes: [UInt8] = (0 ..< length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? decodeAny(bytes)
        }
    }
}

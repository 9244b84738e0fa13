import TLSchema
import Testing

/// The hand-written reader and writer against the worked bytes of the TL notes.
@Suite struct RuntimeTests {
    private func written(_ body: (inout TLWriter) -> Void) -> String {
        var writer: TLWriter = TLWriter()
        body(&writer)
        return TLHex.encode(writer.bytes)
    }

    @Test func integersAreLittleEndian() throws {
        #expect(written { $0.writeInt32(-404) } == "6cfeffff")
        #expect(written { $0.writeInt64(0x1122_3344_5566_7788) } == "8877665544332211")
        #expect(written { $0.writeDouble(1.5) } == "000000000000f83f")
        var reader: TLReader = TLReader(TLHex.decode("6cfeffff8877665544332211000000000000f83f")!)
        #expect(try reader.readInt32() == -404)
        #expect(try reader.readInt64() == 0x1122_3344_5566_7788)
        #expect(try reader.readDouble() == 1.5)
        #expect(reader.isAtEnd)
    }

    @Test func shortStringsArePaddedToFourBytes() {
        #expect(written { $0.writeString("") } == "00000000")
        #expect(written { $0.writeString("abc") } == "03616263")
        #expect(written { $0.writeString("hello") } == "0568656c6c6f0000")
        #expect(written { $0.writeBytes(TLHex.decode("17ED48941A08F981")!) } == "0817ed48941a08f981000000")
    }

    @Test(arguments: [0, 1, 2, 3, 4, 253, 254, 255, 256, 1000, 70000])
    func byteStringLengthBoundary(length: Int) throws {
        let payload: [UInt8] = (0 ..< length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var writer: TLWriter = TLWriter()
        writer.writeBytes(payload)
        let header: Int = length <= 253 ? 1 : 4
        #expect(writer.bytes.count == (header + length + 3) / 4 * 4)
        if length >= 254 {
            #expect(Array(writer.bytes.prefix(4)) == [254, UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16)])
        } else {
            #expect(writer.bytes[0] == UInt8(length))
        }
        var reader: TLReader = TLReader(writer.bytes)
        #expect(try reader.readBytes() == payload)
        #expect(reader.isAtEnd)
    }

    @Test func vectorsAndBooleans() throws {
        // msgs_ack with one id, from the TL notes.
        let ack: MT.MsgsAck = MT.MsgsAck(msgIds: [0x65C5_3D50_0006_72D8])
        #expect(TLHex.encode(ack.serializedBytes()) == "59b4d66215c4b51c01000000d8720600503dc565")
        #expect(written { $0.writeBool(true) } == "b5757299")
        #expect(written { $0.writeBool(false) } == "379779bc")
        let ping: MT.functions.Ping = MT.functions.Ping(pingId: 0x1122_3344_5566_7788)
        #expect(TLHex.encode(ping.serializedBytes()) == "ec77be7a8877665544332211")
    }

    @Test func bareVectorResultsDecodeByTheirSchemaType() throws {
        // contacts.getContactIDs returns Vector<int>: a boxed vector of bare ints.
        var reader: TLReader = TLReader(TLHex.decode("15c4b51c020000000100000002000000")!)
        let ids: [Int32] = try Api.functions.contacts.GetContactIDs.decodeResult(from: &reader)
        #expect(ids == [1, 2])
        var boolReader: TLReader = TLReader(TLHex.decode("b5757299")!)
        let ok: Bool = try Api.functions.account.UpdateStatus.decodeResult(from: &boolReader)
        #expect(ok)
    }

    @Test func int128KeepsWireOrder() throws {
        let bytes: [UInt8] = TLHex.decode("406709f612fadfbec3f0289d0aa67eef")!
        let nonce: TLInt128 = try #require(TLInt128(bytes: bytes))
        #expect(nonce.bytes == bytes)
        let request: MT.functions.ReqPqMulti = MT.functions.ReqPqMulti(nonce: nonce)
        #expect(TLHex.encode(request.serializedBytes()) == "f18e7ebe406709f612fadfbec3f0289d0aa67eef")
    }

    @Test func flagsAreComputedFromPresentFields() throws {
        let signIn: Api.functions.auth.SignIn = Api.functions.auth.SignIn(
            phoneNumber: "+15550001111", phoneCodeHash: "abcdef", phoneCode: "12345")
        #expect(TLHex.encode(signIn.serializedBytes())
            == "51a9528d" + "01000000" + "0c2b3135353530303031313131000000" + "06616263646566" + "00" + "053132333435" + "0000")
    }

    @Test func sharedFlagBitWritesAZeroForTheAbsentSharer() throws {
        // message.views and message.forwards share flags.10: setting only views still yields
        // well-formed bytes that decode with forwards = 0.
        let message: Api.Message.Message = Api.Message.Message(
            id: 1, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 0, message: "hi", views: 7)
        let bytes: [UInt8] = Api.Message.message(message).serializedData()
        guard case .message(let decoded) = try Api.Message(decoding: bytes) else {
            Issue.record("wrong constructor")
            return
        }
        #expect(decoded.views == 7)
        #expect(decoded.forwards == 0)
    }

    @Test func descriptionNamesConstructorsAndFields() throws {
        let bytes: [UInt8] = try RepositoryFiles.bytes("Benchmarks/Inputs/update_short_message.bin")
        let text: String = try Api.Updates(decoding: bytes).tlDescription
        #expect(text.hasPrefix("updateShortMessage\n"))
        #expect(text.contains("message: \"ok, see you at 5\""))
        #expect(text.contains("pts: 4242"))
    }
}

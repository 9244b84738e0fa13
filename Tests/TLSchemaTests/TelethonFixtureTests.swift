import TLSchema
import Testing

/// Objects serialized by Telethon 1.45 (an independent implementation, fixtures made by
/// Scripts/telethon/make_tl_fixtures.py): our decoder reads each one completely and our encoder
/// writes the identical bytes back.
@Suite struct TelethonFixtureTests {
    static let fixtures: [RepositoryFiles.TelethonFixture] = (try? RepositoryFiles.telethonFixtures()) ?? []

    @Test func thereAreEnoughFixtures() {
        #expect(Self.fixtures.count >= 40)
    }

    @Test(arguments: fixtures)
    func decodesAndReencodesExactly(_ fixture: RepositoryFiles.TelethonFixture) throws {
        let bytes: [UInt8] = fixture.bytes
        var reader: TLReader = TLReader(bytes)
        let value: any TLSerializable = try TLRegistry.decodeObject(from: &reader)
        #expect(reader.isAtEnd)
        #expect(constructorName(value) == fixture.tl)
        #expect(value.serializedData() == bytes)
    }

    private func constructorName(_ value: any TLSerializable) -> String? {
        if let c = value as? any TLConstructor { return type(of: c).tlName }
        if let s = value as? any TLSumType { return TLRegistry.name(of: s.tlConstructorID) }
        return nil
    }

    /// The typed API builds the same bytes as Telethon for the same values.
    @Test func typedSendMessageMatchesTelethon() throws {
        let request: Api.functions.messages.SendMessage = Api.functions.messages.SendMessage(
            noWebpage: true,
            silent: true,
            clearDraft: true,
            peer: .inputPeerUser(Api.InputPeer.InputPeerUser(userId: 1_234_567_890, accessHash: -0x1122_3344_5566_7788)),
            replyTo: .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(
                replyToMsgId: 101, topMsgId: 100, quoteText: "Привет",
                quoteEntities: [.messageEntityItalic(Api.MessageEntity.MessageEntityItalic(offset: 0, length: 6))],
                quoteOffset: 0)),
            message: "Ответ с **цитатой** ✅",
            randomId: 0x0123_4567_89AB_CDEF,
            entities: [.messageEntityBold(Api.MessageEntity.MessageEntityBold(offset: 9, length: 7))])
        #expect(request.serializedBytes() == (try RepositoryFiles.fixture("messages_send_message_reply")))
    }

    @Test func typedInvokeWithLayerMatchesTelethon() throws {
        let query: Api.functions.InvokeWithLayer<Api.functions.InitConnection<Api.functions.help.GetConfig>> =
            Api.functions.InvokeWithLayer(
                layer: Api.layer,
                query: Api.functions.InitConnection(
                    apiId: 2040, deviceModel: "Swift Test Device", systemVersion: "Linux 6.1", appVersion: "0.1.0",
                    systemLangCode: "en-US", langPack: "", langCode: "en", query: Api.functions.help.GetConfig()))
        #expect(query.serializedBytes() == (try RepositoryFiles.fixture("invoke_with_layer_init_connection_get_config")))
        // The wrapper's result type is the inner query's.
        let resultType: Any.Type = type(of: query).Result.self
        #expect(ObjectIdentifier(resultType) == ObjectIdentifier(Api.Config.self))
    }

    @Test func typedDecodeOfUpdateShortMessage() throws {
        let bytes: [UInt8] = try RepositoryFiles.bytes("Benchmarks/Inputs/update_short_message.bin")
        guard case .updateShortMessage(let m) = try Api.Updates(decoding: bytes) else {
            Issue.record("not an updateShortMessage")
            return
        }
        #expect(m.id == 123_456)
        #expect(m.userId == 987_654_321)
        #expect(m.message == "ok, see you at 5")
        #expect(m.pts == 4242)
        #expect(m.ptsCount == 1)
        #expect(m.date == 1_735_689_600)
        #expect(m.out == false)
    }
}

import TLSchema
import TestDC
import Testing

/// TestDC takes an `InputPeer` where a call asks for the matching `InputUser` or `InputChannel`, as
/// Telegram does (Pyrogram depends on it), and nothing beyond that.
struct LenientFunctionDecoderTests {
    private static let channel: Api.InputChannel = .inputChannel(Api.InputChannel.InputChannel(channelId: 77, accessHash: 99))

    /// `body` with the constructor id at `offset` replaced by `id`.
    private static func replacing(_ body: [UInt8], at offset: Int, with id: UInt32) -> [UInt8] {
        var bytes: [UInt8] = body
        withUnsafeBytes(of: id.littleEndian) { bytes.replaceSubrange(offset ..< offset + 4, with: $0) }
        return bytes
    }

    @Test func anInputPeerChannelIsTakenAsTheInputChannelItNames() throws {
        let call = Api.functions.channels.GetMessages(channel: Self.channel, id: [.inputMessageID(Api.InputMessage.InputMessageID(id: 5))])
        // The channel's constructor follows the function's own id.
        let asPyrogramSendsIt: [UInt8] = Self.replacing(call.serializedBytes(), at: 4, with: 0x27bc_bbfc)
        var strict: TLReader = TLReader(asPyrogramSendsIt)
        #expect(throws: TLDecodingError.self) { try TLRegistry.decodeFunction(from: &strict) }
        let decoded = try #require(try LenientFunctionDecoder.decode(asPyrogramSendsIt) as? Api.functions.channels.GetMessages)
        // What it decodes to is the well-typed call itself.
        #expect(decoded.serializedBytes() == call.serializedBytes())
    }

    @Test func anInputPeerSelfIsTakenAsInputUserSelf() throws {
        let call = Api.functions.users.GetFullUser(id: .inputUserSelf)
        let decoded = try #require(try LenientFunctionDecoder.decode(Self.replacing(call.serializedBytes(), at: 4, with: 0x7da0_7ec9)) as? Api.functions.users.GetFullUser)
        #expect(decoded.serializedBytes() == call.serializedBytes())
    }

    @Test func aPeerOfTheOtherKindIsStillRefused() {
        // A channel where a user is wanted is no counterpart: the call stays undecodable.
        let call = Api.functions.users.GetFullUser(id: .inputUserSelf)
        #expect(throws: TLDecodingError.self) { try LenientFunctionDecoder.decode(Self.replacing(call.serializedBytes(), at: 4, with: 0x27bc_bbfc)) }
        // So is an unknown constructor.
        #expect(throws: TLDecodingError.self) { try LenientFunctionDecoder.decode(Self.replacing(call.serializedBytes(), at: 4, with: 0x1234_5678)) }
    }
}

@testable import MTProto
@testable import MTProtoServer
import TLSchema
import Testing

/// Acks across reconnects and salts (issue 12 §1, items 2 and 4).
@Suite struct SessionAckAndSaltTests {
    typealias Pair = SessionTests.Pair

    /// The client asked something and got its answer; the server waits for the ack.
    static func answered() throws -> (Pair, RequestToken) {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reply(to: calls[0].messageID, result: [1, 2, 3, 4])
        #expect(SessionTests.results(try pair.serverToClient())[token] == [1, 2, 3, 4])
        return (pair, token)
    }

    @Test func acksNotSentYetSurviveAReconnect() throws {
        var (pair, _): (Pair, RequestToken) = try Self.answered()
        pair.client.connectionLost()
        pair.server.connectionLost()
        #expect(pair.client.hasOutgoing)
        _ = try pair.clientToServer()
        // The server has its acks: nothing is delivered again.
        #expect(try pair.serverToClient().isEmpty)
    }

    @Test func aDuplicateFromTheServerIsAckedAgainNotProcessedAgain() throws {
        var (pair, _): (Pair, RequestToken) = try Self.answered()
        _ = pair.client.nextPacket(now: pair.now)  // the acks are lost on the wire
        pair.client.connectionLost()
        pair.server.connectionLost()
        let again: [SessionEvent] = try pair.serverToClient()
        #expect(SessionTests.results(again).isEmpty)
        #expect(!again.contains(.newSessionCreated))
        _ = try pair.clientToServer()
        pair.server.connectionLost()
        #expect(pair.server.nextPacket(now: pair.now) == nil)
    }

    @Test func aBadSaltForAnAcksOnlyPacketSwitchesTheSaltAndResendsTheAcks() throws {
        var (pair, _): (Pair, RequestToken) = try Self.answered()
        pair.server.salt = 7
        pair.server.acceptedSalts = [7]
        #expect(try pair.clientToServer().isEmpty)  // only acks, refused for their salt
        _ = try pair.serverToClient()
        #expect(pair.client.salt == 7)
        #expect(pair.client.hasOutgoing)
        _ = try pair.clientToServer()
        pair.server.connectionLost()
        #expect(pair.server.nextPacket(now: pair.now) == nil)
    }

    @Test func futureSaltsAreFetchedAheadAndSwitchedToWhenValid() throws {
        var pair: Pair = Pair()
        let request: [UInt8]? = pair.client.futureSaltsRequest(now: pair.now)
        let body: [UInt8] = try #require(request)
        #expect(pair.client.futureSaltsRequest(now: pair.now) == nil)  // one request at a time
        let token: RequestToken = pair.client.enqueue(body, contentRelated: false)
        _ = try pair.clientToServer()
        #expect(SessionTests.results(try pair.serverToClient())[token] != nil)
        #expect(pair.client.salt == 42)
        #expect(pair.client.futureSaltsRequest(now: pair.now + 120) == nil)  // the salts known last for hours
        // Half an hour on, the next salt is valid: it is used without a bad_server_salt.
        pair.now += 1900
        _ = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        #expect(try pair.clientToServer().count == 1)
        #expect(pair.client.salt != 42)
        // Near the end of the last known salt, more are fetched.
        #expect(pair.client.futureSaltsRequest(now: pair.now + 31 * 1800) != nil)
    }
}

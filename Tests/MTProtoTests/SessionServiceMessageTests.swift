@testable import MTProto
@testable import MTProtoServer
import TLSchema
import Testing

/// Service messages about the state of messages (issue 12 §1, item 5).
@Suite struct SessionServiceMessageTests {
    typealias Pair = SessionTests.Pair

    static func sentBodies(_ pair: inout Pair) throws -> [(id: Int64, body: [UInt8])] {
        guard let packet = pair.client.nextPacket(now: pair.now) else { return [] }
        return try SessionPackets.messages(of: packet, key: SessionTests.key)
    }

    @Test func aDetailedInfoAboutAnAnswerWeLackAsksForIt() throws {
        var pair: Pair = Pair()
        let missing: Int64 = SessionPackets.serverID(second: pair.now, 1)
        let info: [UInt8] = MT.MsgDetailedInfo.msgNewDetailedInfo(MT.MsgDetailedInfo.MsgNewDetailedInfo(answerMsgId: missing, bytes: 16, status: 0))
            .serializedData()
        let packet: [UInt8] = SessionPackets.fromServer(info, id: SessionPackets.serverID(second: pair.now, 2), to: pair.client)
        #expect(try pair.client.receive(packet, now: pair.now).isEmpty)
        let sent: [[UInt8]] = try Self.sentBodies(&pair).map(\.body)
        #expect(sent == [MT.MsgResendReq(msgIds: [missing]).serializedBytes()])
    }

    @Test func stateRequestsAreAnsweredWithTheRealState() throws {
        var pair: Pair = Pair()
        let update: Int64 = SessionPackets.serverID(second: pair.now, 1)
        let updates: [UInt8] = Api.Updates.updatesTooLong.serializedData()
        _ = try pair.client.receive(SessionPackets.fromServer(updates, id: update, seqNo: 1, to: pair.client), now: pair.now)
        let later: Int64 = SessionPackets.serverID(second: pair.now, 9)
        let question: Int64 = SessionPackets.serverID(second: pair.now, 2)
        let request: [UInt8] = MT.MsgsStateReq(msgIds: [update, later]).serializedBytes()
        _ = try pair.client.receive(SessionPackets.fromServer(request, id: question, to: pair.client), now: pair.now)
        let sent: [[UInt8]] = try Self.sentBodies(&pair).map(\.body)
        // Received with its ack still to go (4); never seen and above everything received (3).
        #expect(sent.contains(MT.MsgsStateInfo(reqMsgId: question, info: [4, 3]).serializedBytes()))
    }

    @Test func aResendRequestFromTheServerSendsTheRequestAgain() throws {
        var pair: Pair = Pair()
        let body: [UInt8] = Api.functions.help.GetConfig().serializedBytes()
        _ = pair.client.enqueue(body, contentRelated: true)
        let first: [(id: Int64, body: [UInt8])] = try Self.sentBodies(&pair)
        let unknown: Int64 = first[0].id - 400
        let ask: Int64 = SessionPackets.serverID(second: pair.now, 1)
        let request: [UInt8] = MT.MsgResendReq(msgIds: [first[0].id, unknown]).serializedBytes()
        #expect(try pair.client.receive(SessionPackets.fromServer(request, id: ask, to: pair.client), now: pair.now).isEmpty)
        let again: [(id: Int64, body: [UInt8])] = try Self.sentBodies(&pair)
        #expect(again.contains { $0.body == body && $0.id > first[0].id })
        #expect(again.contains { $0.body == MT.MsgsStateInfo(reqMsgId: ask, info: [1]).serializedBytes() })
    }

    @Test func anAcknowledgedUnansweredRequestIsAskedAboutAfterAReconnect() throws {
        var pair: Pair = Pair()
        let body: [UInt8] = Api.functions.help.GetConfig().serializedBytes()
        _ = pair.client.enqueue(body, contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        _ = try pair.serverToClient()  // new_session_created and the ack of the request
        pair.client.connectionLost()
        let asked: [(id: Int64, body: [UInt8])] = try Self.sentBodies(&pair)
        let question: (id: Int64, body: [UInt8]) = try #require(asked.first { $0.body == MT.MsgsStateReq(msgIds: [calls[0].messageID]).serializedBytes() })
        #expect(!asked.contains { $0.body == body })
        // The server lost it (status 2, not received): it is sent again.
        let info: [UInt8] = MT.MsgsStateInfo(reqMsgId: question.id, info: [2]).serializedBytes()
        _ = try pair.client.receive(SessionPackets.fromServer(info, id: SessionPackets.serverID(second: pair.now, 50), to: pair.client), now: pair.now)
        #expect(try Self.sentBodies(&pair).contains { $0.body == body })
    }

    @Test func allInfoSaysAReceivedRequestIsKnown() throws {
        var pair: Pair = Pair()
        _ = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let first: [(id: Int64, body: [UInt8])] = try Self.sentBodies(&pair)
        let info: [UInt8] = MT.MsgsAllInfo(msgIds: [first[0].id], info: [4]).serializedBytes()
        _ = try pair.client.receive(SessionPackets.fromServer(info, id: SessionPackets.serverID(second: pair.now, 1), to: pair.client), now: pair.now)
        // Known to the server: not sent again after a reconnect.
        pair.client.connectionLost()
        #expect(try !Self.sentBodies(&pair).contains { $0.body == first[0].body })
    }
}

@testable import MTProto
@testable import MTProtoServer
import TLSchema
import Testing

/// The time window, the time offset and msg_ids that never go back (issue 12 §1, items 1 and 3).
@Suite struct SessionClockTests {
    typealias Pair = SessionTests.Pair

    @Test func messagesResentInANewerContainerKeepTheirIDsAndAreAccepted() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reply(to: calls[0].messageID, result: [1, 2, 3, 4])
        _ = pair.server.nextPacket(now: pair.now)  // lost on the wire
        pair.server.connectionLost()
        pair.client.connectionLost()
        // Seven minutes later the answer comes again with its old id, in a new container: only the
        // container's id is in the time window.
        pair.now += 420
        let events: [SessionEvent] = try pair.serverToClient()
        #expect(SessionTests.results(events)[token] == [1, 2, 3, 4])
    }

    @Test func aLocalClockSetBackIsCorrectedFromServerMessageIDs() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reply(to: calls[0].messageID, result: [1, 2, 3, 4])
        let next: [UInt8]? = pair.server.nextPacket(now: pair.now)
        let packet: [UInt8] = try #require(next)
        // The local clock steps 1000 s back: the server's ids look far in the future.
        let events: [SessionEvent] = try pair.client.receive(packet, now: pair.now - 1000)
        #expect(SessionTests.results(events)[token] == [1, 2, 3, 4])
        #expect(pair.client.timeOffset == 1000)
        #expect(events.contains(.parametersChanged))
    }

    @Test func msgIDTooHighStartsANewSessionSoIDsNeverGoBack() throws {
        var pair: Pair = Pair(clientTimeOffset: 1000)
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        let session: Int64 = pair.client.sessionID
        pair.server.reject(messageID: calls[0].messageID, code: 17)
        _ = try pair.serverToClient()
        #expect(pair.client.timeOffset == 0)
        let again: [ServerSession.Call] = try pair.clientToServer()
        #expect(again.count == 1)
        // Lower ids than those sent are only used in a new session.
        #expect(again[0].messageID > calls[0].messageID || pair.client.sessionID != session)
        #expect(again[0].messageID >> 32 == Int64(SessionTests.t0))
        pair.server.reply(to: again[0].messageID, result: [7, 7, 7, 7])
        #expect(SessionTests.results(try pair.serverToClient())[token] == [7, 7, 7, 7])
    }

    @Test func msgIDNoticesForMessagesNotOursLeaveTheClock() throws {
        var pair: Pair = Pair(clientTimeOffset: 100)
        _ = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        _ = try pair.clientToServer()
        let stranger: Int64 = (Int64(SessionTests.t0) - 5000) << 32
        pair.server.reject(messageID: stranger, code: 16)
        pair.server.reject(messageID: stranger + 4, code: 17)
        let oldSession: Int64 = pair.client.sessionID
        _ = try pair.serverToClient()
        #expect(pair.client.timeOffset == 100)
        #expect(pair.client.sessionID == oldSession)
    }
}

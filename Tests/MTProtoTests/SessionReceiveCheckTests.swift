@testable import MTProto
@testable import MTProtoServer
import TLSchema
import Testing

/// The session checks on every received message (messages notes §3.6–§3.9): the session id, odd
/// server msg_ids, the replay window and the time window. A dropped message changes nothing: the same answer sent
/// correctly afterwards still completes its call.
@Suite struct SessionReceiveCheckTests {
    typealias Pair = SessionTests.Pair

    /// A pair with one call sent; returns the `rpc_result` that answers it.
    static func callSent(_ pair: inout Pair) throws -> (token: RequestToken, answer: [UInt8]) {
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        var writer: TLWriter = TLWriter()
        writer.writeUInt32(0xf35c_6d01)
        writer.writeInt64(calls[0].messageID)
        writer.writeRaw([1, 2, 3, 4])
        return (token, writer.bytes)
    }

    @Test func aMessageOfAnotherSessionIsDropped() throws {
        var pair: Pair = Pair()
        let (token, answer): (RequestToken, [UInt8]) = try Self.callSent(&pair)
        let id: Int64 = SessionPackets.serverID(second: pair.now, 1)
        let other: Int64 = pair.client.sessionID &+ 1
        let foreign: [UInt8] = pair.client.envelope.encrypt(
            salt: pair.client.salt, sessionID: other, messageID: id, seqNo: 1, body: answer, sender: .server, entropy: SystemEntropy())
        #expect(throws: ReceiveError.wrongSession(other)) { _ = try pair.client.receive(foreign, now: pair.now) }
        #expect(pair.client.pendingCount == 1)
        let ours: [UInt8] = SessionPackets.fromServer(answer, id: id, seqNo: 1, to: pair.client)
        #expect(SessionTests.results(try pair.client.receive(ours, now: pair.now))[token] == [1, 2, 3, 4])
    }

    @Test func anEvenMessageIDIsDroppedBeforeItTouchesTheClock() throws {
        var pair: Pair = Pair()
        let (token, answer): (RequestToken, [UInt8]) = try Self.callSent(&pair)
        // 100 s ahead: taken as the server's clock if the message were looked at any further.
        let odd: Int64 = SessionPackets.serverID(second: pair.now + 100, 1)
        let even: [UInt8] = SessionPackets.fromServer(answer, id: odd - 1, seqNo: 1, to: pair.client)
        #expect(throws: ReceiveError.evenMessageID(odd - 1)) { _ = try pair.client.receive(even, now: pair.now) }
        #expect(pair.client.timeOffset == 0)
        #expect(pair.client.pendingCount == 1)
        // Inside a container too, where only the container's id is odd.
        let inner: [UInt8] = ContainerEncoding.encode([OutgoingMessage(id: odd - 1, seqNo: 1, body: answer)])
        let container: [UInt8] = SessionPackets.fromServer(inner, id: odd + 4, to: pair.client)
        #expect(throws: ReceiveError.evenMessageID(odd - 1)) { _ = try pair.client.receive(container, now: pair.now) }
        #expect(pair.client.pendingCount == 1)
        let good: [UInt8] = SessionPackets.fromServer(answer, id: odd, seqNo: 1, to: pair.client)
        #expect(SessionTests.results(try pair.client.receive(good, now: pair.now))[token] == [1, 2, 3, 4])
    }

    /// Once ids are forgotten, any id not above the highest forgotten one might be one of them.
    @Test func idsNotAboveTheHighestForgottenOneAreDropped() {
        var received: ReceivedIDs = ReceivedIDs(capacity: 3)
        var accepted: [Bool] = []
        // 41 makes 11 forgotten; then 5 and 11 are not above it, 21 is still remembered, 15 is new.
        for id: Int64 in [11, 21, 31, 41, 5, 11, 21, 15] { accepted.append(received.insert(id)) }
        #expect(accepted == [true, true, true, true, false, false, false, true])
    }

    @Test func aMessageMoreThan300SecondsOldIsDropped() throws {
        var pair: Pair = Pair()
        let (token, answer): (RequestToken, [UInt8]) = try Self.callSent(&pair)
        let old: Int64 = SessionPackets.serverID(second: pair.now - 301, 1)
        let late: [UInt8] = SessionPackets.fromServer(answer, id: old, seqNo: 1, to: pair.client)
        #expect(throws: ReceiveError.outsideTimeWindow(old)) { _ = try pair.client.receive(late, now: pair.now) }
        #expect(pair.client.pendingCount == 1)
        let recent: [UInt8] = SessionPackets.fromServer(answer, id: SessionPackets.serverID(second: pair.now - 299, 1), seqNo: 1, to: pair.client)
        #expect(SessionTests.results(try pair.client.receive(recent, now: pair.now))[token] == [1, 2, 3, 4])
    }

    /// A server msg_id is never ahead of the server's clock, so one more than 30 s ahead of ours
    /// corrects our clock (as tdlib's `AuthData::check_packet` does) rather than being dropped; the
    /// window then follows the corrected clock.
    @Test func aMessageAheadOfTheWindowMovesTheClockAndTheWindowFollows() throws {
        var pair: Pair = Pair()
        let (token, answer): (RequestToken, [UInt8]) = try Self.callSent(&pair)
        let ahead: [UInt8] = SessionPackets.fromServer(MT.Pong(msgId: 0, pingId: 0).serializedBytes(),
            id: SessionPackets.serverID(second: pair.now + 31, 1), to: pair.client)
        #expect(try pair.client.receive(ahead, now: pair.now).contains(.parametersChanged))
        #expect(pair.client.timeOffset == 31)
        // 280 s old by our clock, 311 s by the server's: outside the window now.
        let old: Int64 = SessionPackets.serverID(second: pair.now - 280, 1)
        let late: [UInt8] = SessionPackets.fromServer(answer, id: old, seqNo: 1, to: pair.client)
        #expect(throws: ReceiveError.outsideTimeWindow(old)) { _ = try pair.client.receive(late, now: pair.now) }
        let recent: [UInt8] = SessionPackets.fromServer(answer, id: SessionPackets.serverID(second: pair.now - 260, 1), seqNo: 1, to: pair.client)
        #expect(SessionTests.results(try pair.client.receive(recent, now: pair.now))[token] == [1, 2, 3, 4])
    }
}

@testable import MTProto
@testable import MTProtoServer
import TLSchema
import Testing

/// The client session state machine against the server session, in memory, with a fake clock.
@Suite struct SessionTests {
    static let key: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(($0 * 7 + 3) & 0xff) })!
    static let t0: Double = 1_800_000_000

    struct Pair {
        var client: SessionState
        var server: ServerSession
        var now: Double = SessionTests.t0

        init(clientTimeOffset: Int32 = 0, clientSalt: Int64 = 42) {
            client = SessionState(authKey: SessionTests.key, salt: clientSalt, timeOffset: clientTimeOffset)
            server = ServerSession(authKey: SessionTests.key, salt: 42)
        }

        /// Client → server: returns the calls the server saw.
        mutating func clientToServer() throws -> [ServerSession.Call] {
            guard let packet = client.nextPacket(now: now) else { return [] }
            return try server.receive(packet, now: now)
        }

        /// Server → client: returns the client's events.
        mutating func serverToClient() throws -> [SessionEvent] {
            guard let packet = server.nextPacket(now: now) else { return [] }
            return try client.receive(packet, now: now)
        }
    }

    static func results(_ events: [SessionEvent]) -> [RequestToken: [UInt8]] {
        var out: [RequestToken: [UInt8]] = [:]
        for case .result(let token, let body) in events { out[token] = body }
        return out
    }

    @Test func requestAndAnswer() throws {
        var pair: Pair = Pair()
        let request: [UInt8] = Api.functions.help.GetNearestDc().serializedBytes()
        let token: RequestToken = pair.client.enqueue(request, contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        #expect(calls.map(\.body) == [request])
        let answer: [UInt8] = Api.NearestDc(country: "NL", thisDc: 2, nearestDc: 4).serializedBytes()
        pair.server.reply(to: calls[0].messageID, result: answer)
        let events: [SessionEvent] = try pair.serverToClient()
        #expect(events.contains(.newSessionCreated))
        #expect(Self.results(events)[token] == answer)
        #expect(pair.client.pendingCount == 0)
        // The client acknowledges the server's content-related messages in its next packet.
        #expect(pair.client.hasOutgoing)
        _ = try pair.clientToServer()
        pair.server.connectionLost()
        #expect(try pair.serverToClient().isEmpty)  // everything was acknowledged: nothing to resend
    }

    @Test func severalRequestsTravelInOneContainer() throws {
        var pair: Pair = Pair()
        let requests: [[UInt8]] = (0 ..< 5).map { (i: Int) -> [UInt8] in
            Api.functions.help.GetAppConfig(hash: Int32(i)).serializedBytes()
        }
        let tokens: [RequestToken] = requests.map { pair.client.enqueue($0, contentRelated: true) }
        let calls: [ServerSession.Call] = try pair.clientToServer()
        #expect(calls.count == 5)
        #expect(Set(calls.map(\.messageID)).count == 5)
        for call in calls { pair.server.reply(to: call.messageID, result: [0xb5, 0x75, 0x72, 0x99]) }
        let events: [SessionEvent] = try pair.serverToClient()
        #expect(Set(Self.results(events).keys) == Set(tokens))
    }

    @Test func largeBodiesAreGzipped() throws {
        var pair: Pair = Pair()
        let big: Api.functions.messages.SendMessage = Api.functions.messages.SendMessage(
            peer: .inputPeerSelf, message: String(repeating: "compress me ", count: 200), randomId: 1)
        _ = pair.client.enqueue(big.serializedBytes(), contentRelated: true)
        let next: [UInt8]? = pair.client.nextPacket(now: pair.now)
        let packet: [UInt8] = try #require(next)
        #expect(packet.count < big.serializedBytes().count)
        let calls: [ServerSession.Call] = try pair.server.receive(packet, now: pair.now)
        #expect(calls.map(\.body) == [big.serializedBytes()])
    }

    @Test func fileUploadPartsAreNotGzipped() throws {
        var pair: Pair = Pair()
        let compressible: [UInt8] = [UInt8](repeating: 7, count: 64 * 1024)
        let small: [UInt8] = Api.functions.upload.SaveFilePart(fileId: 1, filePart: 0, bytes: compressible).serializedBytes()
        let big: [UInt8] = Api.functions.upload.SaveBigFilePart(fileId: 2, filePart: 0, fileTotalParts: 20, bytes: compressible).serializedBytes()
        for body in [small, big] {
            _ = pair.client.enqueue(body, contentRelated: true)
            let next: [UInt8]? = pair.client.nextPacket(now: pair.now)
            let packet: [UInt8] = try #require(next)
            #expect(packet.count > compressible.count)
            let calls: [ServerSession.Call] = try pair.server.receive(packet, now: pair.now)
            #expect(calls.map(\.body) == [body])
        }
    }

    @Test func badServerSaltSwitchesSaltAndResends() throws {
        var pair: Pair = Pair(clientSalt: 1)
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        #expect(try pair.clientToServer().isEmpty)  // rejected: wrong salt
        let events: [SessionEvent] = try pair.serverToClient()
        #expect(events.contains(.parametersChanged))
        #expect(pair.client.salt == 42)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        #expect(calls.count == 1)
        pair.server.reply(to: calls[0].messageID, result: [1, 2, 3, 4])
        #expect(Self.results(try pair.serverToClient())[token] == [1, 2, 3, 4])
    }

    @Test func msgIDTooLowCorrectsTheClockAndResends() throws {
        var pair: Pair = Pair(clientTimeOffset: -1000)
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reject(messageID: calls[0].messageID, code: 16)
        _ = try pair.serverToClient()
        #expect(pair.client.timeOffset == 0)
        let again: [ServerSession.Call] = try pair.clientToServer()
        #expect(again.count == 1)
        #expect(again[0].messageID >> 32 == Int64(SessionTests.t0))
        pair.server.reply(to: again[0].messageID, result: [9, 9, 9, 9])
        #expect(Self.results(try pair.serverToClient())[token] == [9, 9, 9, 9])
    }

    @Test func seqNoErrorsStartANewSession() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        let oldSession: Int64 = pair.client.sessionID
        pair.server.reject(messageID: calls[0].messageID, code: 32)
        _ = try pair.serverToClient()
        #expect(pair.client.sessionID != oldSession)
        let again: [ServerSession.Call] = try pair.clientToServer()
        #expect(again.count == 1)
        pair.server.reply(to: again[0].messageID, result: [5, 5, 5, 5])
        #expect(Self.results(try pair.serverToClient())[token] == [5, 5, 5, 5])
    }

    @Test func clientBugCodesFailTheRequest() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reject(messageID: calls[0].messageID, code: 35)
        #expect(try pair.serverToClient().contains(.requestFailed(token, .badMessage(code: 35))))
        #expect(pair.client.pendingCount == 0)
    }

    @Test func rpcErrorsAreParsed() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.replyError(to: calls[0].messageID, code: 420, message: "FLOOD_WAIT_17")
        let events: [SessionEvent] = try pair.serverToClient()
        let error: RPCError = RPCError(code: 420, message: "FLOOD_WAIT_17")
        #expect(events.contains(.rpcError(token, error)))
        #expect(error.name == "FLOOD_WAIT" && error.value == 17)
        #expect(RPCError(code: 303, message: "PHONE_MIGRATE_5").value == 5)
        #expect(RPCError(code: 400, message: "PEER_ID_INVALID").value == nil)
    }

    @Test func replayedAndForeignPacketsAreDropped() throws {
        var pair: Pair = Pair()
        _ = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let calls: [ServerSession.Call] = try pair.clientToServer()
        pair.server.reply(to: calls[0].messageID, result: [1, 1, 1, 1])
        let next: [UInt8]? = pair.server.nextPacket(now: pair.now)
        let packet: [UInt8] = try #require(next)
        _ = try pair.client.receive(packet, now: pair.now)
        #expect { _ = try pair.client.receive(packet, now: pair.now) } throws: { error in
            if case ReceiveError.replayed = error { return true }
            return false
        }
        var tampered: [UInt8] = packet
        tampered[30] ^= 0x80
        #expect(throws: ReceiveError.envelope(.integrity)) { _ = try pair.client.receive(tampered, now: pair.now) }
        // A message from far in the past is outside the time window.
        var late: Pair = Pair()
        _ = late.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        let lateCalls: [ServerSession.Call] = try late.clientToServer()
        late.server.reply(to: lateCalls[0].messageID, result: [1, 1, 1, 1])
        let oldPacket: [UInt8]? = late.server.nextPacket(now: late.now - 400)
        let old: [UInt8] = try #require(oldPacket)
        // The packet is a container: each of its messages is outside the window and skipped alone.
        let lateEvents: [SessionEvent] = try late.client.receive(old, now: late.now)
        #expect(Self.results(lateEvents).isEmpty)
        #expect(!lateEvents.contains(.newSessionCreated))
    }

    @Test func unacknowledgedRequestsAreResentAfterReconnectAndCompleteOnce() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        _ = pair.client.nextPacket(now: pair.now)  // lost on the wire
        pair.client.connectionLost()
        let calls: [ServerSession.Call] = try pair.clientToServer()
        #expect(calls.count == 1)
        pair.server.reply(to: calls[0].messageID, result: [3, 3, 3, 3])
        // The answer is lost too; the server sends it again on the next connection.
        _ = pair.server.nextPacket(now: pair.now)
        pair.server.connectionLost()
        let events: [SessionEvent] = try pair.serverToClient()
        #expect(Self.results(events)[token] == [3, 3, 3, 3])
        pair.server.connectionLost()
        let duplicate: [SessionEvent] = (try? pair.serverToClient()) ?? []
        #expect(Self.results(duplicate).isEmpty)
    }

    @Test func acknowledgedRequestsAreNotResent() throws {
        var pair: Pair = Pair()
        _ = pair.client.enqueue(Api.functions.help.GetConfig().serializedBytes(), contentRelated: true)
        _ = try pair.clientToServer()
        _ = try pair.serverToClient()  // new_session_created + msgs_ack for the request
        pair.client.connectionLost()
        let calls: [ServerSession.Call] = try pair.clientToServer()
        #expect(calls.isEmpty)
    }

    @Test func pingsAreAnsweredWithPong() throws {
        var pair: Pair = Pair()
        let token: RequestToken = pair.client.enqueue(MT.functions.Ping(pingId: 77).serializedBytes(), contentRelated: false)
        #expect(try pair.clientToServer().isEmpty)
        let events: [SessionEvent] = try pair.serverToClient()
        let body: [UInt8] = try #require(Self.results(events)[token])
        #expect(try MT.Pong(decoding: body).pingId == 77)
    }
}

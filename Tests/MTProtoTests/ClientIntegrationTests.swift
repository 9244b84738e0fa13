import Foundation
@testable import MTProto
import TestDC
import TLSchema
import Testing

/// The client against the in-process test DC over real TCP on loopback.
@Suite(.serialized) struct ClientIntegrationTests {
    static let serverKey: RSAPrivateKey = RSAPrivateKey.generate()

    static func startDC(dcs: [Int] = [1, 2]) async throws -> TestDataCentre {
        let dc: TestDataCentre = TestDataCentre(dcs: dcs, rsaKey: serverKey)
        try await dc.start()
        return dc
    }

    static func client(
        _ server: TestDataCentre, dc: Int = 1, transport: TransportKind = .intermediate, obfuscation: Obfuscation? = nil,
        temporaryKeyLifetime: Duration? = .seconds(86_400)
    ) async -> MTProtoClient {
        let all: [DataCentre] = await server.dataCentres
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: all.first { $0.id == dc }!, knownDataCentres: all, rsaKeys: [serverKey.publicKey], transport: transport,
            obfuscation: obfuscation, apiID: 1, defaultTimeout: .seconds(20), reconnectDelay: .milliseconds(20),
            maximumReconnectDelay: .milliseconds(200), temporaryKeyLifetime: temporaryKeyLifetime)
        return MTProtoClient(configuration: configuration)
    }

    static let transports: [(TransportKind, Obfuscation?)] = [
        (.abridged, nil), (.intermediate, nil), (.paddedIntermediate, nil), (.full, nil),
        (.abridged, Obfuscation()), (.intermediate, Obfuscation()), (.paddedIntermediate, Obfuscation()),
    ]

    @Test(arguments: 0 ..< transports.count)
    func everyTransportCompletesTheExchangeAndCalls(index: Int) async throws {
        let server: TestDataCentre = try await Self.startDC()
        let (kind, obfuscation): (TransportKind, Obfuscation?) = Self.transports[index]
        let client: MTProtoClient = await Self.client(server, transport: kind, obfuscation: obfuscation)
        try await client.connect()
        #expect(await client.serverConfig?.thisDc == 1)
        let nearest: Api.NearestDc = try await client.invoke(Api.functions.help.GetNearestDc())
        #expect(nearest.thisDc == 1)
        let pong: MT.Pong = try await client.invoke(MT.functions.Ping(pingId: 99))
        #expect(pong.pingId == 99)
        // PFS is on by default: the traffic went over a temporary key bound to the permanent one.
        let permanent: Int64 = await client.authKeys[1]!.authKey.id
        let bound: [Int64: Int64] = await server.boundTemporaryKeys(dc: 1)
        #expect(bound.count == 1 && bound.values.first == permanent)
        #expect(Set(await server.knownAuthKeyIDs(dc: 1)) == Set([permanent] + Array(bound.keys)))
        await client.close()
        await server.stop()
    }

    @Test func thousandConcurrentInvokes() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        let results: [Int32] = try await withThrowingTaskGroup(of: Int32.self) { (group: inout ThrowingTaskGroup<Int32, any Error>) in
            for _ in 0 ..< 1000 {
                group.addTask { try await client.invoke(Api.functions.help.GetNearestDc()).thisDc }
            }
            var out: [Int32] = []
            for try await value in group { out.append(value) }
            return out
        }
        #expect(results.count == 1000 && results.allSatisfy { $0 == 1 })
        #expect(await server.callCount(of: Api.functions.help.GetNearestDc.constructorID) == 1000)
        await client.close()
        await server.stop()
    }

    @Test func droppedConnectionsMidRequestsCompleteEveryCallOnce() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        var plan: FaultPlan = FaultPlan()
        plan.dropConnectionAfterMessages = 25
        await server.setFaults(plan)
        var completions: [Int] = []
        for round in 0 ..< 15 {
            completions += try await withThrowingTaskGroup(of: Int.self) { (group: inout ThrowingTaskGroup<Int, any Error>) in
                for i in 0 ..< 20 {
                    group.addTask {
                        _ = try await client.invoke(Api.functions.help.GetNearestDc())
                        return round * 20 + i
                    }
                }
                var out: [Int] = []
                for try await i in group { out.append(i) }
                return out
            }
        }
        #expect(completions.sorted() == Array(0 ..< 300))
        // 300 calls with a drop every 25: the client reconnected at least 11 times.
        #expect(await server.acceptedConnections >= 12)
        #expect(await server.callCount(of: Api.functions.help.GetNearestDc.constructorID) >= 300)
        await client.close()
        await server.stop()
    }

    /// A call made while the client waits to reconnect must not take the resent calls out of the
    /// session's queue with it (they used to be marked sent into no connection and time out).
    @Test func aCallMadeBetweenConnectionsDoesNotStrandTheResentOnes() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let all: [DataCentre] = await server.dataCentres
        let client: MTProtoClient = MTProtoClient(configuration: ClientConfiguration(
            dataCentre: all[0], knownDataCentres: all, rsaKeys: [Self.serverKey.publicKey], apiID: 1, defaultTimeout: .seconds(3),
            reconnectDelay: .milliseconds(600), maximumReconnectDelay: .milliseconds(600), temporaryKeyLifetime: nil))
        try await client.connect()
        var plan: FaultPlan = FaultPlan()
        plan.dropConnectionAfterMessages = 0
        await server.setFaults(plan)
        let first: Task<Int32, any Error> = Task { try await client.invoke(Api.functions.help.GetNearestDc()).thisDc }
        try await Task.sleep(for: .milliseconds(200))  // dropped; the client waits 300–600 ms to reconnect
        await server.setFaults(FaultPlan())
        let second: Int32 = try await client.invoke(Api.functions.help.GetNearestDc()).thisDc
        #expect(second == 1)
        #expect(try await first.value == 1)
        let connections: Int = await server.acceptedConnections
        #expect(connections == 2, "\(connections) connections")
        await client.close()
        await server.stop()
    }

    @Test func saltRotationClockCorrectionAndForgottenKeys() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        var plan: FaultPlan = FaultPlan()
        plan.rotateSaltTimes = 1
        plan.rejectMessageIDsTimes = 1
        await server.setFaults(plan)
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        // The server forgets every key: -404, a new key exchange, and the call still completes.
        let oldKey: Int64 = await client.authKeys[1]!.authKey.id
        await server.stop()
        // Only DC 1 comes back, on its old port (DC 2 would take the port after it, which another test may hold).
        let restarted: TestDataCentre = TestDataCentre(dcs: [1], rsaKey: Self.serverKey)
        try await restarted.start(basePort: (await server.dataCentres)[0].port)
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(await client.authKeys[1]!.authKey.id != oldKey)
        await client.close()
        await restarted.stop()
    }

    @Test func phoneMigrateMovesTheHomeDC() async throws {
        let server: TestDataCentre = try await Self.startDC()
        await server.handle(Api.functions.auth.SendCode.self) { (context: HandlerContext) -> HandlerOutcome in
            if context.dc == 1 { return .error(code: 303, message: "PHONE_MIGRATE_2") }
            return .value(Api.auth.SentCode.sentCode(Api.auth.SentCode.SentCode(
                type: .sentCodeTypeApp(Api.auth.SentCodeType.SentCodeTypeApp(length: 5)), phoneCodeHash: "hash")))
        }
        let client: MTProtoClient = await Self.client(server, dc: 1)
        try await client.connect()
        let sent: Api.auth.SentCode = try await client.invoke(Api.functions.auth.SendCode(
            phoneNumber: "+15550001111", apiId: 1, apiHash: "x", settings: Api.CodeSettings()))
        guard case .sentCode(let code) = sent else {
            Issue.record("unexpected answer")
            return
        }
        #expect(code.phoneCodeHash == "hash")
        #expect(await client.homeDataCentre.id == 2)
        await client.close()
        await server.stop()
    }

    @Test func updatesArePushedToTheStream() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        let push: Api.Updates = .updateShortMessage(Api.Updates.UpdateShortMessage(
            id: 5, userId: 77, message: "hi", pts: 10, ptsCount: 1, date: 1))
        await server.push(push)
        var iterator: AsyncStream<Api.Updates>.Iterator = client.updates.makeAsyncIterator()
        var found: Bool = false
        for _ in 0 ..< 5 {
            guard let next = await iterator.next() else { break }
            if case .updateShortMessage(let m) = next {
                #expect(m.message == "hi" && m.userId == 77)
                found = true
                break
            }
        }
        #expect(found)
        await client.close()
        await server.stop()
    }

    @Test func aConsumerThatFallsBehindGetsADifferenceInsteadOfUnboundedMemory() async throws {
        let server: TestDataCentre = try await Self.startDC()
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        func message(_ id: Int32) -> Api.Updates {
            .updateShortMessage(Api.Updates.UpdateShortMessage(id: id, userId: 77, message: "m\(id)", pts: id, ptsCount: 1, date: 1))
        }
        // Nobody reads while 5,000 updates arrive: the stream keeps 4,096 of them, not all.
        for id in 1 ... 5_000 as ClosedRange<Int32> { await server.push(message(id)) }
        _ = try await client.invoke(Api.functions.help.GetConfig())  // answered after every push
        var iterator: AsyncStream<Api.Updates>.Iterator = client.updates.makeAsyncIterator()
        var ids: [Int32] = []
        for _ in 0 ..< 4_096 {
            guard let next = await iterator.next() else { break }
            if case .updateShortMessage(let m) = next { ids.append(m.id) }
        }
        #expect(ids.count >= 4_095 && ids == Array(1 ... Int32(ids.count)))
        // Room again: the next update comes after an updatesTooLong (fetch the difference).
        await server.push(message(10_000))
        let first: Api.Updates? = await iterator.next()
        let second: Api.Updates? = await iterator.next()
        if case .updatesTooLong? = first {} else { Issue.record("expected updatesTooLong, got \(String(describing: first))") }
        if case .updateShortMessage(let m)? = second { #expect(m.id == 10_000) } else { Issue.record("expected the new update") }
        await client.close()
        await server.stop()
    }

    @Test func timeoutsAndCancellation() async throws {
        let server: TestDataCentre = try await Self.startDC()
        await server.handle(Api.functions.help.GetNearestDc.self) { _ in
            try? await Task.sleep(for: .seconds(5))
            return .value(Api.NearestDc(country: "ZZ", thisDc: 1, nearestDc: 1))
        }
        let client: MTProtoClient = await Self.client(server)
        try await client.connect()
        await #expect(throws: MTProtoClientError.timeout) {
            _ = try await client.invoke(Api.functions.help.GetNearestDc(), timeout: .milliseconds(100))
        }
        let task: Task<Api.NearestDc, any Error> = Task { try await client.invoke(Api.functions.help.GetNearestDc()) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        await client.close()
        await #expect(throws: MTProtoClientError.closed) { _ = try await client.invoke(Api.functions.help.GetNearestDc()) }
        await server.stop()
    }
}

/// Flood waits against the test DC's planned rpc_errors.
@Suite(.serialized) struct FloodWaitTests {
    /// A test DC and a client connected to its DC 1.
    static func connected() async throws -> (TestDataCentre, MTProtoClient) {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let client: MTProtoClient = await ClientIntegrationTests.client(server)
        try await client.connect()
        return (server, client)
    }

    @Test func shortFloodWaitsAreSleptThroughAndLongOnesFail() async throws {
        let (server, client): (TestDataCentre, MTProtoClient) = try await Self.connected()
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.help.GetNearestDc.constructorID] = (420, "FLOOD_WAIT_1", 1)
        await server.setFaults(plan)
        let clock: ContinuousClock = ContinuousClock()
        let start: ContinuousClock.Instant = clock.now
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(clock.now - start >= .seconds(1))
        // Above the threshold the call fails with the error, and so does the next call of the method.
        client.setFloodWaitPolicy(FloodWaitPolicy(sleepThreshold: .seconds(5)))
        plan.rpcErrors[Api.functions.help.GetNearestDc.constructorID] = (420, "FLOOD_WAIT_30", 1)
        await server.setFaults(plan)
        await #expect(throws: RPCError(code: 420, message: "FLOOD_WAIT_30")) {
            _ = try await client.invoke(Api.functions.help.GetNearestDc())
        }
        await #expect { _ = try await client.invoke(Api.functions.help.GetNearestDc()) } throws: { error in
            (error as? RPCError)?.name == "FLOOD_WAIT"
        }
        // Other methods are not held back.
        #expect(try await client.invoke(MT.functions.Ping(pingId: 1)).pingId == 1)
        // SLOWMODE_WAIT retries only that request.
        plan.rpcErrors = [Api.functions.help.GetConfig.constructorID: (420, "SLOWMODE_WAIT_1", 1)]
        await server.setFaults(plan)
        #expect(try await client.invoke(Api.functions.help.GetConfig()).thisDc == 1)
        await client.close()
        await server.stop()
    }

    @Test func testPhoneAndTwoFactorConfirmationWaitsAreRecognised() async throws {
        let (server, client): (TestDataCentre, MTProtoClient) = try await Self.connected()
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.help.GetNearestDc.constructorID] = (420, "FLOOD_TEST_PHONE_WAIT_1", 1)
        plan.rpcErrors[Api.functions.help.GetConfig.constructorID] = (420, "2FA_CONFIRM_WAIT_1", 1)
        await server.setFaults(plan)
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(try await client.invoke(Api.functions.help.GetConfig()).thisDc == 1)
        // The week before an account with a password can be deleted is not slept through, and the
        // call fails with the server's own error; other calls of the method are not held back.
        plan.rpcErrors = [Api.functions.help.GetConfig.constructorID: (420, "2FA_CONFIRM_WAIT_604800", 1)]
        await server.setFaults(plan)
        await #expect(throws: RPCError(code: 420, message: "2FA_CONFIRM_WAIT_604800")) {
            _ = try await client.invoke(Api.functions.help.GetConfig())
        }
        #expect(try await client.invoke(Api.functions.help.GetConfig()).thisDc == 1)
        #expect(FloodWaitPolicy.wait(for: RPCError(code: 420, message: "2FA_CONFIRM_WAIT_604800"))?.perMethod == false)
        await client.close()
        await server.stop()
    }
}

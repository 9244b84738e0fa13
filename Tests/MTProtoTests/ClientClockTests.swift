import Foundation
import Synchronization
@testable import MTProto
import TestDC
import TLSchema
import Testing

/// The client's time-dependent decisions, driven by a clock the test moves: nothing waits for real time.
@Suite(.serialized) struct ClientClockTests {
    typealias Helpers = ClientIntegrationTests

    /// A client of the test DC's DC 1 on `clock`, with PFS (keys of a day) and the tests' short reconnect delays.
    static func client(_ server: TestDataCentre, clock: ManualClock, defaultTimeout: Duration, pingInterval: Duration) async -> MTProtoClient {
        let all: [DataCentre] = await server.dataCentres
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: all.first { $0.id == 1 }!, knownDataCentres: all, rsaKeys: [Helpers.serverKey.publicKey], apiID: 1,
            defaultTimeout: defaultTimeout, pingInterval: pingInterval, reconnectDelay: .milliseconds(20),
            maximumReconnectDelay: .milliseconds(200), temporaryKeyLifetime: .seconds(86_400))
        return MTProtoClient(configuration: configuration, clock: clock)
    }

    @Test func theBackoffDoublesFromItsBaseAndStopsAtItsCap() {
        let backoff: ReconnectBackoff = ReconnectBackoff(base: .milliseconds(200), cap: .seconds(3))
        let full: [Duration] = (0 ..< 7).map { backoff.delay(attempt: $0, jitterByte: 255) }
        #expect(full == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .seconds(3), .seconds(3), .seconds(3)])
        // The jitter scales each delay down to half at most.
        #expect(backoff.delay(attempt: 2, jitterByte: 0) == .milliseconds(400))
        #expect(backoff.delay(attempt: 1_000, jitterByte: 255) == .seconds(3))
    }

    @Test func aTransportFloodWaitsAtLeastHalfTheCap() {
        let backoff: ReconnectBackoff = ReconnectBackoff(base: .milliseconds(20), cap: .milliseconds(200))
        #expect(backoff.delay(attempt: 0, jitterByte: 0, transportFlood: false) == .milliseconds(10))
        #expect(backoff.delay(attempt: 0, jitterByte: 0, transportFlood: true) == .milliseconds(100))
        #expect(backoff.delay(attempt: 8, jitterByte: 255, transportFlood: true) == .milliseconds(200))
    }

    @Test func theTemporaryKeyIsRenewedOnceTheClockPassesThreeQuartersOfItsLifetime() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        let clock: ManualClock = ManualClock()
        let lifetime: Duration = .seconds(86_400)
        // No keep-alive within the test: only the key's age ends the connection.
        let client: MTProtoClient = await Self.client(server, clock: clock, defaultTimeout: .seconds(20), pingInterval: lifetime * 2)
        try await client.connect()
        let first: Set<Int64> = Set(await server.boundTemporaryKeys(dc: 1).keys)
        #expect(first.count == 1)

        // Just before three quarters of the lifetime (the expiry's margin): the key is kept.
        clock.advance(by: lifetime * 3 / 4 - .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) == 1)

        // Past it: a new key is bound (the reconnect's backoff runs on the same clock).
        clock.advance(by: .seconds(31))
        let start: ContinuousClock.Instant = .now
        while await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) < 2, ContinuousClock.now - start < .seconds(10) {
            try await Task.sleep(for: .milliseconds(10))
            clock.advance(by: .milliseconds(50))
        }
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) == 2)
        #expect(first.isDisjoint(with: await server.boundTemporaryKeys(dc: 1).keys))
        await client.close()
        await server.stop()
    }

    @Test func aCallTimesOutWhenTheClockPassesItsDeadline() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        let clock: ManualClock = ManualClock()
        let client: MTProtoClient = await Self.client(server, clock: clock, defaultTimeout: .seconds(600), pingInterval: .seconds(3_600))
        // The server answers after 5 s of real time; the manual clock moves 601 s long before that.
        await server.handle(Api.functions.help.GetNearestDc.self) { _ in
            try? await Task.sleep(for: .seconds(5))
            return .value(Api.NearestDc(country: "late", thisDc: 1, nearestDc: 1))
        }
        try await client.connect()
        let finished: Mutex<Bool> = Mutex(false)
        let call: Task<Int32, any Error> = Task {
            defer { finished.withLock { $0 = true } }
            return try await client.invoke(Api.functions.help.GetNearestDc()).thisDc
        }
        try await Task.sleep(for: .milliseconds(100))
        clock.advance(by: .seconds(599))
        try await Task.sleep(for: .milliseconds(100))
        #expect(!finished.withLock { $0 })
        clock.advance(by: .seconds(2))
        await #expect(throws: MTProtoClientError.timeout) { _ = try await call.value }
        await client.close()
        await server.stop()
    }
}

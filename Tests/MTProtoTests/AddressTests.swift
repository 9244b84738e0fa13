import Foundation
@testable import MTProto
import TestDC
import TLSchema
import Testing

/// Every address of a DC kept and tried in turn (issue 12 §1, item 8).
@Suite(.serialized) struct AddressTests {
    @Test func addressesAreTriedIPv4FirstThenIPv6WithoutMediaOnlyOnes() {
        let known: [DataCentre] = [
            DataCentre(id: 2, host: "2001:db8::1", port: 443, kind: .ipv6), DataCentre(id: 2, host: "10.0.0.9", port: 443, kind: .mediaOnly),
            DataCentre(id: 2, host: "10.0.0.2", port: 443, kind: .isStatic), DataCentre(id: 1, host: "10.0.0.1", port: 443),
            DataCentre(id: 2, host: "10.0.0.1", port: 443, kind: .thisPortOnly),
        ]
        #expect(DataCentre.addresses(of: 2, in: known).map(\.host) == ["10.0.0.1", "10.0.0.2", "2001:db8::1"])
        #expect(DataCentre.address(after: known[0], in: known)?.host == "10.0.0.1")
        #expect(DataCentre.address(after: known[3], in: known) == nil)
    }

    @Test func aDCWhoseIPv4AddressIsUnreachableIsReachedOverIPv6() async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        var plan: FaultPlan = FaultPlan()
        plan.unreachableIPv4 = true
        await server.setFaults(plan, dc: 1)
        await server.handle(Api.functions.help.GetNearestDc.self) { (context: HandlerContext) -> HandlerOutcome in
            if context.dc == 1 { return .error(code: 303, message: "NETWORK_MIGRATE_2") }
            return .value(Api.NearestDc(country: "ZZ", thisDc: Int32(context.dc), nearestDc: Int32(context.dc)))
        }
        let client: MTProtoClient = await ClientIntegrationTests.client(server, dc: 1)
        try await client.connect()
        // DC 1's config gives DC 2 an IPv4 address that refuses connections, then ::1.
        #expect(try await client.invoke(Api.functions.help.GetNearestDc(), timeout: .seconds(10)).thisDc == 2)
        let home: DataCentre = await client.homeDataCentre
        #expect(home.id == 2 && home.kind.contains(.ipv6))
        await client.close()
        await server.stop()
    }

    @Test func connectTriesTheNextAddressBeforeFailing() async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let all: [DataCentre] = await server.dataCentres
        let unreachable: DataCentre = DataCentre(id: 1, host: "127.0.0.1", port: 1)
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: unreachable, knownDataCentres: [unreachable] + all, rsaKeys: [ClientIntegrationTests.serverKey.publicKey],
            apiID: 1, defaultTimeout: .seconds(20), reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(200))
        let client: MTProtoClient = MTProtoClient(configuration: configuration)
        try await client.connect()
        #expect(await client.homeDataCentre == all.first { $0.id == 1 })
        await client.close()
        await server.stop()
    }
}

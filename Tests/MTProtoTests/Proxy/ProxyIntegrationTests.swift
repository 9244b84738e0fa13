import Foundation
@testable import MTProto
import TestDC
import TLSchema
import Testing

/// Clients through TestDC's SOCKS5 proxy and MTProxy (plain, dd, ee) over real TCP, reaching a DC
/// and calling help.getConfig; failures are typed ``ProxyError``s within the proxy timeout.
@Suite(.serialized) struct ProxyIntegrationTests {
    static let key: [UInt8] = (0 ..< 16).map { UInt8($0 * 17 & 0xff) }

    static func client(_ server: TestDataCentre, dc: Int = 1, proxy: ProxySettings) async -> MTProtoClient {
        let all: [DataCentre] = await server.dataCentres
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: all.first { $0.id == dc && !$0.kind.contains(.ipv6) }!, knownDataCentres: all,
            rsaKeys: [ClientIntegrationTests.serverKey.publicKey], proxy: proxy, proxyTimeout: .milliseconds(1500), apiID: 1,
            defaultTimeout: .seconds(20), reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(200))
        return MTProtoClient(configuration: configuration)
    }

    /// The error `connect()` ends with, failing the test when it takes longer than `limit`.
    static func connectError(_ client: MTProtoClient, limit: Duration = .seconds(10)) async -> (any Error)? {
        let started: ContinuousClock.Instant = .now
        defer { #expect(ContinuousClock.now - started < limit) }
        do {
            try await client.connect()
            return nil
        } catch {
            return error
        }
    }

    static func expectConfig(_ client: MTProtoClient, dc: Int32 = 1) async throws {
        try await client.connect()
        let config: Api.Config = try await client.invoke(Api.functions.help.GetConfig())
        #expect(config.thisDc == dc)
    }

    @Test func socks5WithoutAndWithAuthentication() async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let open: TestSOCKS5Proxy = TestSOCKS5Proxy()
        let openPort: Int = try await open.start()
        let plain: MTProtoClient = await Self.client(server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: openPort)))
        try await Self.expectConfig(plain)
        await plain.close()

        let credentials: SOCKS5Credentials = SOCKS5Credentials(username: "ann", password: "s3cret")
        let guarded: TestSOCKS5Proxy = TestSOCKS5Proxy(credentials: credentials)
        let guardedPort: Int = try await guarded.start()
        let authenticated: MTProtoClient = await Self.client(
            server, dc: 2, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: guardedPort, credentials: credentials)))
        try await Self.expectConfig(authenticated, dc: 2)
        await authenticated.close()

        let wrong: MTProtoClient = await Self.client(
            server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: guardedPort, credentials: SOCKS5Credentials(username: "ann", password: "x"))))
        #expect(await Self.connectError(wrong) as? ProxyError == .socks5(.authenticationFailed(status: 1)))
        await wrong.close()
        let anonymous: MTProtoClient = await Self.client(server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: guardedPort)))
        #expect(await Self.connectError(anonymous) as? ProxyError == .socks5(.authenticationRequired))
        await anonymous.close()
        await open.stop()
        await guarded.stop()
        await server.stop()
    }

    @Test func refusingSilentAndAbsentProxiesFailTyped() async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let refusing: TestSOCKS5Proxy = TestSOCKS5Proxy(refusal: .connectionRefused)
        let refusingPort: Int = try await refusing.start()
        let refused: MTProtoClient = await Self.client(server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: refusingPort)))
        #expect(await Self.connectError(refused) as? ProxyError == .socks5(.requestFailed(.connectionRefused)))
        await refused.close()

        let silent: TestSOCKS5Proxy = TestSOCKS5Proxy(isSilent: true)
        let silentPort: Int = try await silent.start()
        let hung: MTProtoClient = await Self.client(server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: silentPort)))
        #expect(await Self.connectError(hung) as? ProxyError == .handshakeTimeout)
        await hung.close()

        // Nothing listens on the port any more.
        await silent.stop()
        let absent: MTProtoClient = await Self.client(server, proxy: .socks5(SOCKS5Proxy(host: "127.0.0.1", port: silentPort)))
        let error: (any Error)? = await Self.connectError(absent)
        guard case .unreachable? = error as? ProxyError else {
            Issue.record("expected ProxyError.unreachable, got \(String(describing: error))")
            return
        }
        await absent.close()
        await refusing.stop()
        await server.stop()
    }

    static let secrets: [MTProxySecret] = [
        try! MTProxySecret(key: key, kind: .plain), try! MTProxySecret(key: key, kind: .padded),
        try! MTProxySecret(key: key, kind: .fakeTLS(domain: "www.example.com")),
    ]

    @Test(arguments: 0 ..< secrets.count)
    func mtproxyReachesTheDCNamedInTheHeader(index: Int) async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let proxy: TestMTProxy = TestMTProxy(secret: Self.secrets[index], dataCentres: await server.dataCentres)
        let port: Int = try await proxy.start()
        for dc in [1, 2] {
            let client: MTProtoClient = await Self.client(
                server, dc: dc, proxy: .mtproxy(MTProxyServer(host: "127.0.0.1", port: port, secret: Self.secrets[index])))
            try await Self.expectConfig(client, dc: Int32(dc))
            await client.close()
        }
        await proxy.stop()
        await server.stop()
    }

    @Test(arguments: 0 ..< secrets.count)
    func wrongMTProxySecretIsClosedAndTyped(index: Int) async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let proxy: TestMTProxy = TestMTProxy(secret: Self.secrets[index], dataCentres: await server.dataCentres)
        let port: Int = try await proxy.start()
        let wrong: MTProxySecret = try MTProxySecret(key: [UInt8](repeating: 1, count: 16), kind: Self.secrets[index].kind)
        let client: MTProtoClient = await Self.client(server, proxy: .mtproxy(MTProxyServer(host: "127.0.0.1", port: port, secret: wrong)))
        let error: ProxyError? = await Self.connectError(client) as? ProxyError
        if case .fakeTLS = wrong.kind {
            #expect(error == .closedDuringHandshake)
        } else {
            #expect(error == .closedByMTProxy)
        }
        await client.close()
        await proxy.stop()
        await server.stop()
    }
}

/// Auxiliary (FILE_MIGRATE) and migrated (PHONE_MIGRATE) connections use the proxy too, each with
/// the DC it wants in the header.
@Suite(.serialized) struct ProxyMigrationTests {
    @Test func auxiliaryAndMigratedConnectionsGoThroughTheMTProxy() async throws {
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        await server.handle(Api.functions.upload.GetFile.self) { (context: HandlerContext) -> HandlerOutcome in
            if context.dc == 1 { return .error(code: 303, message: "FILE_MIGRATE_2") }
            return .value(Api.upload.File.file(Api.upload.File.File(type: .filePartial, mtime: 0, bytes: [7])))
        }
        await server.handle(Api.functions.auth.SendCode.self) { (context: HandlerContext) -> HandlerOutcome in
            if context.dc == 1 { return .error(code: 303, message: "PHONE_MIGRATE_2") }
            return .value(Api.auth.SentCode.sentCode(Api.auth.SentCode.SentCode(
                type: .sentCodeTypeApp(Api.auth.SentCodeType.SentCodeTypeApp(length: 5)), phoneCodeHash: "hash")))
        }
        let secret: MTProxySecret = ProxyIntegrationTests.secrets[1]
        let proxy: TestMTProxy = TestMTProxy(secret: secret, dataCentres: await server.dataCentres)
        let port: Int = try await proxy.start()
        let client: MTProtoClient = await ProxyIntegrationTests.client(
            server, proxy: .mtproxy(MTProxyServer(host: "127.0.0.1", port: port, secret: secret)))
        try await client.connect()
        #expect(proxy.tunnelsByDCID == [1: 1])
        await server.authorize(authKeyID: await client.authKeys[1]!.authKey.id, userID: 42, dc: 1)
        let location: Api.InputFileLocation = .inputDocumentFileLocation(Api.InputFileLocation.InputDocumentFileLocation(
            id: 1, accessHash: 2, fileReference: [], thumbSize: ""))
        _ = try await client.invoke(Api.functions.upload.GetFile(location: location, offset: 0, limit: 1024))
        #expect(proxy.tunnelsByDCID == [1: 1, 2: 1])
        _ = try await client.invoke(Api.functions.auth.SendCode(phoneNumber: "+15550001111", apiId: 1, apiHash: "x", settings: Api.CodeSettings()))
        #expect(await client.homeDataCentre.id == 2)
        #expect(proxy.tunnelsByDCID[2] == 2)
        #expect(proxy.tunnelsByDCID[1] == 1)
        await client.close()
        await proxy.stop()
        await server.stop()
    }
}

import Foundation
@testable import MTProto
import TestDC
import TLSchema
import Testing

@Suite(.serialized) struct SessionStorageTests {
    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "mtproto-\(UUID().uuidString).session"
    }

    @Test func keysAndHomeDCRoundTripWithMode0600() throws {
        let path: String = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let key: HandshakeResult = HandshakeResult(
            authKey: AuthKey(bytes: [0, 0] + (2 ..< 256).map { UInt8($0) })!, serverSalt: -5, timeOffset: 7, expiresAt: nil)
        do {
            let storage: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
            #expect(try storage.authKeys().isEmpty)
            #expect(try storage.homeDataCentre() == nil)
            try storage.saveAuthKey(key, dc: 2)
            try storage.setHomeDataCentre(2)
            // The write-ahead log and its index hold key material too: same mode as the file.
            for suffix in ["-wal", "-shm"] {
                let side: [FileAttributeKey: Any] = try FileManager.default.attributesOfItem(atPath: path + suffix)
                #expect((side[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(suffix)")
            }
        }
        let attributes: [FileAttributeKey: Any] = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reopened: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        #expect(try reopened.authKeys() == [2: key])  // leading zero bytes kept: always 256 bytes
        #expect(try reopened.homeDataCentre() == 2)
        try reopened.saveDataCentres([DataCentre(id: 1, host: "10.0.0.1", port: 443), DataCentre(id: 4, host: "10.0.0.4", port: 80)])
        #expect(try reopened.dataCentres().map(\.description) == ["DC 1 (10.0.0.1:443)", "DC 4 (10.0.0.4:80)"])
        try reopened.removeAuthKey(dc: 2)
        #expect(try reopened.authKeys().isEmpty)
        #expect(!String(describing: try reopened.authKeys()).contains("fdfeff"))
    }

    /// Statements are prepared once and reused: each use starts unbound and reset, a failed one
    /// does not break the next, more distinct statements than the cache holds still run, and
    /// closing finalizes them all (the file opens again with its rows).
    @Test func reusedStatementsStartUnboundAndSurviveFailuresAndEviction() throws {
        let path: String = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let storage: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        try storage.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER)")
        let insert: String = "INSERT INTO t (a, b) VALUES (?, ?)"
        try storage.execute(insert, [.integer(1), .integer(2)])
        try storage.execute(insert, [.integer(3)])  // b left unbound: NULL, not the 2 bound before
        #expect(throws: SessionStorageError.self) { try storage.execute(insert, [.integer(1), .integer(9)]) }
        try storage.transaction([(sql: insert, values: [.integer(4), .integer(5)])])
        #expect(try storage.rows("SELECT a, b FROM t ORDER BY a") == [[.integer(1), .integer(2)], [.integer(3), .null], [.integer(4), .integer(5)]])
        for i in 0 ..< 100 {
            #expect(try storage.rows("SELECT ? + \(i)", [.integer(1)]) == [[.integer(Int64(1 + i))]])
        }
        storage.close()
        #expect(throws: SessionStorageError.self) { try storage.execute(insert, [.integer(6), .integer(7)]) }
        let reopened: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        #expect(try reopened.rows("SELECT count(*) FROM t") == [[.integer(3)]])
    }

    @Test func aSecondOpenerIsRefused() throws {
        let path: String = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        #expect(throws: SessionStorageError.inUse(path: path)) { _ = try SQLiteSessionStorage(path: path) }
        _ = first
        #expect(throws: SessionStorageError.self) { _ = try SQLiteSessionStorage(path: "/nonexistent-dir/x.session") }
    }

    /// Storage writes run off the event loop, but a new permanent key is stored before it carries
    /// any call: when `connect()` returns, the key is saved even if saving is slow.
    @Test func aNewPermanentKeyIsStoredBeforeTheConnectionIsReady() async throws {
        final class SlowStorage: SessionStorage, @unchecked Sendable {
            private let lock: NSLock = NSLock()
            private var keys: [Int: HandshakeResult] = [:]
            var saved: [Int: HandshakeResult] { lock.withLock { keys } }
            func authKeys() throws -> [Int: HandshakeResult] { saved }
            func saveAuthKey(_ key: HandshakeResult, dc: Int) throws {
                Thread.sleep(forTimeInterval: 0.3)
                lock.withLock { keys[dc] = key }
            }
            func removeAuthKey(dc: Int) throws { lock.withLock { keys[dc] = nil } }
            func homeDataCentre() throws -> Int? { nil }
            func setHomeDataCentre(_ dc: Int) throws {}
        }
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let storage: SlowStorage = SlowStorage()
        let dc: DataCentre = (await server.dataCentres)[0]
        let client: MTProtoClient = try MTProtoClient(
            configuration: ClientConfiguration(dataCentre: dc, knownDataCentres: [dc], rsaKeys: [ClientIntegrationTests.serverKey.publicKey], apiID: 1),
            storage: storage)
        try await client.connect()
        #expect(storage.saved[dc.id]?.authKey == (await client.authKeys[dc.id])?.authKey)
        await client.close()
        await server.stop()
    }

    /// With PFS (on by default) the traffic runs on a temporary key; the session file holds only
    /// the permanent key, however the salt and clock of the temporary session change.
    @Test func aPFSConnectStoresOnlyThePermanentKey() async throws {
        let path: String = Self.temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        let dc: DataCentre = (await server.dataCentres)[0]
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: dc, knownDataCentres: [dc], rsaKeys: [ClientIntegrationTests.serverKey.publicKey], apiID: 1)
        do {
            let client: MTProtoClient = try MTProtoClient(configuration: configuration, storage: try SQLiteSessionStorage(path: path))
            try await client.connect()
            _ = try await client.invoke(Api.functions.help.GetNearestDc())
            await client.close()
        }
        let bound: [Int64: Int64] = await server.boundTemporaryKeys(dc: dc.id)
        await server.stop()
        let stored: [Int: HandshakeResult] = try SQLiteSessionStorage(path: path).authKeys()
        #expect(bound.count == 1)
        #expect(Array(stored.keys) == [dc.id])
        #expect(stored[dc.id]?.authKey.id == bound.values.first)
        #expect(stored[dc.id]?.expiresAt == nil)
        #expect(stored.values.allSatisfy { bound[$0.authKey.id] == nil })
    }

    @Test func aRestartedClientReusesItsKeyAndHomeDC() async throws {
        let path: String = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server: TestDataCentre = try await ClientIntegrationTests.startDC()
        await server.handle(Api.functions.help.GetAppConfig.self) { (context: HandlerContext) -> HandlerOutcome in
            context.dc == 1 ? .error(code: 303, message: "USER_MIGRATE_2") : .value(Api.help.AppConfig.appConfigNotModified)
        }
        let all: [DataCentre] = await server.dataCentres
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: all[0], knownDataCentres: all, rsaKeys: [ClientIntegrationTests.serverKey.publicKey], apiID: 1,
            reconnectDelay: .milliseconds(20))
        do {
            let client: MTProtoClient = try MTProtoClient(configuration: configuration, storage: try SQLiteSessionStorage(path: path))
            try await client.connect()
            _ = try await client.invoke(Api.functions.help.GetAppConfig(hash: 0))
            #expect(await client.homeDataCentre.id == 2)
            await client.close()
        }
        let keysBefore: Set<Int64> = Set(await server.knownAuthKeyIDs(dc: 2))
        let client: MTProtoClient = try MTProtoClient(configuration: configuration, storage: try SQLiteSessionStorage(path: path))
        #expect(await client.homeDataCentre.id == 2)
        try await client.connect()
        // No new permanent key: the only new key is the temporary (PFS) one, bound to the stored key.
        let permanent: Int64 = try #require(await client.authKeys[2]?.authKey.id)
        #expect(keysBefore.contains(permanent))
        let bound: [Int64: Int64] = await server.boundTemporaryKeys(dc: 2)
        let added: Set<Int64> = Set(await server.knownAuthKeyIDs(dc: 2)).subtracting(keysBefore)
        #expect(added.count == 1 && added.allSatisfy { bound[$0] == permanent })
        await client.close()
        await server.stop()
    }
}

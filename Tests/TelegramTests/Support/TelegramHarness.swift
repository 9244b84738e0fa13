import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema

/// A simulated Telegram on loopback TCP and a logged-in ``TelegramClient`` on a session file in a
/// temporary folder. The account is logged in with raw `auth.sendCode`/`auth.signIn` calls.
final class TelegramHarness: Sendable {
    static let serverKey: RSAPrivateKey = RSAPrivateKey.generate()
    static let apiHash: String = "0123456789abcdef0123456789abcdef"
    static let ownerID: Int64 = 1000
    static let ownerPhone: String = "15550001000"

    let server: TestDataCentre
    let telegram: SimulatedTelegram
    let folder: URL

    var sessionPath: String { folder.appendingPathComponent("tg.session").path }

    private init(server: TestDataCentre, telegram: SimulatedTelegram, folder: URL) {
        self.server = server
        self.telegram = telegram
        self.folder = folder
    }

    /// Person `i`: user id 2000 + i, username `person<i>`, phone 1555000200<i>.
    static func person(_ i: Int) -> Int64 { 2000 + Int64(i) }

    /// Starts the DCs with the owner's account (home DC 1) and `people` others.
    static func start(people: Int = 3) async throws -> TelegramHarness {
        let server: TestDataCentre = TestDataCentre(dcs: [1, 2], rsaKey: serverKey)
        try await server.start()
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        await telegram.add(TestAccount(userID: ownerID, phone: ownerPhone, firstName: "Owner", username: "the_owner", homeDC: 1))
        for i in 1 ... max(people, 1) {
            await telegram.add(TestAccount(userID: person(i), phone: "1555000\(2000 + i)", firstName: "Person \(i)", username: "person\(i)"))
        }
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("tg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return TelegramHarness(server: server, telegram: telegram, folder: folder)
    }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    func configuration() async -> ClientConfiguration {
        let all: [DataCentre] = await server.dataCentres
        return ClientConfiguration(
            dataCentre: all.first { $0.id == 1 }!, knownDataCentres: all, isTestServer: false, rsaKeys: [Self.serverKey.publicKey], apiID: 1,
            defaultTimeout: .seconds(20), reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(200))
    }

    /// A client on the session file (opened for this client alone) with its SQLite store; started,
    /// logging in with the code when the session is not logged in yet.
    func client(
        floodWait: FloodWaitPolicy = FloodWaitPolicy(), peerCapacity: Int = 10_000, updates: UpdatesOptions = UpdatesOptions()
    ) async throws -> (TelegramClient, SQLiteClientStore) {
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: sessionPath)
        let mtproto: MTProtoClient = try MTProtoClient(configuration: await configuration(), storage: session)
        mtproto.setFloodWaitPolicy(floodWait)
        let store: SQLiteClientStore = try SQLiteClientStore(session: session)
        let client: TelegramClient = TelegramClient(mtproto: mtproto, store: store, peerCapacity: peerCapacity, updates: updates)
        let code: String = telegram.loginCode
        try await client.start { (connection: MTProtoClient) async throws in
            let sent: Api.auth.SentCode = try await connection.invoke(Api.functions.auth.SendCode(
                phoneNumber: Self.ownerPhone, apiId: 1, apiHash: Self.apiHash, settings: Api.CodeSettings()))
            guard case .sentCode(let code1) = sent else { throw HarnessError.unexpected("\(sent)") }
            _ = try await connection.invoke(Api.functions.auth.SignIn(
                phoneNumber: Self.ownerPhone, phoneCodeHash: code1.phoneCodeHash, phoneCode: code))
        }
        return (client, store)
    }

    /// Stops `client` and releases its session file.
    func close(_ client: TelegramClient, _ store: SQLiteClientStore) async {
        await client.stop()
        store.session.close()
    }

    /// Waits until `condition` holds (or the timeout passes); returns whether it held.
    func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline: ContinuousClock.Instant = .now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}

enum HarnessError: Error {
    case unexpected(String)
}

import Foundation
import MTProto
import Telegram
import TestDC
import Testing

/// An echo userbot, tested end to end against the simulated Telegram over loopback TCP.
@Suite struct EchoUserbotTests {
    @Test func theBotRepliesToAPrivateMessage() async throws {
        // A simulated Telegram: two DCs, the bot's account and one person.
        let key: RSAPrivateKey = RSAPrivateKey.generate()
        let server: TestDataCentre = TestDataCentre(dcs: [1, 2], rsaKey: key)
        try await server.start()
        defer { Task { await server.stop() } }
        let telegram: SimulatedTelegram = SimulatedTelegram(server: server)
        await telegram.install()
        await telegram.add(TestAccount(userID: 1000, phone: "15550001000", firstName: "Bot owner", homeDC: 1))
        await telegram.add(TestAccount(userID: 2000, phone: "15550002000", firstName: "Ann", username: "ann_test"))

        // The userbot: a client on a session file, logged in with the simulated login code.
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dcs: [DataCentre] = await server.dataCentres
        let configuration: ClientConfiguration = ClientConfiguration(
            dataCentre: dcs[0], knownDataCentres: dcs, isTestServer: false, rsaKeys: [key.publicKey], apiID: 1)
        let session: SQLiteSessionStorage = try SQLiteSessionStorage(path: folder.appendingPathComponent("echo.session").path)
        let client: TelegramClient = TelegramClient(
            mtproto: try MTProtoClient(configuration: configuration, storage: session), store: try SQLiteClientStore(session: session))
        try await client.start(login: .user(
            apiID: 1, apiHash: "0123456789abcdef0123456789abcdef", phone: "15550001000", code: telegram.loginCode,
            prompter: NoninteractivePrompter()))
        let handler: EventHandlerRegistration = client.on(.newMessage(.incoming, .private)) { (message: MessageEvent) in
            try await message.reply("echo: \(message.text)")
        }

        // Ann writes; the bot's reply reaches the simulated Telegram.
        await telegram.deliver(from: 2000, to: 1000, text: "hello")
        var replies: [String] = []
        for _ in 0 ..< 100 where replies.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            replies = await telegram.messages(from: 1000).map(\.text)
        }
        #expect(replies == ["echo: hello"])
        handler.cancel()
        await client.stop()
        session.close()
    }
}

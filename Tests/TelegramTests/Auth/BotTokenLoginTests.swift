import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// `auth.importBotAuthorization` end to end over TestDC's TCP.
@Suite(.serialized, .timeLimit(.minutes(1))) struct BotTokenLoginTests {
    typealias A = AuthHarness

    @Test func aGoodTokenLogsTheBotIn() async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let me: Peer = try await client.start(login: .botToken(A.botToken, apiID: 1, apiHash: TelegramHarness.apiHash))
        #expect(me.id.id == A.botID)
        #expect(await harness.telegram.loginCalls == ["auth.importBotAuthorization"])
        await harness.close(client, store)
        // The next start is logged in already: no login call.
        let (again, againStore): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        #expect(try await again.start().id.id == A.botID)
        #expect(await harness.telegram.loginCalls == ["auth.importBotAuthorization"])
        await harness.close(again, againStore)
        await harness.stop()
    }

    @Test(arguments: ["5000:wrong", "garbage", "", "9999:AAbotSecretOnDC1", "5000:"])
    func aBadTokenIsInvalidBotToken(_ token: String) async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        await #expect(throws: LoginError.invalidBotToken) {
            try await client.start(login: .botToken(token, apiID: 1, apiHash: TelegramHarness.apiHash))
        }
        await harness.close(client, store)
        await harness.stop()
    }

    @Test func aBotOnAnotherDCIsFollowedThere() async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let me: Peer = try await client.start(login: .botToken(A.farBotToken, apiID: 1, apiHash: TelegramHarness.apiHash))
        #expect(me.id.id == A.farBotID)
        #expect(await client.mtproto.homeDataCentre.id == 2)
        // Asked on DC 1 (USER_MIGRATE_2), then on DC 2.
        #expect(await harness.telegram.loginCalls == ["auth.importBotAuthorization", "auth.importBotAuthorization"])
        await harness.close(client, store)
        await harness.stop()
    }

    @Test func theTokenNeverShowsInDescriptions() {
        let login: BotTokenLogin = BotTokenLogin(apiID: 77, apiHash: TelegramHarness.apiHash, token: A.botToken)
        var dumped: String = ""
        dump(login, to: &dumped)
        for text in [String(describing: login), String(reflecting: login), dumped] {
            #expect(!text.contains("AAbotSecret") && !text.contains(TelegramHarness.apiHash), "\(text)")
            #expect(text.contains("77") && text.contains("[redacted]"))
        }
    }
}

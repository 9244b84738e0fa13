import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// The QR login end to end over TestDC's TCP: the test plays the phone that scans the code.
@Suite(.serialized, .timeLimit(.minutes(1))) struct QRLoginTests {
    typealias A = AuthHarness

    /// A QR login whose display records each link and lets `scan` accept it (or not).
    static func qr(
        _ links: ShownLinks, prompter: any LoginPrompter = PasswordPrompter(), scan: @escaping @Sendable (LoginTokenLink, Int) async -> Void
    ) -> LoginMethod {
        .qr(apiID: 1, apiHash: TelegramHarness.apiHash, prompter: prompter) { (link: LoginTokenLink) in
            links.append(link)
            await scan(link, links.links.count)
        }
    }

    @Test func anAcceptedTokenLogsIn() async throws {
        let harness: TelegramHarness = try await A.start()
        let telegram: SimulatedTelegram = harness.telegram
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let links: ShownLinks = ShownLinks()
        let started: ContinuousClock.Instant = .now
        let me: Peer = try await client.start(login: Self.qr(links) { (link: LoginTokenLink, _: Int) in
            // The phone scans a moment later, while the login waits for the push.
            _ = Task {
                try? await Task.sleep(for: .milliseconds(100))
                await telegram.acceptLoginToken(token: link.token, by: TelegramHarness.ownerID)
            }
        })
        #expect(me.id.id == TelegramHarness.ownerID)
        // The push ended the wait: nobody waited for the token's 30 s to run out.
        #expect(ContinuousClock.now - started < .seconds(10))
        let link: LoginTokenLink = try #require(links.links.first)
        #expect(links.links.count == 1)
        #expect(link.url.hasPrefix("tg://login?token="))
        let encoded: String = String(link.url.dropFirst("tg://login?token=".count))
        #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
        var standard: String = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        #expect(Data(base64Encoded: standard).map { [UInt8]($0) } == link.token)
        #expect(!String(describing: link).contains(encoded))
        #expect(await telegram.loginCalls == ["auth.exportLoginToken", "auth.exportLoginToken"])
        await harness.close(client, store)
        await harness.stop()
    }

    @Test func anExpiredTokenIsExportedAndShownAgain() async throws {
        let harness: TelegramHarness = try await A.start()
        let telegram: SimulatedTelegram = harness.telegram
        await telegram.setLoginTokenLifetime(1)
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let links: ShownLinks = ShownLinks()
        let me: Peer = try await client.start(login: Self.qr(links) { (link: LoginTokenLink, shown: Int) in
            // The first code is never scanned; the second is.
            if shown == 2 { await telegram.acceptLoginToken(token: link.token, by: TelegramHarness.ownerID) }
        })
        #expect(me.id.id == TelegramHarness.ownerID)
        #expect(links.links.count == 2)
        #expect(links.links[0].token != links.links[1].token)
        #expect(links.links[1].expires >= links.links[0].expires)
        // The expired first token can no longer be accepted.
        #expect(await !telegram.acceptLoginToken(token: links.links[0].token, by: TelegramHarness.ownerID))
        await harness.close(client, store)
        await harness.stop()
    }

    @Test func anAccountOnAnotherDCIsImportedThere() async throws {
        let harness: TelegramHarness = try await A.start()
        let telegram: SimulatedTelegram = harness.telegram
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let links: ShownLinks = ShownLinks()
        let prompter: PasswordPrompter = PasswordPrompter()
        let me: Peer = try await client.start(login: Self.qr(links, prompter: prompter) { (link: LoginTokenLink, _: Int) in
            await telegram.acceptLoginToken(token: link.token, by: A.farUserID)
        })
        #expect(me.id.id == A.farUserID)
        #expect(await client.mtproto.homeDataCentre.id == 2)
        #expect(await telegram.loginCalls == ["auth.exportLoginToken", "auth.exportLoginToken", "auth.importLoginToken"])
        #expect(prompter.notices.contains(.loginTokenMigrating(dc: 2)))
        await harness.close(client, store)
        // The session stays on DC 2, logged in.
        let (again, againStore): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        #expect(try await again.start().id.id == A.farUserID)
        await harness.close(again, againStore)
        await harness.stop()
    }

    @Test func anAccountWithTwoFactorAsksThePassword() async throws {
        let harness: TelegramHarness = try await A.start()
        let telegram: SimulatedTelegram = harness.telegram
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let links: ShownLinks = ShownLinks()
        let prompter: PasswordPrompter = PasswordPrompter(["wrong one", A.password])
        let me: Peer = try await client.start(login: Self.qr(links, prompter: prompter) { (link: LoginTokenLink, _: Int) in
            await telegram.acceptLoginToken(token: link.token, by: A.guardedUserID)
        })
        #expect(me.id.id == A.guardedUserID)
        #expect(prompter.notices.contains(.wrongPassword))
        await harness.close(client, store)
        await harness.stop()
    }

    @Test func aTokenNeverAcceptedEndsAfterTheLastExport() async throws {
        let harness: TelegramHarness = try await A.start()
        await harness.telegram.setLoginTokenLifetime(0.2)
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let links: ShownLinks = ShownLinks()
        var login: QRLogin = QRLogin(apiID: 1, apiHash: TelegramHarness.apiHash, prompter: PasswordPrompter()) { links.append($0) }
        login.maximumExports = 3
        await #expect(throws: LoginError.loginTokenNotAccepted) { try await client.start(login: .qr(login)) }
        #expect(links.links.count == 3)
        await harness.close(client, store)
        await harness.stop()
    }
}

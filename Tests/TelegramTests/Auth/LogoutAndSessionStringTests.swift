import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Logout with `destroy_auth_key`, and session strings, end to end over TestDC's TCP.
@Suite(.serialized, .timeLimit(.minutes(1))) struct LogoutAndSessionStringTests {
    typealias A = AuthHarness

    static func userLogin(_ harness: TelegramHarness) -> LoginMethod {
        .user(apiID: 1, apiHash: TelegramHarness.apiHash, phone: TelegramHarness.ownerPhone, code: harness.telegram.loginCode, prompter: PasswordPrompter())
    }

    @Test func logOutDestroysTheKeyAndTheNextStartNeedsALogin() async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        try await client.start(login: Self.userLogin(harness))
        let oldKey: Int64 = try #require(await client.mtproto.authKeys[1]?.authKey.id)
        #expect(await harness.server.knownAuthKeyIDs(dc: 1).contains(oldKey))
        try await client.logOut()
        // Telegram forgot the key, and so did the session file; the logout's future auth token is kept.
        #expect(await !harness.server.knownAuthKeyIDs(dc: 1).contains(oldKey))
        #expect(try store.session.authKeys()[1]?.authKey.id != oldKey)
        #expect(try store.futureAuthTokens().count == 2)
        await harness.close(client, store)

        let (again, againStore): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        let refused: RPCError? = await #expect(throws: RPCError.self) { try await again.start() }
        #expect(refused?.is(.authKeyUnregistered) == true)
        // A login again: the future auth token from the logout skips the code.
        let calls: Int = await harness.telegram.loginCalls.count
        #expect(try await again.start(login: .user(
            apiID: 1, apiHash: TelegramHarness.apiHash, phone: TelegramHarness.ownerPhone, prompter: PasswordPrompter())).id.id == TelegramHarness.ownerID)
        #expect(await Array(harness.telegram.loginCalls.dropFirst(calls)) == ["auth.sendCode"])
        await harness.close(again, againStore)
        await harness.stop()
    }

    @Test func anExportedSessionWorksInAFreshStoreWithoutALogin() async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        try await client.start(login: Self.userLogin(harness))
        let exported: SessionString = try await client.exportSession()
        let text: String = exported.encoded
        await harness.close(client, store)

        let path: String = harness.folder.appendingPathComponent("imported.session").path
        let fresh: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        try SessionString(text).install(in: fresh)
        fresh.close()
        let calls: [String] = await harness.telegram.loginCalls
        let (imported, importedStore): (TelegramClient, SQLiteClientStore) = try await A.client(harness, path: path)
        #expect(try await imported.start().id.id == TelegramHarness.ownerID)
        let sent: Api.updates.State = try await imported.invoke(Api.functions.updates.GetState())
        #expect(sent.pts >= 0)
        #expect(await harness.telegram.loginCalls == calls)
        #expect(try await imported.exportSession() == exported)
        await harness.close(imported, importedStore)
        await harness.stop()
    }

    @Test func aSessionOnAnotherDCKeepsItsAddress() async throws {
        let harness: TelegramHarness = try await A.start()
        let (client, store): (TelegramClient, SQLiteClientStore) = try await A.client(harness)
        try await client.start(login: .botToken(A.farBotToken, apiID: 1, apiHash: TelegramHarness.apiHash))
        let exported: SessionString = try await client.exportSession()
        #expect(exported.dataCentre == (await harness.server.dataCentres.first { $0.id == 2 }))
        await harness.close(client, store)
        let path: String = harness.folder.appendingPathComponent("far.session").path
        let fresh: SQLiteSessionStorage = try SQLiteSessionStorage(path: path)
        try SessionString(exported.encoded).install(in: fresh)
        fresh.close()
        let (imported, importedStore): (TelegramClient, SQLiteClientStore) = try await A.client(harness, path: path)
        #expect(try await imported.start().id.id == A.farBotID)
        await harness.close(imported, importedStore)
        await harness.stop()
    }
}

/// Parsing session strings: every malformed input is a typed error, and nothing shows the key.
struct SessionStringParsingTests {
    static let key: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })!
    static let session: SessionString = try! SessionString(dataCentre: DataCentre(id: 2, host: "149.154.167.50", port: 443), authKey: key)

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of ``session``, as the format describes them.
    static var bytes: [UInt8] { [1, 0, 2, 1, 187, 14] + Array("149.154.167.50".utf8) + key.bytes }

    @Test func theFormatIsAsDocumentedAndRoundTrips() throws {
        #expect(Self.session.encoded == Self.encode(Self.bytes))
        #expect(try SessionString(Self.session.encoded) == Self.session)
        #expect(try SessionString("  \(Self.session.encoded)\n") == Self.session)
        #expect(try SessionString(Self.session.encoded + "==") == Self.session)
    }

    @Test func malformedStringsAreTypedErrors() {
        let good: String = Self.session.encoded
        let cases: [(String, SessionStringError)] = [
            ("", .truncated),
            ("   ", .truncated),
            (String(good.prefix(good.count - 8)), .truncated),
            (Self.encode([1]), .truncated),
            (Self.encode([1, 0, 2, 1, 187, 200] + Array("host".utf8)), .truncated),
            (Self.encode([2] + Self.bytes.dropFirst()), .unsupportedVersion(2)),
            (Self.encode([0] + Self.bytes.dropFirst()), .unsupportedVersion(0)),
            (Self.encode(Self.bytes + [0]), .trailingBytes),
            (Self.encode([1, 0, 0, 1, 187, 4] + Array("host".utf8) + Self.key.bytes), .invalidAddress),
            (Self.encode([1, 0, 2, 0, 0, 4] + Array("host".utf8) + Self.key.bytes), .invalidAddress),
            (Self.encode([1, 0, 2, 1, 187, 0] + Self.key.bytes), .invalidAddress),
            (Self.encode([1, 0, 2, 1, 187, 2, 0xff, 0xfe] + Self.key.bytes), .invalidAddress),
            ("not base64!", .notBase64URL),
            ("+" + good.dropFirst(), .notBase64URL),
            (String(good.dropLast()) + "/", .notBase64URL),
            ("A", .notBase64URL),
            ("AB=C", .notBase64URL),
            (String(repeating: "A", count: 1_000_000), .tooLong),
            (String(repeating: "A", count: SessionString.maximumLength + 1), .tooLong),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text.prefix(40))") { try SessionString(text) }
        }
    }

    @Test func theKeyNeverShows() {
        var dumped: String = ""
        dump(Self.session, to: &dumped)
        let mirrored: String = Mirror(reflecting: Self.session).children.map { "\($0.label ?? ""): \($0.value)" }.joined(separator: "\n")
        let keyText: String = Self.key.bytes.prefix(8).map(String.init).joined(separator: ", ")
        for text in [String(describing: Self.session), String(reflecting: Self.session), dumped, mirrored, "\(Self.session)"] {
            #expect(!text.contains(Self.session.encoded.prefix(40)), "\(text)")
            #expect(!text.contains(keyText), "\(text)")
            #expect(text.contains("[redacted]"), "\(text)")
        }
    }
}

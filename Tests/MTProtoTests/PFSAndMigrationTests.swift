import Foundation
@testable import MTProto
import TestDC
import TLSchema
import Testing

/// The PFS binding as pure functions: the server's checks of `auth.bindTempAuthKey`.
struct TemporaryKeyBindingTests {
    static let permanent: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })!
    static let temporary: AuthKey = AuthKey(bytes: (0 ..< 256).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 5) })!
    static let messageID: Int64 = 1_735_689_600 << 32 | 4
    static let sessionID: Int64 = -77

    static func request(messageID: Int64 = messageID, sessionID: Int64 = sessionID, key: AuthKey = permanent) -> Api.functions.auth.BindTempAuthKey {
        let bytes: [UInt8] = TemporaryKeyBinding.request(
            permanentKey: key, temporaryKey: temporary, nonce: 123, expiresAt: 1_735_776_000, messageID: messageID,
            sessionID: sessionID, entropy: SystemEntropy())
        var reader: TLReader = TLReader(bytes)
        return try! Api.functions.auth.BindTempAuthKey(from: &reader)
    }

    func verify(
        _ request: Api.functions.auth.BindTempAuthKey, messageID: Int64 = messageID, sessionID: Int64 = sessionID, temporaryKey: AuthKey = temporary
    ) -> TemporaryKeyBinding.Failure? {
        let outcome: Result<Void, TemporaryKeyBinding.Failure> = Result { () throws(TemporaryKeyBinding.Failure) -> Void in
            try TemporaryKeyBinding.verify(
                request, permanentKey: Self.permanent, temporaryKey: temporaryKey, messageID: messageID, sessionID: sessionID)
        }
        if case .failure(let failure) = outcome { return failure }
        return nil
    }

    @Test func aWellFormedBindingIsAccepted() {
        let request: Api.functions.auth.BindTempAuthKey = Self.request()
        #expect(request.permAuthKeyId == Self.permanent.id)
        // perm_auth_key_id (8) + msg_key (16) + 80 encrypted bytes (72 padded to a multiple of 16).
        #expect(request.encryptedMessage.count == 104)
        #expect(verify(request) == nil)
    }

    @Test func eachCheckRejectsItsBadCase() {
        #expect(verify(Self.request(), messageID: Self.messageID + 4) == .wrongHeader)
        #expect(verify(Self.request(), sessionID: 1) == .mismatch("temp_session_id"))
        var nonce: Api.functions.auth.BindTempAuthKey = Self.request()
        nonce.nonce = 124
        #expect(verify(nonce) == .mismatch("nonce"))
        var expiry: Api.functions.auth.BindTempAuthKey = Self.request()
        expiry.expiresAt += 1
        #expect(verify(expiry) == .mismatch("expires_at"))
        let otherKey: AuthKey = AuthKey(bytes: [UInt8](repeating: 9, count: 256))!
        #expect(verify(Self.request(key: otherKey)) == .undecryptable)
    }

    @Test func theKeyIDsMustNameTheKeysTheBindingTravelsWith() {
        // Made for one temporary key, arriving on another.
        #expect(verify(Self.request(), temporaryKey: AuthKey(bytes: [UInt8](repeating: 3, count: 256))!) == .mismatch("temp_auth_key_id"))
        // The request's perm_auth_key_id is not the inner one.
        var outer: Api.functions.auth.BindTempAuthKey = Self.request()
        outer.permAuthKeyId ^= 1
        #expect(verify(outer) == .mismatch("perm_auth_key_id"))
        // Both name another key than the permanent key it is encrypted with.
        let named: Int64 = Self.permanent.id ^ 1
        let inner: [UInt8] = MT.BindAuthKeyInner(
            nonce: 123, tempAuthKeyId: Self.temporary.id, permAuthKeyId: named, tempSessionId: Self.sessionID, expiresAt: 1_735_776_000
        ).serializedBytes()
        var plaintext: TLWriter = TLWriter()
        plaintext.writeRaw([UInt8](repeating: 0, count: 16))
        plaintext.writeInt64(Self.messageID)
        plaintext.writeInt32(0)
        plaintext.writeInt32(Int32(inner.count))
        plaintext.writeRaw(inner)
        let sealed: [UInt8] = Envelope.encryptV1(plaintext: plaintext.bytes, authKey: Self.permanent, entropy: SystemEntropy())
        let request: Api.functions.auth.BindTempAuthKey = Api.functions.auth.BindTempAuthKey(
            permAuthKeyId: named, nonce: 123, expiresAt: 1_735_776_000, encryptedMessage: sealed)
        #expect(verify(request) == .mismatch("perm_auth_key_id"))
    }

    @Test func flippingAnyByteOfTheEncryptedMessageIsRejected() {
        let request: Api.functions.auth.BindTempAuthKey = Self.request()
        for index in 0 ..< request.encryptedMessage.count {
            var tampered: Api.functions.auth.BindTempAuthKey = request
            tampered.encryptedMessage[index] ^= 0x01
            #expect(verify(tampered) != nil, "byte \(index)")
        }
    }
}

/// PFS and DC migration between the client and the test DC over TCP.
@Suite(.serialized) struct PFSAndMigrationTests {
    typealias Helpers = ClientIntegrationTests

    @Test func handlersSeeThePermanentKeyBehindTheBoundTemporaryOne() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        await server.handle(Api.functions.help.GetNearestDc.self) { (context: HandlerContext) -> HandlerOutcome in
            .value(Api.NearestDc(country: "\(context.authKeyID)", thisDc: Int32(context.dc), nearestDc: 1))
        }
        let client: MTProtoClient = await Helpers.client(server)
        try await client.connect()
        let permanent: Int64 = await client.authKeys[1]!.authKey.id
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).country == "\(permanent)")
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) == 1)
        await client.close()
        await server.stop()
    }

    @Test func pfsCanBeTurnedOff() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        let client: MTProtoClient = await Helpers.client(server, temporaryKeyLifetime: nil)
        try await client.connect()
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(await server.knownAuthKeyIDs(dc: 1) == [await client.authKeys[1]!.authKey.id])
        #expect(await server.boundTemporaryKeys(dc: 1).isEmpty)
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) == 0)
        await client.close()
        await server.stop()
    }

    @Test func temporaryKeysAreRenewedBeforeExpiryWithoutRepeatingCalls() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        let client: MTProtoClient = await Helpers.client(server, temporaryKeyLifetime: .seconds(4))
        try await client.connect()
        let permanent: Int64 = await client.authKeys[1]!.authKey.id
        let first: Set<Int64> = Set(await server.boundTemporaryKeys(dc: 1).keys)
        // Keep calls flowing for longer than the key's lifetime (renewal starts after 3 s).
        let start: ContinuousClock.Instant = .now
        var completed: Int = 0
        while ContinuousClock.now - start < .seconds(6) {
            completed += try await withThrowingTaskGroup(of: Int.self) { (group: inout ThrowingTaskGroup<Int, any Error>) in
                for _ in 0 ..< 10 {
                    group.addTask {
                        _ = try await client.invoke(Api.functions.help.GetNearestDc())
                        return 1
                    }
                }
                return try await group.reduce(0, +)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await server.callCount(of: Api.functions.help.GetNearestDc.constructorID) == completed)
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) >= 2)
        let bound: [Int64: Int64] = await server.boundTemporaryKeys(dc: 1)
        #expect(bound.count == 1 && bound.values.first == permanent)
        #expect(first.isDisjoint(with: bound.keys))
        #expect(await client.authKeys[1]!.authKey.id == permanent)
        await client.close()
        await server.stop()
    }

    @Test func aForgottenTemporaryKeyIsReplacedAndThePermanentKeyKept() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        let client: MTProtoClient = await Helpers.client(server)
        try await client.connect()
        let permanent: Int64 = await client.authKeys[1]!.authKey.id
        await server.forgetTemporaryKeys(dc: 1)
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        #expect(await client.authKeys[1]!.authKey.id == permanent)
        #expect(await server.boundTemporaryKeys(dc: 1).values.first == permanent)
        #expect(await server.callCount(of: Api.functions.auth.BindTempAuthKey.constructorID) == 2)
        await client.close()
        await server.stop()
    }

    @Test func fileMigrateRunsTheCallOnTheOtherDCWithAnImportedAuthorization() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        await server.handle(Api.functions.upload.GetFile.self) { (context: HandlerContext) -> HandlerOutcome in
            if context.dc == 1 { return .error(code: 303, message: "FILE_MIGRATE_2") }
            guard context.userID == 42 else { return .error(code: 401, message: "AUTH_KEY_UNREGISTERED") }
            return .value(Api.upload.File.file(Api.upload.File.File(type: .filePartial, mtime: 0, bytes: [1, 2, 3])))
        }
        let client: MTProtoClient = await Helpers.client(server)
        try await client.connect()
        await server.authorize(authKeyID: await client.authKeys[1]!.authKey.id, userID: 42, dc: 1)
        let location: Api.InputFileLocation = .inputDocumentFileLocation(Api.InputFileLocation.InputDocumentFileLocation(
            id: 1, accessHash: 2, fileReference: [], thumbSize: ""))
        for _ in 0 ..< 2 {
            let file: Api.upload.File = try await client.invoke(Api.functions.upload.GetFile(location: location, offset: 0, limit: 1024))
            guard case .file(let content) = file else {
                Issue.record("unexpected answer \(file)")
                return
            }
            #expect(content.bytes == [1, 2, 3])
        }
        // One export/import for both calls; the home DC did not move.
        #expect(await server.callCount(of: Api.functions.auth.ExportAuthorization.constructorID) == 1)
        #expect(await server.callCount(of: Api.functions.auth.ImportAuthorization.constructorID) == 1)
        #expect(await client.homeDataCentre.id == 1)
        let other: MTProtoClient = try await client.client(forDataCentre: 2)
        #expect(await server.userID(authKeyID: await other.authKeys[2]!.authKey.id, dc: 2) == 42)
        await client.close()
        await server.stop()
    }

    @Test func fileMigrateWithoutALoginFailsClearly() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        await server.handle(Api.functions.upload.GetFile.self) { _ in .error(code: 303, message: "FILE_MIGRATE_2") }
        let client: MTProtoClient = await Helpers.client(server)
        try await client.connect()
        let location: Api.InputFileLocation = .inputDocumentFileLocation(Api.InputFileLocation.InputDocumentFileLocation(
            id: 1, accessHash: 2, fileReference: [], thumbSize: ""))
        await #expect(throws: RPCError(code: 401, message: "AUTH_KEY_UNREGISTERED")) {
            _ = try await client.invoke(Api.functions.upload.GetFile(location: location, offset: 0, limit: 1024))
        }
        await client.close()
        await server.stop()
    }

    @Test func transportFloodErrorBacksOffLonger() async throws {
        let server: TestDataCentre = try await Helpers.startDC()
        var plan: FaultPlan = FaultPlan()
        plan.transportErrorOnce = -429
        await server.setFaults(plan)
        let client: MTProtoClient = await Helpers.client(server)
        let start: ContinuousClock.Instant = .now
        await #expect(throws: MTProtoClientError.transport(.server(code: -429))) { try await client.connect() }
        #expect(try await client.invoke(Api.functions.help.GetNearestDc()).thisDc == 1)
        // The test client's maximum reconnect delay is 200 ms: −429 waits at least half of it
        // (the normal first retry is 10–20 ms).
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        await client.close()
        await server.stop()
    }
}

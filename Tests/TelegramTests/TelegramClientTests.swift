import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

struct TelegramClientTests {
    @Test func startLogsInOnceAndTheSessionIsReusedAfterARestart() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        var (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        let me: Peer = try await client.me()
        #expect(me.id == .user(TelegramHarness.ownerID))
        #expect(me.flags.contains(.isSelf))
        #expect(try store.selfUserID() == TelegramHarness.ownerID)
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.signIn"])
        await harness.close(client, store)

        (client, store) = try await harness.client()
        #expect(try await client.me().username == "the_owner")
        #expect(await harness.telegram.loginCalls == ["auth.sendCode", "auth.signIn"])
        await harness.close(client, store)
        await #expect(throws: TelegramError.notStarted) { try await client.invoke(Api.functions.updates.GetState()) }
    }

    @Test func everyResultTeachesThePeerStore() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        await harness.telegram.deliver(from: TelegramHarness.person(2), to: TelegramHarness.ownerID, text: "hello")
        #expect(try await client.peers.peer(.user(TelegramHarness.person(2))) == nil)
        _ = try await client.invoke(Api.functions.messages.GetDialogs(
            offsetDate: 0, offsetId: 0, offsetPeer: .inputPeerEmpty, limit: 10, hash: 0))
        let peer: Peer? = try await client.peers.peer(.user(TelegramHarness.person(2)))
        #expect(peer?.accessHash == harness.telegram.accessHash(of: TelegramHarness.person(2), for: TelegramHarness.ownerID))
        #expect(peer?.name == "Person 2")
        // Written through to the store.
        #expect(try store.peer(.user(TelegramHarness.person(2)))?.username == "person2")
    }

    @Test func usernamesPhonesAndLinksResolveOnceThenFromTheStore() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        var (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        let person1: Peer = try await client.resolve("@person1")
        #expect(person1.id == .user(TelegramHarness.person(1)))
        #expect(person1.accessHash == harness.telegram.accessHash(of: TelegramHarness.person(1), for: TelegramHarness.ownerID))
        #expect(try await client.resolve("https://t.me/Person1").id == person1.id)
        #expect(try await client.resolve("tg://resolve?domain=person1").id == person1.id)
        #expect(try await client.resolve("+1 555 000-2003").id == .user(TelegramHarness.person(3)))
        #expect(try await client.resolve("t.me/+15550002003").id == .user(TelegramHarness.person(3)))
        #expect(try await client.resolve("me").id == .user(TelegramHarness.ownerID))
        #expect(try await client.resolve("\(TelegramHarness.person(1))").id == person1.id)
        #expect(await harness.telegram.resolved == ["@person1", "+15550002003"])
        await harness.close(client, store)

        // After a restart the store still answers.
        (client, store) = try await harness.client()
        #expect(try await client.resolve("@PERSON1").id == person1.id)
        #expect(try await client.resolve("+15550002003").id == .user(TelegramHarness.person(3)))
        #expect(await harness.telegram.resolved == ["@person1", "+15550002003"])

        // Telegram's errors come as they are, typed.
        await #expect { try await client.resolve("@nobody_here") } throws: { ($0 as? RPCError)?.is(.usernameNotOccupied) == true }
        await #expect { try await client.resolve("+19990000000") } throws: { ($0 as? RPCError)?.is(.phoneNotOccupied) == true }
        await #expect(throws: TelegramError.peerNotFound("https://t.me/+AbCdEf")) { try await client.resolve("https://t.me/+AbCdEf") }
        await #expect(throws: TelegramError.peerNotFound("user 4242")) { try await client.resolve("4242") }
        await harness.close(client, store)
    }

    @Test func aLongFloodWaitOnResolvingFailsLaterResolvesWithoutAsking() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client(floodWait: FloodWaitPolicy(sleepThreshold: .seconds(5)))
        defer { Task { await harness.close(client, store) } }
        var faults: FaultPlan = FaultPlan()
        faults.rpcErrors[Api.functions.contacts.ResolveUsername.constructorID] = (420, "FLOOD_WAIT_300", 1)
        await harness.server.setFaults(faults)
        await #expect { try await client.resolve("@person1") } throws: { (error: any Error) -> Bool in
            guard let rpc = error as? RPCError else { return false }
            return rpc.is(.floodWait) && rpc.retryAfter == .seconds(300)
        }
        // The wait holds for the method: the next name fails at once, Telegram is not asked again.
        let calls: Int = await harness.telegram.resolved.count
        await #expect { try await client.resolve("@person2") } throws: { ($0 as? RPCError)?.is(.floodWait) == true }
        #expect(await harness.telegram.resolved.count == calls)
        // Peers already known still resolve.
        #expect(try await client.resolve("me").id == .user(TelegramHarness.ownerID))
    }
}

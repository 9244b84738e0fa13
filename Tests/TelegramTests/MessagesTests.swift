import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

struct MessagesTests {
    static let person1: PeerID = .user(TelegramHarness.person(1))

    @Test func sendReplyEditAndDeleteAsTelegramDoes() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let first: SentMessage = try await client.send("hello", to: Self.person1)
        let reply: SentMessage = try await client.send("and again", to: Self.person1, replyTo: first.id)
        let sent: [SimulatedMessage] = await harness.telegram.messages(from: TelegramHarness.ownerID)
        #expect(sent.map(\.text) == ["hello", "and again"])
        #expect(sent.map(\.id) == [first.id, reply.id])
        #expect(sent[1].replyTo == first.id)
        #expect(sent.map(\.randomID) == [first.randomID, reply.randomID])

        let edited: Api.Message = try await client.edit(first.id, in: Self.person1, text: "hello, edited")
        #expect(edited.text == "hello, edited")
        #expect(await harness.telegram.messages(from: TelegramHarness.ownerID).first?.text == "hello, edited")
        await #expect { try await client.edit(first.id, in: Self.person1, text: "hello, edited") } throws: {
            ($0 as? RPCError)?.is(.messageNotModified) == true
        }

        try await client.delete([first.id], in: Self.person1)
        #expect(await harness.telegram.deleteMessagesCalls(of: TelegramHarness.ownerID).map(\.revoke) == [true])
        let left: [Int32] = try await Self.collect(client.history(of: Self.person1)).map(\.messageID)
        #expect(left == [reply.id])
    }

    @Test func aSendRetriedAfterATransientErrorKeepsItsRandomID() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        var faults: FaultPlan = FaultPlan()
        faults.rpcErrors[Api.functions.messages.SendMessage.constructorID] = (500, "RPC_CALL_FAIL", 2)
        await harness.server.setFaults(faults)
        let sent: SentMessage = try await client.send("once", to: Self.person1, randomID: 4242)
        #expect(sent.randomID == 4242)
        #expect(await harness.telegram.messages(from: TelegramHarness.ownerID).map(\.randomID) == [4242])
        // The same random_id again is refused by Telegram: never a second copy.
        await #expect { try await client.send("once", to: Self.person1, randomID: 4242) } throws: {
            ($0 as? RPCError)?.is(.randomIDDuplicate) == true
        }
        // More transient failures than attempts: the error comes through.
        faults.rpcErrors[Api.functions.messages.SendMessage.constructorID] = (500, "RPC_CALL_FAIL", 3)
        await harness.server.setFaults(faults)
        await #expect { try await client.send("never", to: Self.person1, attempts: 3) } throws: { ($0 as? RPCError)?.isTransient == true }
        #expect(await harness.telegram.messages(from: TelegramHarness.ownerID).count == 1)
    }

    @Test func typingIsRepeatedDuringTheScopeAndCancelledAtItsEnd() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        let owner: Int64 = TelegramHarness.ownerID
        // The body waits for the repetitions themselves, not for a span of time, so a slow machine
        // cannot make it fail; no cancel arrives while the scope lasts.
        let answer: Int = try await client.withTyping(in: Self.person1, every: .milliseconds(100)) {
            let repeated: Bool = await harness.eventually(timeout: .seconds(30)) { await harness.telegram.typingCount(of: owner) >= 3 }
            #expect(repeated)
            #expect(await harness.telegram.typingCancelCount(of: owner) == 0)
            return 42
        }
        #expect(answer == 42)
        #expect(await harness.eventually { await harness.telegram.typingCancelCount(of: owner) == 1 })
        // A failing body still cancels the action.
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await client.withTyping(in: Self.person1) { throw Failed() } }
        #expect(await harness.eventually { await harness.telegram.typingCancelCount(of: owner) == 2 })
    }

    @Test(arguments: [(0, 10, [Int]()), (10, 10, Array(1 ... 10)), (25, 10, Array(1 ... 25)), (25, 7, Array(1 ... 25)), (30, 100, Array(1 ... 30))])
    func historyPagesAcrossBoundaries(count: Int, pageSize: Int, expected: [Int]) async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        _ = try await client.resolve("@person1")
        for i in 0 ..< count { await harness.telegram.deliver(from: TelegramHarness.person(1), to: TelegramHarness.ownerID, text: "m\(i + 1)") }
        let texts: [String] = try await Self.collect(client.history(of: Self.person1, pageSize: pageSize)).map(\.text)
        #expect(texts == expected.reversed().map { "m\($0)" })
        // A limit stops in the middle of a page, and asks no more than it needs.
        let limited: [String] = try await Self.collect(client.history(of: Self.person1, limit: 3, pageSize: pageSize)).map(\.text)
        #expect(limited == Array(expected.reversed().prefix(3)).map { "m\($0)" })
    }

    @Test func dialogsPageAcrossBoundariesWithoutRepeats() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start(people: 7)
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        #expect(try await Self.collect(client.dialogs(pageSize: 3)).isEmpty)
        for i in 1 ... 7 {
            await harness.telegram.deliver(
                from: TelegramHarness.person(i), to: TelegramHarness.ownerID, text: "from \(i)", date: 1_700_000_000 + Int32(i))
        }
        for size in [3, 7, 100] {
            let dialogs: [Dialog] = try await Self.collect(client.dialogs(pageSize: size))
            #expect(dialogs.map(\.peer) == (1 ... 7).reversed().map { PeerID.user(TelegramHarness.person($0)) })
            #expect(dialogs.allSatisfy { $0.unreadCount == 1 && $0.topMessage?.text.hasPrefix("from") == true })
        }
        #expect(try await Self.collect(client.dialogs(limit: 4, pageSize: 3)).count == 4)
        // Every peer of the list is addressable now.
        #expect(try await client.send("hi", to: .user(TelegramHarness.person(5))).id > 0)
    }

    static func collect<S: AsyncSequence>(_ sequence: S) async throws -> [S.Element] {
        var out: [S.Element] = []
        for try await item in sequence { out.append(item) }
        return out
    }
}

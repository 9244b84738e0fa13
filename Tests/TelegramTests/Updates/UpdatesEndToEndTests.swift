import Synchronization
import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// The updates engine over TCP against TestDC: private messages, gaps, overflow, consumers,
/// handlers, restarts and the connection states.
struct UpdatesEndToEndTests {
    static let person1: Int64 = TelegramHarness.person(1)
    static let person2: Int64 = TelegramHarness.person(2)

    @Test func privateMessagesArriveInOrderWithTheirSender() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let stream: EventStream<MessageFilter> = client.events(.newMessage(.incoming, .private))
        for i in 1 ... 5 { await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "m\(i)", push: i % 2 == 0 ? .short : .full) }
        let got: [MessageEvent] = await collect(5, from: stream)
        #expect(got.map(\.text) == ["m1", "m2", "m3", "m4", "m5"])
        #expect(got.allSatisfy { $0.chat == .user(Self.person1) && $0.sender == .user(Self.person1) && !$0.isOutgoing })
        #expect(got.first?.senderPeer?.username == "person1")
        #expect(try store.updatesState()?.pts == (await harness.telegram.pts(of: TelegramHarness.ownerID)))
    }

    @Test func aGapIsFilledFromTheDifferenceWithoutDuplicates() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "one")
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "lost", push: .none)
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "three")
        let got: [MessageEvent] = await collect(4, from: stream, timeout: .seconds(3))
        #expect(got.map(\.text) == ["one", "lost", "three"])
        #expect(await harness.server.callCount(of: Api.functions.updates.GetDifference.constructorID) >= 1)
    }

    @Test func aConsumerFallingBehindLosesNothing() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let options: UpdatesOptions = UpdatesOptions(subscriptionCapacity: 2, inboxCapacity: 4)
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client(updates: options)
        defer { Task { await harness.close(client, store) } }
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        for i in 1 ... 60 { await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "n\(i)") }
        try await Task.sleep(for: .milliseconds(300))  // the consumer is not reading: the engine waits, pushes pile up
        let got: [MessageEvent] = await collect(61, from: stream, timeout: .seconds(4))
        #expect(got.map(\.text) == (1 ... 60).map { "n\($0)" })
        #expect(await harness.server.callCount(of: Api.functions.updates.GetDifference.constructorID) >= 1)
    }

    @Test func twoConsumersEachGetEveryUpdate() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let first: EventStream<MessageFilter> = client.events(.newMessage())
        let second: UpdateStream = client.updates()
        for i in 1 ... 3 { await harness.telegram.deliver(from: Self.person2, to: TelegramHarness.ownerID, text: "x\(i)") }
        async let a: [MessageEvent] = collect(3, from: first)
        async let b: [UpdateBatch] = collect(3, from: second)
        #expect(await a.map(\.text) == ["x1", "x2", "x3"])
        #expect(await b.flatMap { UpdateFactory.messageIDs($0.updates) }.count == 3)
    }

    @Test func aThrowingHandlerStopsNoOtherHandler() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let seen: Counter = Counter()
        let failures: Counter = Counter()
        struct Boom: Error {}
        let failing: EventHandlerRegistration = client.on(.newMessage(), onError: { _ in failures.add() }) { _ in throw Boom() }
        let counting: EventHandlerRegistration = client.on(.newMessage(.incoming)) { _ in seen.add() }
        defer {
            failing.cancel()
            counting.cancel()
        }
        for i in 1 ... 3 { await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "h\(i)") }
        #expect(await harness.eventually { seen.value == 3 && failures.value == 3 })
    }

    @Test func theStateSurvivesARestartWithNothingMissedOrRepeated() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        let before: EventStream<MessageFilter> = client.events(.newMessage())
        for i in 1 ... 3 { await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "a\(i)") }
        #expect(await collect(3, from: before).map(\.text) == ["a1", "a2", "a3"])
        await harness.close(client, store)
        for i in 4 ... 5 { await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "a\(i)") }  // nobody listens
        let recorded: Recorder = Recorder()
        let (client2, store2): (TelegramClient, SQLiteClientStore) = try await harness.client(updates: UpdatesOptions(startsWithClient: false))
        defer { Task { await harness.close(client2, store2) } }
        store2.setCommitHook { (changes: StoreChanges, _: inout ClientStoreTransaction) in
            recorded.add(UpdateFactory.texts(changes.updates?.updates ?? []))
        }
        let after: EventStream<MessageFilter> = client2.events(.newMessage())
        try await client2.startUpdates()
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "a6")
        let got: [MessageEvent] = await collect(4, from: after, timeout: .seconds(3))
        #expect(got.map(\.text) == ["a4", "a5", "a6"])
        #expect(recorded.values == ["a4", "a5", "a6"])  // committed with the state that records them
    }

    @Test func withoutCatchUpOnlyNewerUpdatesArrive() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        await harness.close(client, store)
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "old")
        let (client2, store2): (TelegramClient, SQLiteClientStore) = try await harness.client(updates: UpdatesOptions(catchUp: false))
        defer { Task { await harness.close(client2, store2) } }
        let stream: EventStream<MessageFilter> = client2.events(.newMessage())
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "new")
        #expect(await collect(2, from: stream, timeout: .seconds(2)).map(\.text) == ["new"])
    }

    @Test func aReconnectFetchesWhatWasSentMeanwhile() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let states: AsyncStream<ConnectionState> = client.connectionStates
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        await harness.server.dropConnections()
        await harness.telegram.deliver(from: Self.person1, to: TelegramHarness.ownerID, text: "while away", push: .none)
        #expect(await collect(1, from: stream).map(\.text) == ["while away"])
        let seen: [ConnectionState] = await collect(4, from: states, timeout: .seconds(2))
        #expect(Array(seen.drop { $0 != .reconnecting }.prefix(2)) == [.reconnecting, .ready])
        await client.stop()
        #expect(await collect(2, from: client.connectionStates) == [.closed])
    }
}

/// Texts a commit hook saw, in order.
final class Recorder: Sendable {
    private let texts: Mutex<[String]> = Mutex([])
    func add(_ more: [String]) { texts.withLock { $0 += more } }
    var values: [String] { texts.withLock { $0 } }
}

/// A thread-safe count for handlers.
final class Counter: Sendable {
    private let count: Mutex<Int> = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

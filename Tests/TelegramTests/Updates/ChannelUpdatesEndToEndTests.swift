import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// Channel boxes over TCP: posts pushed by a ``ChannelScript``, gaps fetched with
/// `updates.getChannelDifference`, resets and dropped channels, and channel pts across a restart.
struct ChannelUpdatesEndToEndTests {
    static let news: Int64 = 8001
    static let chatter: Int64 = 8002

    static func setUp() async throws -> (TelegramHarness, ChannelScript) {
        let harness: TelegramHarness = try await TelegramHarness.start()
        let script: ChannelScript = ChannelScript(server: harness.server, owner: TelegramHarness.ownerID)
        await script.add(news)
        await script.add(chatter, megagroup: true)
        return (harness, script)
    }

    @Test func aChannelGapIsFetchedInPagesAndEverythingArrivesOnceInOrder() async throws {
        let (harness, script): (TelegramHarness, ChannelScript) = try await Self.setUp()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client(
            updates: UpdatesOptions(limits: MessageBoxLimits(channelDifferenceLimit: 2)))
        defer { Task { await harness.close(client, store) } }
        let stream: EventStream<MessageFilter> = client.events(.newMessage(.channel))
        await script.post("p1", in: Self.news)
        for i in 2 ... 5 { await script.post("p\(i)", in: Self.news, push: false) }
        await script.post("p6", in: Self.news)
        let got: [MessageEvent] = await collect(7, from: stream, timeout: .seconds(3))
        #expect(got.map(\.text) == ["p1", "p2", "p3", "p4", "p5", "p6"])
        #expect(got.allSatisfy { $0.chat == .channel(Self.news) && $0.chatKind == .channel && $0.sender == .channel(Self.news) })
        let calls: [(channel: Int64, pts: Int32, limit: Int32)] = await script.calls
        #expect(calls.map(\.pts) == [1, 3, 5])
        #expect(calls.allSatisfy { $0.limit == 2 })
        #expect(try store.updatesState()?.channels[Self.news] == 6)
    }

    @Test func channelDifferenceTooLongResetsTheChannelAndReportsIt() async throws {
        let (harness, script): (TelegramHarness, ChannelScript) = try await Self.setUp()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let stream: UpdateStream = client.updates()
        await script.post("first", in: Self.news)
        for i in 1 ... 10 { await script.post("old \(i)", in: Self.news, push: false) }
        await script.forgetHistory(of: Self.news)
        await script.post("newest", in: Self.news, push: true)
        let batches: [UpdateBatch] = await collect(3, from: stream, timeout: .seconds(3))
        let texts: [String] = batches.flatMap { UpdateFactory.texts($0.updates) }
        #expect(texts == ["first", "old 9", "old 10", "newest"])
        #expect(batches.flatMap(\.notices) == [.channelReset(channel: Self.news, pts: 12)])
        #expect(try store.updatesState()?.channels[Self.news] == 12)
    }

    @Test func aForbiddenChannelIsDroppedFromTheStoredState() async throws {
        let (harness, script): (TelegramHarness, ChannelScript) = try await Self.setUp()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let notices: EventStream<NoticeFilter> = client.events(.notices)
        await script.post("hello", in: Self.chatter, from: TelegramHarness.person(1))
        #expect(try await harness.eventually { try store.updatesState()?.channels[Self.chatter] == 1 })
        await script.makePrivate(Self.chatter)
        await script.post("unseen", in: Self.chatter, push: false)
        await script.post("gap", in: Self.chatter)
        #expect(await collect(1, from: notices) == [.channelDropped(channel: Self.chatter, reason: .unavailable)])
        #expect(try store.updatesState()?.channels[Self.chatter] == nil)
        // Later posts of other channels still arrive.
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        await script.post("still here", in: Self.news)
        #expect(await collect(1, from: stream).map(\.text) == ["still here"])
    }

    @Test func groupPostsAreGroupMessagesFromTheirSender() async throws {
        let (harness, script): (TelegramHarness, ChannelScript) = try await Self.setUp()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let groups: EventStream<MessageFilter> = client.events(.newMessage(.group, .from(.user(TelegramHarness.person(2)))))
        await script.post("from one", in: Self.chatter, from: TelegramHarness.person(1))
        await script.post("from two", in: Self.chatter, from: TelegramHarness.person(2))
        await script.post("a post", in: Self.news)
        #expect(await collect(2, from: groups, timeout: .seconds(2)).map(\.text) == ["from two"])
    }

    @Test func channelPtsSurviveARestartAndTheGapSinceIsFetched() async throws {
        let (harness, script): (TelegramHarness, ChannelScript) = try await Self.setUp()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        let before: EventStream<MessageFilter> = client.events(.newMessage())
        await script.post("c1", in: Self.news)
        await script.post("c2", in: Self.news)
        #expect(await collect(2, from: before).map(\.text) == ["c1", "c2"])
        await harness.close(client, store)
        await script.post("c3", in: Self.news, push: false)
        let (client2, store2): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client2, store2) } }
        #expect(try store2.updatesState()?.channels[Self.news] == 2)
        let after: EventStream<MessageFilter> = client2.events(.newMessage())
        await script.post("c4", in: Self.news)
        #expect(await collect(3, from: after, timeout: .seconds(3)).map(\.text) == ["c3", "c4"])
    }
}

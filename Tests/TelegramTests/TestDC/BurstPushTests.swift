import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// The updates benchmark's load (`SimulatedTelegram.pushBurst`): several `updates` per container,
/// handed to the event loop without waiting, still arrive whole, once and in order, with no gap.
struct BurstPushTests {
    @Test func aBurstArrivesOnceInOrderWithoutAGapAndIsKept() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let sender: Int64 = TelegramHarness.person(1)
        let channel: Int64 = await harness.telegram.createChannel(
            title: "Burst", creator: sender, username: "burst_channel", members: [TelegramHarness.ownerID])
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        let stream: EventStream<MessageFilter> = client.events(.newMessage())
        // 23 `updates` of 7: three containers of 8 and one of the last 7 (the burst's groups), the last `updates` short.
        let count: Int = 157
        // As the benchmark does (1 s after updates.getState): the start-up difference is done first.
        try await Task.sleep(for: .milliseconds(500))
        let differences: Int = await harness.server.callCount(of: Api.functions.updates.GetDifference.constructorID)
        await harness.telegram.pushBurst(count: count, to: TelegramHarness.ownerID, from: sender, inChannel: channel, batch: 7) {
            (index: Int) -> String in "burst \(index)"
        }
        let got: [MessageEvent] = await collect(count, from: stream, timeout: .seconds(10))
        #expect(got.count == count)
        let privateTexts: [String] = got.filter { $0.chat == .user(sender) }.map(\.text)
        let channelTexts: [String] = got.filter { $0.chat == .channel(channel) }.map(\.text)
        // Batches of 7 alternate: private 0–6, channel 7–13, private 14–20, …
        let expectedPrivate: [String] = (0 ..< count).filter { ($0 / 7) % 2 == 0 }.map { "burst \($0)" }
        let expectedChannel: [String] = (0 ..< count).filter { ($0 / 7) % 2 == 1 }.map { "burst \($0)" }
        #expect(privateTexts == expectedPrivate)
        #expect(channelTexts == expectedChannel)
        // No gap: neither difference was asked for.
        #expect(await harness.server.callCount(of: Api.functions.updates.GetDifference.constructorID) == differences)
        #expect(await harness.server.callCount(of: Api.functions.updates.GetChannelDifference.constructorID) == 0)
        // Kept as any other messages: the channel's posts (after its creation) and the log.
        let posts: [SimulatedMessage] = await harness.telegram.channelMessages(channel)
        #expect(posts.map(\.text).filter { $0.hasPrefix("burst ") } == expectedChannel)
        #expect(await harness.telegram.messages(from: sender).filter { $0.text.hasPrefix("burst ") }.count == count)
    }
}

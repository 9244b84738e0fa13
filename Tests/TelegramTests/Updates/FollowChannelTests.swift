import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// `TelegramClient.follow(channel:)` over TCP: the channel's box starts at its dialog's pts,
/// stored at once; a peer that is not a channel is refused with its own error.
struct FollowChannelTests {
    @Test func followingStoresTheDialogPtsAndRefusesOtherPeers() async throws {
        let harness: TelegramHarness = try await TelegramHarness.start()
        defer { Task { await harness.stop() } }
        let (client, store): (TelegramClient, SQLiteClientStore) = try await harness.client()
        defer { Task { await harness.close(client, store) } }
        await client.untilCaughtUp()
        // Created and written in while the client runs, nothing pushed: the engine cannot know it.
        let sender: Int64 = TelegramHarness.person(1)
        let channel: Int64 = await harness.telegram.createChannel(
            title: "Followed", creator: sender, username: "followed_channel", members: [TelegramHarness.ownerID])
        for i in 1 ... 3 { _ = await harness.telegram.post("quiet \(i)", inChannel: channel, from: sender, push: .none) }
        _ = try await client.resolve("@followed_channel")
        // (The common difference may name the channel first, with updateChannelTooLong: then the
        // engine follows it already and this keeps its pts. That follow matters across a restart
        // is shown by Scripts/examples-check.sh, which fails without it.)
        let dialogCalls: Int = await harness.server.callCount(of: Api.functions.messages.GetPeerDialogs.constructorID)
        try await client.follow(channel: .channel(channel))
        #expect(await harness.server.callCount(of: Api.functions.messages.GetPeerDialogs.constructorID) == dialogCalls + 1)
        let pts: Int32 = await harness.telegram.channelPts(channel)
        #expect(pts >= 3)
        #expect(try store.updatesState()?.channels[channel] == pts)

        await #expect(throws: TelegramError.notAChannel(.user(sender))) { try await client.follow(channel: .user(sender)) }
    }
}

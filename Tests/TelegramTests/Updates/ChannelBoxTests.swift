import Telegram
import TLSchema
import Testing

/// Each channel's own box in the message box: gaps, its difference and how a channel is dropped.
struct ChannelBoxTests {
    typealias F = UpdateFactory
    static let channel: Int64 = 5000

    static func box(channels: [Int64: Int32] = [channel: 100], limits: MessageBoxLimits = MessageBoxLimits()) -> MessageBox {
        MessageBoxTests.box(channels: channels, limits: limits)
    }

    @Test func aChannelSeenForTheFirstTimeIsFollowedFromThere() {
        var box: MessageBox = Self.box(channels: [:])
        let out: MessageBoxOutput = box.process(F.container([F.newChannelMessage(1, channel: 7, pts: 40)]), now: 0)
        #expect(F.messageIDs(out.batch.updates) == [1])
        #expect(box.state.channels[7] == 40)
        #expect(out.changedChannels == [7])
        #expect(box.process(F.container([F.newChannelMessage(2, channel: 7, pts: 41)]), now: 0).batch.updates.count == 1)
        #expect(box.process(F.container([F.newChannelMessage(2, channel: 7, pts: 41)]), now: 0).batch.updates.isEmpty)
    }

    @Test func aFollowedChannelFetchesWhatItsFirstTooLongNamesAndAFollowedOneKeepsItsBox() {
        // Without a box, updateChannelTooLong can only start the channel where it is now.
        var unfollowed: MessageBox = Self.box(channels: [:])
        _ = unfollowed.process(.updateShort(Api.Updates.UpdateShort(update: .updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: 7, pts: 45)), date: 1)), now: 0)
        #expect(unfollowed.state.channels[7] == 45)
        #expect(unfollowed.nextRequest(now: 1) == nil)
        // Followed from its dialog's pts first, the same update fetches everything since.
        var followed: MessageBox = Self.box(channels: [:])
        let out: MessageBoxOutput = followed.follow(channel: 7, pts: 40, now: 0)
        #expect(out.stateChanged && out.changedChannels == [7])
        _ = followed.process(.updateShort(Api.Updates.UpdateShort(update: .updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: 7, pts: 45)), date: 1)), now: 0)
        #expect(followed.nextRequest(now: 0) == .channelDifference(channel: 7, pts: 40, limit: 100))
        // A channel followed already keeps its box.
        var known: MessageBox = Self.box()
        #expect(known.follow(channel: Self.channel, pts: 300, now: 0).isEmpty)
        #expect(known.state.channels[Self.channel] == 100)
    }

    @Test func aChannelGapFetchesThatChannelsDifferenceUntilFinal() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newChannelMessage(5, channel: Self.channel, pts: 105)]), now: 0)
        #expect(box.state.pts == 10)  // the common box is not involved
        #expect(box.nextRequest(now: 0.4) == nil)
        #expect(box.nextRequest(now: 0.5) == .channelDifference(channel: Self.channel, pts: 100, limit: 100))
        let first: MessageBoxOutput = box.apply(
            channelDifference: F.channelDifference([F.channelMessage(1, channel: Self.channel), F.channelMessage(2, channel: Self.channel)], pts: 102, final: false),
            channel: Self.channel, now: 0.6)
        #expect(F.messageIDs(first.batch.updates) == [1, 2])
        #expect(box.nextRequest(now: 0.6) == .channelDifference(channel: Self.channel, pts: 102, limit: 100))
        let last: MessageBoxOutput = box.apply(
            channelDifference: F.channelDifference((3 ... 5).map { F.channelMessage($0, channel: Self.channel) }, pts: 105), channel: Self.channel, now: 0.7)
        #expect(F.messageIDs(last.batch.updates) == [3, 4, 5])  // the held 5 is a duplicate now
        #expect(box.state.channels[Self.channel] == 105)
        #expect(box.nextRequest(now: 5) == nil)
        #expect(box.heldCount == 0)
    }

    @Test func theChannelDifferenceLimitIsConfigurable() {
        var box: MessageBox = Self.box(limits: MessageBoxLimits(channelDifferenceLimit: 30))
        _ = box.process(F.container([.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: Self.channel, pts: 200))]), now: 0)
        #expect(box.nextRequest(now: 0) == .channelDifference(channel: Self.channel, pts: 100, limit: 30))
    }

    @Test func channelDifferenceTooLongResetsFromTheDialogAndHandsOnItsMessagesOldestFirst() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: Self.channel))]), now: 0)
        #expect(box.nextRequest(now: 0) == .channelDifference(channel: Self.channel, pts: 100, limit: 100))
        let latest: [Api.Message] = [F.channelMessage(903, channel: Self.channel), F.channelMessage(902, channel: Self.channel)]
        let out: MessageBoxOutput = box.apply(channelDifference: F.channelTooLong(channel: Self.channel, pts: 900, messages: latest), channel: Self.channel, now: 0.1)
        #expect(F.messageIDs(out.batch.updates) == [902, 903])
        #expect(out.batch.notices == [.channelReset(channel: Self.channel, pts: 900)])
        #expect(box.state.channels[Self.channel] == 900)
        #expect(out.changedChannels == [Self.channel])
        #expect(box.nextRequest(now: 1) == nil)
    }

    @Test func aForbiddenChannelIsDropped() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newChannelMessage(9, channel: Self.channel, pts: 109)]), now: 0)
        _ = box.nextRequest(now: 1)
        let out: MessageBoxOutput = box.channelDifferenceFailed(channel: Self.channel, .unavailable, now: 1)
        #expect(out.removedChannels == [Self.channel])
        #expect(out.batch.notices == [.channelDropped(channel: Self.channel, reason: .unavailable)])
        #expect(box.state.channels[Self.channel] == nil)
        #expect(box.heldCount == 0)
        #expect(box.nextRequest(now: 10) == nil)
    }

    @Test func aLeftOrForbiddenChannelInUpdateChannelIsDropped() {
        var box: MessageBox = Self.box(channels: [Self.channel: 100, 6000: 7])
        let left: MessageBoxOutput = box.process(
            F.container([.updateChannel(Api.Update.UpdateChannel(channelId: Self.channel))], chats: [F.channel(Self.channel, left: true)]), now: 0)
        #expect(left.removedChannels == [Self.channel])
        #expect(left.batch.notices == [.channelDropped(channel: Self.channel, reason: .left)])
        let gone: MessageBoxOutput = box.process(F.container([.updateChannel(Api.Update.UpdateChannel(channelId: 6000))], chats: [F.forbidden(6000)]), now: 0)
        #expect(gone.removedChannels == [6000])
        let still: MessageBoxOutput = box.process(F.container([.updateChannel(Api.Update.UpdateChannel(channelId: 7000))], chats: [F.channel(7000)]), now: 0)
        #expect(still.removedChannels.isEmpty)
        #expect(box.state.channels.isEmpty)
    }

    @Test func aChannelWithoutAccessHashSkipsItsGapWithTheHeldUpdates() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newChannelMessage(7, channel: Self.channel, pts: 107)]), now: 0)
        _ = box.nextRequest(now: 0.5)
        let out: MessageBoxOutput = box.channelDifferenceFailed(channel: Self.channel, .unaddressable, now: 0.5)
        #expect(F.messageIDs(out.batch.updates) == [7])
        #expect(out.batch.notices == [.channelGapSkipped(channel: Self.channel)])
        #expect(box.state.channels[Self.channel] == 107)
    }

    @Test func aTransientChannelFailureIsRetriedLater() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: Self.channel))]), now: 0)
        _ = box.nextRequest(now: 0)
        _ = box.channelDifferenceFailed(channel: Self.channel, .transient, now: 0)
        #expect(box.nextRequest(now: 0.5) == nil)
        #expect(box.nextRequest(now: 1) == .channelDifference(channel: Self.channel, pts: 100, limit: 100))
    }

    @Test func updateChannelTooLongInADifferenceFetchesThatChannel() {
        var box: MessageBox = Self.box()
        box.requestDifference(now: 0)
        _ = box.nextRequest(now: 0)
        _ = box.apply(difference: F.difference([], others: [.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: Self.channel, pts: 150))], pts: 10), now: 0)
        #expect(box.nextRequest(now: 0) == .channelDifference(channel: Self.channel, pts: 100, limit: 100))
    }

    @Test func channelsBeyondTheLimitDropTheOneIdleLongest() {
        var box: MessageBox = Self.box(channels: [:], limits: MessageBoxLimits(maximumChannels: 2))
        _ = box.process(F.container([F.newChannelMessage(1, channel: 1, pts: 10)]), now: 0)
        _ = box.process(F.container([F.newChannelMessage(1, channel: 2, pts: 10)]), now: 1)
        _ = box.process(F.container([F.newChannelMessage(2, channel: 1, pts: 11)]), now: 2)
        let out: MessageBoxOutput = box.process(F.container([F.newChannelMessage(1, channel: 3, pts: 10)]), now: 3)
        #expect(out.removedChannels == [2])
        #expect(out.batch.notices == [.channelDropped(channel: 2, reason: .evicted)])
        #expect(Set(box.state.channels.keys) == [1, 3])
    }

    @Test func channelUpdatesArrivingDuringItsDifferenceAreAppliedAfterIt() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([.updateChannelTooLong(Api.Update.UpdateChannelTooLong(channelId: Self.channel))]), now: 0)
        _ = box.nextRequest(now: 0)
        _ = box.process(F.container([F.newChannelMessage(3, channel: Self.channel, pts: 103)]), now: 0.1)
        let out: MessageBoxOutput = box.apply(
            channelDifference: F.channelDifference([F.channelMessage(1, channel: Self.channel), F.channelMessage(2, channel: Self.channel)], pts: 102),
            channel: Self.channel, now: 0.2)
        #expect(F.messageIDs(out.batch.updates) == [1, 2, 3])
        #expect(box.state.channels[Self.channel] == 103)
    }
}

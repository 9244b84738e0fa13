import Telegram
import TLSchema
import Testing

/// The common, secondary and seq rules of the message box, on a fake clock (plain seconds).
struct MessageBoxTests {
    typealias F = UpdateFactory

    static func box(pts: Int32 = 10, qts: Int32 = 0, seq: Int32 = 0, channels: [Int64: Int32] = [:], limits: MessageBoxLimits = MessageBoxLimits()) -> MessageBox {
        MessageBox(state: UpdatesState(pts: pts, qts: qts, date: 1_700_000_000, seq: seq, channels: channels), selfID: 1000, now: 0, limits: limits)
    }

    @Test func updatesInOrderApplyAndMoveThePts() {
        var box: MessageBox = Self.box()
        let out: MessageBoxOutput = box.process(F.container([F.newMessage(1, pts: 11), F.newMessage(2, pts: 12)]), now: 0)
        #expect(F.messageIDs(out.batch.updates) == [1, 2])
        #expect(box.state.pts == 12)
        #expect(out.stateChanged)
    }

    @Test func aDuplicateIsDropped() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newMessage(1, pts: 11)]), now: 0)
        let again: MessageBoxOutput = box.process(F.container([F.newMessage(1, pts: 11)]), now: 0.1)
        #expect(again.batch.updates.isEmpty)
        #expect(box.state.pts == 11)
    }

    @Test func aGapIsHeldAndClosedByTheMissingUpdateInOrder() {
        var box: MessageBox = Self.box()
        let early: MessageBoxOutput = box.process(F.container([F.newMessage(2, pts: 12)]), now: 0)
        #expect(early.batch.updates.isEmpty)
        #expect(box.heldCount == 1)
        let filled: MessageBoxOutput = box.process(F.container([F.newMessage(1, pts: 11)]), now: 0.2)
        #expect(F.messageIDs(filled.batch.updates) == [1, 2])
        #expect(box.heldCount == 0)
        #expect(box.nextRequest(now: 10) == nil)
    }

    @Test func aGapOpenForHalfASecondFetchesTheDifferenceAndNothingTwice() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newMessage(2, pts: 12)]), now: 0)
        #expect(box.nextRequest(now: 0.49) == nil)
        #expect(box.nextRequest(now: 0.5) == .difference(pts: 10, qts: 0, date: 1_700_000_000))
        let out: MessageBoxOutput = box.apply(difference: F.difference([F.message(1, from: 2001), F.message(2, from: 2001)], pts: 12), now: 0.6)
        #expect(F.messageIDs(out.batch.updates) == [1, 2])
        #expect(box.state.pts == 12)
        #expect(box.heldCount == 0)
        #expect(!box.isFetchingDifference)
    }

    @Test func updatesArrivingDuringADifferenceAreAppliedAfterIt() {
        var box: MessageBox = Self.box()
        box.requestDifference(now: 0)
        #expect(box.nextRequest(now: 0) != nil)
        let during: MessageBoxOutput = box.process(F.container([F.newMessage(3, pts: 13)]), now: 0.1)
        #expect(during.batch.updates.isEmpty)
        let out: MessageBoxOutput = box.apply(difference: F.difference([F.message(1, from: 2001), F.message(2, from: 2001)], pts: 12), now: 0.2)
        #expect(F.messageIDs(out.batch.updates) == [1, 2, 3])
        #expect(box.state.pts == 13)
    }

    @Test func shortMessagesAreUnpackedAndAnUnknownSenderFetchesTheDifference() {
        var box: MessageBox = Self.box()
        let short: Api.Updates = .updateShortMessage(Api.Updates.UpdateShortMessage(id: 5, userId: 2001, message: "hi", pts: 11, ptsCount: 1, date: 1))
        let out: MessageBoxOutput = box.process(short, now: 0) { $0 == .user(2001) }
        guard case .updateNewMessage(let u)? = out.batch.updates.first, case .message(let m) = u.message else {
            Issue.record("no new message")
            return
        }
        #expect(m.message == "hi")
        #expect(PeerID(m.peerId) == .user(2001))
        #expect(m.fromId.map(PeerID.init) == .user(2001))

        let outgoing: Api.Updates = .updateShortMessage(Api.Updates.UpdateShortMessage(out: true, id: 6, userId: 2001, message: "yo", pts: 12, ptsCount: 1, date: 1))
        let sent: MessageBoxOutput = box.process(outgoing, now: 0, isKnown: { _ in true })
        if case .updateNewMessage(let u)? = sent.batch.updates.first, case .message(let m) = u.message {
            #expect(m.fromId.map(PeerID.init) == .user(1000))
        } else {
            Issue.record("no outgoing message")
        }

        let stranger: Api.Updates = .updateShortMessage(Api.Updates.UpdateShortMessage(id: 7, userId: 2999, message: "?", pts: 13, ptsCount: 1, date: 1))
        let incomplete: MessageBoxOutput = box.process(stranger, now: 1) { $0 != .user(2999) }
        #expect(incomplete.batch.updates.isEmpty)
        #expect(box.state.pts == 12)
        #expect(box.nextRequest(now: 1) == .difference(pts: 12, qts: 0, date: 1_700_000_000))
    }

    @Test func aShortChatMessageAndASentMessageMoveTheCommonBox() {
        var box: MessageBox = Self.box()
        let chat: Api.Updates = .updateShortChatMessage(Api.Updates.UpdateShortChatMessage(
            id: 1, fromId: 2001, chatId: 300, message: "group", pts: 11, ptsCount: 1, date: 1))
        let out: MessageBoxOutput = box.process(chat, now: 0)
        if case .updateNewMessage(let u)? = out.batch.updates.first, case .message(let m) = u.message {
            #expect(PeerID(m.peerId) == .chat(300))
        } else {
            Issue.record("no group message")
        }
        let sent: MessageBoxOutput = box.process(.updateShortSentMessage(Api.Updates.UpdateShortSentMessage(out: true, id: 2, pts: 12, ptsCount: 1, date: 1)), now: 0)
        #expect(sent.batch.updates.isEmpty)
        #expect(box.state.pts == 12)
        _ = box.processAffected(pts: 13, count: 1, now: 0)
        #expect(box.state.pts == 13)
    }

    @Test func containersFollowTheirSeq() {
        var box: MessageBox = Self.box(seq: 4)
        _ = box.process(F.container([F.newMessage(1, pts: 11)], seq: 5), now: 0)
        #expect(box.state.seq == 5)
        let repeated: MessageBoxOutput = box.process(F.container([F.newMessage(2, pts: 12)], seq: 5), now: 0)
        #expect(repeated.batch.updates.isEmpty)
        #expect(box.state.pts == 11)
        let unordered: MessageBoxOutput = box.process(F.container([F.newMessage(2, pts: 12)], seq: 0), now: 0)
        #expect(F.messageIDs(unordered.batch.updates) == [2])
        _ = box.process(F.container([F.newMessage(4, pts: 14)], seq: 7), now: 0)
        #expect(box.state.seq == 5)
        #expect(box.nextRequest(now: 0) == .difference(pts: 12, qts: 0, date: 1_700_000_000))
    }

    @Test func updatesTooLongFetchesTheDifferenceAtOnce() {
        var box: MessageBox = Self.box()
        _ = box.process(.updatesTooLong, now: 3)
        #expect(box.nextRequest(now: 3) == .difference(pts: 10, qts: 0, date: 1_700_000_000))
        #expect(box.nextRequest(now: 3) == nil)  // asked for, not answered yet
    }

    @Test func slicesAreFollowedUntilTheLastOne() {
        var box: MessageBox = Self.box()
        box.requestDifference(now: 0)
        _ = box.nextRequest(now: 0)
        let slice: Api.updates.Difference = .differenceSlice(Api.updates.Difference.DifferenceSlice(
            newMessages: [F.message(1, from: 2001)], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [],
            intermediateState: F.state(pts: 11)))
        let first: MessageBoxOutput = box.apply(difference: slice, now: 0.1)
        #expect(F.messageIDs(first.batch.updates) == [1])
        #expect(box.nextRequest(now: 0.1) == .difference(pts: 11, qts: 0, date: 1_700_000_100))
        _ = box.apply(difference: F.difference([F.message(2, from: 2001)], pts: 12), now: 0.2)
        #expect(box.nextRequest(now: 0.2) == nil)
        #expect(!box.isFetchingDifference)
    }

    @Test func differenceTooLongJumpsReportsAndAsksAgain() {
        var box: MessageBox = Self.box()
        box.requestDifference(now: 0)
        _ = box.nextRequest(now: 0)
        let out: MessageBoxOutput = box.apply(difference: .differenceTooLong(Api.updates.Difference.DifferenceTooLong(pts: 500)), now: 0.1)
        #expect(out.batch.notices == [.differenceTooLong(pts: 500)])
        #expect(box.state.pts == 500)
        #expect(box.nextRequest(now: 0.1) == .difference(pts: 500, qts: 0, date: 1_700_000_000))
        let empty: Api.updates.Difference = .differenceEmpty(Api.updates.Difference.DifferenceEmpty(date: 1_700_000_500, seq: 9))
        _ = box.apply(difference: empty, now: 0.2)
        #expect(box.state.seq == 9)
        #expect(box.state.date == 1_700_000_500)
    }

    @Test func aRefusedDifferenceStartsAgainFromTheServersStateAndSaysSo() {
        var box: MessageBox = Self.box()
        box.requestDifference(now: 0)
        _ = box.nextRequest(now: 0)
        let remote: Api.updates.State = Api.updates.State(pts: 700, qts: 4, date: 1_700_000_900, seq: 12, unreadCount: 0)
        let out: MessageBoxOutput = box.reset(to: remote, now: 0.1)
        #expect(out.batch.notices == [.differenceTooLong(pts: 700)])
        #expect(out.stateChanged)
        #expect(box.state == UpdatesState(pts: 700, qts: 4, date: 1_700_000_900, seq: 12))
        // Done: nothing more is fetched until the next gap.
        #expect(!box.isFetchingDifference)
        #expect(box.nextRequest(now: 0.2) == nil)
    }

    @Test func fifteenMinutesOfSilenceFetchTheDifference() {
        var box: MessageBox = Self.box()
        _ = box.process(F.container([F.newMessage(1, pts: 11)]), now: 100)
        #expect(box.nextDeadline == Double(100 + 15 * 60))
        #expect(box.nextRequest(now: 100 + 15 * 60 - 1) == nil)
        #expect(box.nextRequest(now: 100 + 15 * 60) == .difference(pts: 11, qts: 0, date: 1_700_000_000))
    }

    @Test func theSecondaryBoxFollowsQts() {
        var box: MessageBox = Self.box(qts: 3)
        let stopped: (Int32) -> Api.Update = { .updateBotStopped(Api.Update.UpdateBotStopped(userId: 1, date: 1, stopped: true, qts: $0)) }
        #expect(box.process(.updateShort(Api.Updates.UpdateShort(update: stopped(4), date: 1)), now: 0).batch.updates.count == 1)
        #expect(box.state.qts == 4)
        #expect(box.process(.updateShort(Api.Updates.UpdateShort(update: stopped(4), date: 1)), now: 0).batch.updates.isEmpty)
        #expect(box.process(.updateShort(Api.Updates.UpdateShort(update: stopped(6), date: 1)), now: 0).batch.updates.isEmpty)
        #expect(box.nextRequest(now: 0.5) == .difference(pts: 10, qts: 4, date: 1_700_000_000))
    }

    @Test func aFullBufferFetchesTheDifferenceInsteadOfGrowing() {
        var box: MessageBox = Self.box(limits: MessageBoxLimits(maximumBuffered: 3))
        for pts in Int32(20) ..< 23 { _ = box.process(F.container([F.newMessage(pts, pts: pts)]), now: 0) }
        #expect(box.heldCount == 3)
        _ = box.process(F.container([F.newMessage(30, pts: 30)]), now: 0)
        #expect(box.heldCount == 0)
        #expect(box.nextRequest(now: 0) == .difference(pts: 10, qts: 0, date: 1_700_000_000))
        // Overflowing while that difference is in flight asks for one more round.
        for pts in Int32(40) ..< 44 { _ = box.process(F.container([F.newMessage(pts, pts: pts)]), now: 0.1) }
        _ = box.apply(difference: F.difference([], pts: 30), now: 0.2)
        #expect(box.nextRequest(now: 0.2) == .difference(pts: 30, qts: 0, date: 1_700_000_100))
    }

    @Test func aFailedDifferenceIsAskedAgainWithBackoff() {
        var box: MessageBox = Self.box(limits: MessageBoxLimits(retryDelay: 1, maximumRetryDelay: 3))
        box.requestDifference(now: 0)
        _ = box.nextRequest(now: 0)
        box.differenceFailed(now: 0)
        #expect(box.nextRequest(now: 0.9) == nil)
        #expect(box.nextRequest(now: 1) != nil)
        box.differenceFailed(now: 1)
        #expect(box.nextRequest(now: 2.9) == nil)
        #expect(box.nextRequest(now: 3) != nil)
    }
}

import Bot
import TLSchema
import Testing

/// The updates state machine under scripted sequences (api-flows §7).
struct UpdatesEngineTests {
    static let me: Int64 = 1

    static func short(id: Int32, from user: Int64, pts: Int32, text: String = "hi") -> Api.Updates {
        .updateShortMessage(Api.Updates.UpdateShortMessage(id: id, userId: user, message: text, pts: pts, ptsCount: 1, date: 100))
    }

    static func messages(_ actions: [UpdatesAction]) -> [Int32] {
        actions.compactMap { (action: UpdatesAction) -> Int32? in
            if case .newMessage(let m) = action { return m.id }
            return nil
        }
    }

    static func fetches(_ actions: [UpdatesAction]) -> Bool {
        actions.contains { if case .fetchDifference = $0 { return true } else { return false } }
    }

    @Test func contiguousUpdatesApplyAndDuplicatesAreDropped() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        let first: [UpdatesAction] = engine.handle(Self.short(id: 1, from: 5, pts: 11), now: 0) { _ in true }
        let again: [UpdatesAction] = engine.handle(Self.short(id: 1, from: 5, pts: 11), now: 0) { _ in true }
        #expect(Self.messages(first) == [1])
        #expect(Self.messages(again) == [])
        #expect(engine.state.pts == 11)
    }

    @Test func aGapIsBufferedAndClosesWhenTheMissingUpdateArrives() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        let early: [UpdatesAction] = engine.handle(Self.short(id: 3, from: 5, pts: 12), now: 0) { _ in true }
        #expect(Self.messages(early) == [])
        #expect(engine.state.pts == 10)
        let filled: [UpdatesAction] = engine.handle(Self.short(id: 2, from: 5, pts: 11), now: 0.1) { _ in true }
        #expect(Self.messages(filled) == [2, 3])
        #expect(engine.state.pts == 12)
        let later: [UpdatesAction] = engine.tick(now: 5)
        #expect(!Self.fetches(later))
    }

    @Test func aGapThatStaysOpenFetchesTheDifference() throws {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        _ = engine.handle(Self.short(id: 3, from: 5, pts: 12), now: 0) { _ in true }
        let soon: [UpdatesAction] = engine.tick(now: 0.4)
        let late: [UpdatesAction] = engine.tick(now: 0.6)
        #expect(!Self.fetches(soon))
        #expect(Self.fetches(late))
        #expect(engine.isFetchingDifference)
        // Updates arriving meanwhile are left to the difference.
        let meanwhile: [UpdatesAction] = engine.handle(Self.short(id: 4, from: 5, pts: 13), now: 0.7) { _ in true }
        #expect(Self.messages(meanwhile) == [])
        let message: Api.Message = .message(Api.Message.Message(id: 2, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1, message: "a"))
        let message3: Api.Message = .message(Api.Message.Message(id: 3, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1, message: "b"))
        let difference: Api.updates.Difference = .difference(Api.updates.Difference.Difference(
            newMessages: [message, message3], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [],
            state: Api.updates.State(pts: 12, qts: 0, date: 2, seq: 0, unreadCount: 0)))
        let (actions, more): ([UpdatesAction], Bool) = engine.apply(difference: difference)
        // The update dropped meanwhile may postdate the difference: one more round.
        #expect(more)
        #expect(Self.messages(actions) == [2, 3])
        #expect(engine.state.pts == 12)
        #expect(engine.isFetchingDifference)
        #expect(engine.differenceRequest().pts == 12)
        let message4: Api.Message = .message(Api.Message.Message(id: 4, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1, message: "c"))
        let last: (actions: [UpdatesAction], more: Bool) = engine.apply(difference: .difference(Api.updates.Difference.Difference(
            newMessages: [message4], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [],
            state: Api.updates.State(pts: 13, qts: 0, date: 2, seq: 0, unreadCount: 0))))
        #expect(!last.more && Self.messages(last.actions) == [4])
        #expect(!engine.isFetchingDifference && engine.state.pts == 13)
    }

    @Test func aShortMessageFromAnUnknownUserIsFetchedThroughTheDifference() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        let actions: [UpdatesAction] = engine.handle(Self.short(id: 1, from: 99, pts: 11), now: 0) { _ in false }
        #expect(Self.messages(actions).isEmpty)
        #expect(Self.fetches(actions))
        #expect(engine.state.pts == 10)
    }

    @Test func seqOfUpdatesContainersIsChecked() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 4), selfID: Self.me)
        func updates(seq: Int32, pts: Int32, id: Int32) -> Api.Updates {
            let message: Api.Message = .message(Api.Message.Message(id: id, peerId: .peerUser(Api.Peer.PeerUser(userId: 5)), date: 1, message: "m"))
            return .updates(Api.Updates.Updates(
                updates: [.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1))], users: [], chats: [], date: 5,
                seq: seq))
        }
        let first: [UpdatesAction] = engine.handle(updates(seq: 5, pts: 11, id: 1), now: 0) { _ in true }
        #expect(Self.messages(first) == [1])
        #expect(engine.state.seq == 5)
        let again: [UpdatesAction] = engine.handle(updates(seq: 5, pts: 11, id: 1), now: 0) { _ in true }
        #expect(Self.messages(again) == [])
        let skipped: [UpdatesAction] = engine.handle(updates(seq: 7, pts: 13, id: 3), now: 0) { _ in true }
        #expect(Self.fetches(skipped))
    }

    @Test func slicesAndTooLongAskForMore() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        let began: Bool = engine.beginDifference()
        #expect(began)
        let slice: Api.updates.Difference = .differenceSlice(Api.updates.Difference.DifferenceSlice(
            newMessages: [], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [],
            intermediateState: Api.updates.State(pts: 50, qts: 0, date: 2, seq: 0, unreadCount: 0)))
        let sliced: Bool = engine.apply(difference: slice).more
        #expect(sliced)
        #expect(engine.state.pts == 50 && engine.isFetchingDifference)
        let tooLong: Bool = engine.apply(difference: .differenceTooLong(Api.updates.Difference.DifferenceTooLong(pts: 900))).more
        #expect(tooLong)
        #expect(engine.state.pts == 900)
        let empty: Bool = engine.apply(difference: .differenceEmpty(Api.updates.Difference.DifferenceEmpty(date: 9, seq: 3))).more
        #expect(!empty)
        #expect(engine.state.seq == 3 && !engine.isFetchingDifference)
    }

    @Test func channelPtsIsTrackedPerChannel() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        func channelMessage(pts: Int32) -> Api.Updates {
            let message: Api.Message = .message(Api.Message.Message(id: 1, peerId: .peerChannel(Api.Peer.PeerChannel(channelId: 77)), date: 1, message: "c"))
            return .updateShort(Api.Updates.UpdateShort(update: .updateNewChannelMessage(Api.Update.UpdateNewChannelMessage(
                message: message, pts: pts, ptsCount: 1)), date: 2))
        }
        let firstSeen: [UpdatesAction] = engine.handle(channelMessage(pts: 5), now: 0) { _ in true }
        #expect(Self.messages(firstSeen).isEmpty)
        _ = engine.handle(channelMessage(pts: 6), now: 0) { _ in true }
        #expect(engine.state.channels[77] == 6)
        let gap: [UpdatesAction] = engine.handle(channelMessage(pts: 9), now: 0) { _ in true }
        #expect(gap.contains { if case .fetchChannelDifference(77, 9) = $0 { return true } else { return false } })
        #expect(engine.state.pts == 10)
    }

    @Test func affectedMessagesResultsMoveTheCommonPts() {
        var engine: UpdatesEngine = UpdatesEngine(state: UpdateState(pts: 10, qts: 0, date: 1, seq: 0), selfID: Self.me)
        let applied: [UpdatesAction] = engine.handleAffected(pts: 12, count: 2, now: 0)
        #expect(applied.contains { if case .stateChanged = $0 { return true } else { return false } })
        #expect(engine.state.pts == 12)
        let stale: [UpdatesAction] = engine.handleAffected(pts: 12, count: 2, now: 0)
        #expect(stale.isEmpty && engine.state.pts == 12)
    }
}

import Bot
import Foundation
import MTProto
import TestDC
import TLSchema
import Testing

/// A reply that went out just before a crash, before it was stored.
@Suite(.serialized) struct ResentReplyTests {
    typealias H = BotHarness

    /// After the restart the kept answer is sent again (Telegram refuses it as a duplicate), and
    /// the reply from before the crash, when the difference brings it, is the bot's, not the owner
    /// writing in the chat: the person's next message is still answered. (Found by `soak
    /// strangers`: the resend finished before the slow difference, and the next messages were
    /// skipped as "the owner wrote in the chat".)
    @Test func aReplySentBeforeACrashIsNotTakenForTheOwnerWriting() async throws {
        let harness: H = try await H.start()
        var session: BotSession = try await harness.login()
        let stuck: Userbot = try await harness.startBot(session, model: StuckModel())
        var events: AsyncStream<BotEvent>.Iterator = await stuck.events().makeAsyncIterator()
        let first: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "first")
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "second")
        _ = await events.next()
        _ = await events.next()
        await stuck.stop()
        await session.close()
        // The answer was kept and sent; then the process died.
        session = try await harness.openSession()
        let pending: PendingReply = try #require(try session.storage.pendingReplies().first)
        try session.storage.saveAnswer("the answer from before the crash", for: pending)
        try await session.client.connect()
        let peer: Api.InputPeer = .inputPeerUser(Api.InputPeer.InputPeerUser(
            userId: H.person(1), accessHash: harness.telegram.accessHash(of: H.person(1), for: H.botID)))
        _ = try await session.client.invoke(Api.functions.messages.SendMessage(
            peer: peer, replyTo: .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: first)),
            message: "the answer from before the crash", randomId: pending.randomID))
        await session.close()
        // The difference after the restart is slow (its first try fails): the resend is done first.
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.updates.GetDifference.constructorID] = (500, "INTERNAL", 1)
        await harness.server.setFaults(plan)
        session = try await harness.openSession()
        let bot: Userbot = try await harness.startBot(session)
        let replies: [SimulatedMessage] = await harness.waitForReplies(2, timeout: .seconds(10))
        #expect(replies.map(\.text) == ["the answer from before the crash", "echo: second"])
        #expect(try session.storage.skippedMessages().isEmpty)
        await bot.stop()
        await session.close()
        await harness.stop()
    }
}

import Bot
import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// The bot on a simulated real account, over TCP: who it answers, what it may cost, downtimes,
/// a session revoked mid-run, manners, and bounded memory (issue 10 §1–§4, §6, §7).
@Suite(.serialized) struct RealAccountTests {
    typealias H = BotHarness

    static func replied(_ harness: H) async -> [Int32] {
        await harness.telegram.messages(from: H.botID).compactMap(\.replyTo)
    }

    // MARK: §1 Who gets an answer

    @Test func botsFlaggedAndServiceAccountsAreNeverAnsweredAndFlagsFollowNewerUsers() async throws {
        let harness: H = try await H.start(people: 2)
        await harness.addAccount(3001, "Bot") { $0.isBot = true }
        await harness.addAccount(3002, "Scam") { $0.isScam = true }
        await harness.addAccount(3003, "Fake") { $0.isFake = true }
        await harness.addAccount(3004, "Support") { $0.isSupport = true }
        await harness.addAccount(3005, "Gone") { $0.isDeleted = true }
        await harness.addAccount(42_777, "Service")
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        var ids: [Int64: Int32] = [:]
        for id in [3001, 3002, 3003, 3004, 3005, 42_777] as [Int64] {
            ids[id] = await harness.telegram.deliver(from: id, to: H.botID, text: "hello from \(id)")
        }
        let person: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "hello")
        #expect(try await harness.eventually { try harness.skipped(session).count == 6 })
        #expect(await harness.eventually { await Self.replied(harness) == [person] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness) == [person])
        #expect(harness.openAI.requests.count == 1)
        let skipped: [Int32: String] = try harness.skipped(session)
        #expect(skipped[ids[3001]!] == "the sender is a bot")
        #expect(skipped[ids[3002]!] == "the sender is marked as a scam")
        #expect(skipped[ids[3003]!] == "the sender is marked as fake")
        #expect(skipped[ids[3004]!] == "the sender is a Telegram support account")
        #expect(skipped[ids[3005]!] == "the sender's account is deleted")
        #expect(skipped[ids[42_777]!] == "the sender is a Telegram service account")
        #expect(try session.storage.clientStore.peer(.user(3001))?.flags == .bot)
        // A person who turned into a bot: the newer user carries the flag, stored and obeyed.
        await harness.telegram.update(H.person(2)) { $0.isBot = true }
        let turned: Int32 = await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "beep")
        #expect(try await harness.eventually { try harness.skipped(session)[turned] == "the sender is a bot" })
        #expect(try session.storage.clientStore.peer(.user(H.person(2)))?.flags.contains(.bot) == true)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func contactsOnlyAndTheDenyListChooseWhoIsAnswered() async throws {
        let harness: H = try await H.start(people: 3)
        await harness.telegram.update(H.botID) { $0.contacts = [H.person(1), H.person(2)] }
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session) { (settings: inout BotSettings) in
            settings.replyPolicy = ReplyPolicy(audience: .contacts, deny: [.username("person2")])
        }
        let contact: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "a contact")
        let denied: Int32 = await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "a denied contact")
        let stranger: Int32 = await harness.telegram.deliver(from: H.person(3), to: H.botID, text: "a stranger")
        #expect(try await harness.eventually { try harness.skipped(session).count == 2 })
        #expect(await harness.eventually { await Self.replied(harness) == [contact] })
        let skipped: [Int32: String] = try harness.skipped(session)
        #expect(skipped[denied] == "the sender is on USERBOT_DENY")
        #expect(skipped[stranger] == "the sender is not among USERBOT_REPLY_TO")
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    // MARK: §2 Cost and abuse limits

    @Test func aBurstGetsOneReplyWhenConfiguredTogether() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let model: GatedModel = GatedModel()
        let bot: Userbot = try await harness.startBot(session, model: model) { $0.bursts = .together }
        let first: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "one")
        #expect(await harness.eventually { await model.calls == 1 })
        _ = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "two")
        let third: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "three")
        #expect(try await harness.eventually { try session.storage.pendingReplies().count == 3 })
        await model.open()
        #expect(await harness.eventually { await Self.replied(harness) == [first, third] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await model.calls == 2)
        #expect(await Self.replied(harness) == [first, third])
        #expect(try await bot.memory.exchanges(of: H.person(1)).map(\.user) == ["one", "two\nthree"])
        #expect(try session.storage.pendingReplies().isEmpty)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func modelCallsAreCappedPerPersonAtOnceAndPerDay() async throws {
        let harness: H = try await H.start(people: 4)
        let session: BotSession = try await harness.login()
        let model: GatedModel = GatedModel()
        let bot: Userbot = try await harness.startBot(session, model: model) { (settings: inout BotSettings) in
            settings.personHourlyLimit = 2
            settings.concurrency = 2
            settings.dailyLimit = 5
        }
        var first: [Int32] = []
        for i in 1 ... 4 { first.append(await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "p1 m\(i)")) }
        var others: [Int32] = []
        for p in 2 ... 4 { others.append(await harness.telegram.deliver(from: H.person(p), to: H.botID, text: "hi from \(p)")) }
        #expect(await harness.eventually { await model.calls == 2 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await model.calls == 2)  // two at once
        await model.open()
        let allFive: Bool = await harness.eventually { await Self.replied(harness).count == 5 }
        let (repliedNow, skippedNow, callsNow): ([Int32], [Int32: String], Int) = (await Self.replied(harness), try harness.skipped(session), await model.calls)
        #expect(allFive, "replied \(repliedNow), skipped \(skippedNow), calls \(callsNow)")
        #expect(Set(await Self.replied(harness)) == Set(first.prefix(2) + others))
        // Beyond the hourly limit: skipped (not queued) with the reason.
        let skipped: [Int32: String] = try harness.skipped(session)
        #expect(skipped[first[2]] == "the person reached USERBOT_PERSON_HOURLY_LIMIT (2 model calls in an hour)")
        #expect(skipped[first[3]] == skipped[first[2]])
        // The day's five calls are made: the next message is not answered, and errors.log says so once.
        let late: Int32 = await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "one more")
        let again: Int32 = await harness.telegram.deliver(from: H.person(3), to: H.botID, text: "and another")
        #expect(try await harness.eventually { try harness.skipped(session)[again] != nil })
        #expect(try harness.skipped(session)[late] == "USERBOT_DAILY_LIMIT reached (5 model calls today, UTC)")
        #expect(await model.calls == 5)
        #expect(await model.mostAtOnce == 2)
        let log: String = try String(contentsOf: harness.logDirectory.appendingPathComponent("errors.log"), encoding: .utf8)
        #expect(log.components(separatedBy: "USERBOT_DAILY_LIMIT reached").count == 2)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func theRequestStaysWithinThePromptBudget() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session, systemPrompt: "be brief") { $0.maximumPromptCharacters = 1000 }
        for i in 1 ... 3 {
            await harness.telegram.deliver(from: H.person(1), to: H.botID, text: String(repeating: "\(i)", count: 200))
            #expect(await harness.eventually { await Self.replied(harness).count == i })
        }
        let third: [[String: String]] = try #require(harness.openAI.requests.last?.messages)
        #expect(third.reduce(0) { $0 + ($1["content"]?.count ?? 0) } <= 1000)
        #expect(third.last?["content"] == String(repeating: "3", count: 200))
        #expect(third.count == 4)  // system, the newest pair, the new text: the oldest pair was left out
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: String(repeating: "x", count: 4000))
        #expect(await harness.eventually { await Self.replied(harness).count == 4 })
        let long: [[String: String]] = try #require(harness.openAI.requests.last?.messages)
        #expect(long.count == 2)
        #expect(long.last?["content"]?.count == 1000 - "be brief".count)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    // MARK: §3 Downtime

    @Test func aLongDowntimeLosesNothingAndAnswersNothingStale() async throws {
        let harness: H = try await H.start(people: 5)
        let session: BotSession = try await harness.login()
        let telegram: SimulatedTelegram = harness.telegram
        // While the bot is down:
        let old: Int32 = await telegram.deliver(
            from: H.person(1), to: H.botID, text: "from two days ago", push: .none, date: Int32(Date().timeIntervalSince1970) - 2 * 86_400)
        let waiting: Int32 = await telegram.deliver(from: H.person(2), to: H.botID, text: "still waiting", push: .none)
        let answered: Int32 = await telegram.deliver(from: H.person(3), to: H.botID, text: "answered on the phone", push: .none)
        await telegram.writeFromPhone(owner: H.botID, to: H.person(3), text: "on my way", push: .none)
        let read: Int32 = await telegram.deliver(from: H.person(4), to: H.botID, text: "read on the phone", push: .none)
        // More than 1,000 events in the box, most of them read receipts.
        for _ in 0 ..< 1_000 { await telegram.readOnPhone(owner: H.botID, peer: H.person(4), maxID: read, push: .none) }
        let late: Int32 = await telegram.deliver(from: H.person(5), to: H.botID, text: "after all that", push: .none)
        let bot: Userbot = try await harness.startBot(session)
        #expect(await harness.eventually { Set(await Self.replied(harness)) == [waiting, late] })
        #expect(try await harness.eventually { try harness.skipped(session).count == 3 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness).count == 2)
        let skipped: [Int32: String] = try harness.skipped(session)
        #expect(skipped[old] == "older than USERBOT_MAX_AGE")
        #expect(skipped[answered] == "the owner wrote in the chat or read it first")
        #expect(skipped[read] == "the owner wrote in the chat or read it first")
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func differenceTooLongIsRecoveredFromTheDialogs() async throws {
        let harness: H = try await H.start(people: 3)
        let session: BotSession = try await harness.login()
        let telegram: SimulatedTelegram = harness.telegram
        var bot: Userbot = try await harness.startBot(session)
        let before: Int32 = await telegram.deliver(from: H.person(1), to: H.botID, text: "before the downtime")
        #expect(await harness.eventually { await Self.replied(harness) == [before] })
        await bot.stop()
        await session.close()
        let missed: [Int32] = [
            await telegram.deliver(from: H.person(1), to: H.botID, text: "missed one", push: .none),
            await telegram.deliver(from: H.person(2), to: H.botID, text: "missed two", push: .none),
            await telegram.deliver(from: H.person(1), to: H.botID, text: "missed three", push: .none),
        ]
        let read: Int32 = await telegram.deliver(from: H.person(3), to: H.botID, text: "read elsewhere", push: .none)
        await telegram.readOnPhone(owner: H.botID, peer: H.person(3), maxID: read, push: .none)
        await telegram.forgetUpdates(of: H.botID)
        let again: BotSession = try await harness.openSession()
        bot = try await harness.startBot(again)
        #expect(await harness.eventually { Set(await Self.replied(harness)) == Set([before] + missed) })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness).count == 4)
        #expect(try harness.skipped(again)[read] == nil)  // read: not even fetched
        #expect(await harness.telegram.messages(from: H.botID).filter { $0.replyTo == read }.isEmpty)
        await bot.stop()
        await again.close()
        await harness.stop()
    }

    @Test func aRecoveryCutShortByAStopRunsAgainAtTheNextStartAndNewMessagesWaitForIt() async throws {
        let harness: H = try await H.start(people: 2)
        let telegram: SimulatedTelegram = harness.telegram
        let session: BotSession = try await harness.login()
        let missed: [Int32] = [
            await telegram.deliver(from: H.person(1), to: H.botID, text: "missed one", push: .none),
            await telegram.deliver(from: H.person(2), to: H.botID, text: "missed two", push: .none),
        ]
        await telegram.forgetUpdates(of: H.botID)
        // The dialogs cannot be read: the state has jumped past the gap, the recovery keeps failing.
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.messages.GetDialogs.constructorID] = (500, "INTERNAL_SERVER_ERROR", 1_000)
        await harness.server.setFaults(plan)
        var bot: Userbot = try await harness.startBot(session) { $0.maximumDifferenceRetryDelay = .milliseconds(100) }
        #expect(try await harness.eventually { try session.storage.dialogRecoveryDue() })
        try await Task.sleep(for: .milliseconds(500))  // a few failed attempts
        await bot.stop()
        await session.close()
        #expect(await Self.replied(harness).isEmpty)
        // The next start: the recovery is still due (it was stored with the jump); a message that
        // arrives meanwhile is answered too, and does not hide the missed ones.
        await harness.server.setFaults(FaultPlan())
        let again: BotSession = try await harness.openSession()
        bot = try await harness.startBot(again)
        let live: Int32 = await telegram.deliver(from: H.person(1), to: H.botID, text: "anyone?")
        #expect(await harness.eventually { Set(await Self.replied(harness)) == Set(missed + [live]) })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness).count == 3)
        #expect(try !again.storage.dialogRecoveryDue())
        await bot.stop()
        await again.close()
        await harness.stop()
    }

    @Test func aFailingDifferenceIsRetriedAndReconnectsAndUndecodableUpdatesFetchOne() async throws {
        let harness: H = try await H.start(people: 3)
        let session: BotSession = try await harness.login()
        let waiting: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "while you were away", push: .none)
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.updates.GetDifference.constructorID] = (500, "INTERNAL_SERVER_ERROR", 3)
        await harness.server.setFaults(plan)
        let bot: Userbot = try await harness.startBot(session) { $0.maximumDifferenceRetryDelay = .milliseconds(100) }
        #expect(await harness.eventually { await Self.replied(harness) == [waiting] })
        // Lost while the connection drops: the reconnect is followed by a difference.
        let dropped: Int32 = await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "sent during a drop", push: .none)
        await harness.server.dropConnections()
        #expect(await harness.eventually { await Self.replied(harness) == [waiting, dropped] })
        // An update the client cannot decode counts as a gap.
        let hidden: Int32 = await harness.telegram.deliver(from: H.person(3), to: H.botID, text: "behind garbage", push: .none)
        await harness.server.pushRaw([0xEF, 0xBE, 0xAD, 0xDE, 1, 2, 3, 4], toUser: H.botID)
        #expect(await harness.eventually { await Self.replied(harness) == [waiting, dropped, hidden] })
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func theBotsOwnReplySentBeforeACrashIsNotTakenForTheOwnerAnswering() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let first: Int32 = try await harness.queueOneMessageAndStop(session, text: "first")
        await session.close()
        let again: BotSession = try await harness.openSession()
        let queued: PendingReply = try #require(try again.storage.pendingReplies().first)
        try again.storage.saveAnswer("kept answer", for: queued)
        let second: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "second", push: .none)
        // The kept answer went out just before the crash, quoting the first message, after the second arrived.
        await harness.telegram.sentBeforeACrash(from: H.botID, to: H.person(1), text: "kept answer", replyTo: first, randomID: queued.randomID)
        // A slow catch-up: the reply sent before the crash arrives late, quoting the first message.
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.updates.GetDifference.constructorID] = (500, "INTERNAL_SERVER_ERROR", 2)
        await harness.server.setFaults(plan)
        let bot: Userbot = try await harness.startBot(again) { $0.maximumDifferenceRetryDelay = .milliseconds(300) }
        #expect(await harness.eventually { await Self.replied(harness) == [first, second] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness) == [first, second])
        #expect(try harness.skipped(again).isEmpty)
        await bot.stop()
        await again.close()
        await harness.stop()
    }

    @Test func aFailedCommitSkipsNothingOnceWritesSucceedAgain() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session) { $0.commitRetryDelay = .milliseconds(300) }
        try session.storage.session.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT ON pending_replies BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        let during: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "during the failure")
        let errors: URL = harness.logDirectory.appendingPathComponent("errors.log")
        #expect(await harness.eventually { ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains("could not save the update state") })
        try session.storage.session.execute("DROP TRIGGER disk_full")
        let after: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "after the failure")
        #expect(await harness.eventually { await Self.replied(harness) == [during, after] })
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    // MARK: §4 The account goes away mid-run

    @Test func aRevokedSessionStopsTheBotKeepsTheQueueAndTheNextLoginAnswersItOnce() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let model: GatedModel = GatedModel()
        let bot: Userbot = try await harness.startBot(session, model: model)
        let id: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "are you there?")
        #expect(await harness.eventually { await model.calls == 1 })
        let key: Int64 = try #require(await session.client.authKeys[1]?.authKey.id)
        await harness.server.deauthorize(authKeyID: key, dc: 1)  // "terminate other sessions" on the phone
        await model.open()
        // Within 20 s, or the bot is stopped (and the wait ends with nil).
        let lost: BotError? = await withTaskGroup(of: BotError?.self) { (group: inout TaskGroup<BotError?>) -> BotError? in
            group.addTask { await bot.untilAccountLost() }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                if !Task.isCancelled { await bot.stop() }
                return nil
            }
            let first: BotError? = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(lost == .sessionRevoked("AUTH_KEY_UNREGISTERED"))
        await bot.stop()
        #expect(try session.storage.pendingReplies().map(\.messageID) == [id])
        #expect(await harness.telegram.messages(from: H.botID).isEmpty)
        await session.close()
        // userbot login, then userbot run: the queued message is answered, once.
        let again: BotSession = try await harness.login()
        #expect(try again.storage.pendingReplies().map(\.messageID) == [id])
        let next: Userbot = try await harness.startBot(again)
        #expect(await harness.eventually { await Self.replied(harness) == [id] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await Self.replied(harness) == [id])
        #expect(await model.calls == 1)  // the answer kept before the revocation was sent
        await next.stop()
        await again.close()
        await harness.stop()
    }

    // MARK: §6 Good manners

    @Test func anAnswerMarksTheMessageReadAndNoAnswerCancelsTyping() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session, attempts: 1)
        let id: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "hi")
        #expect(await harness.eventually { await harness.telegram.readInboxMaxID(of: H.botID, with: H.person(1)) == id })
        #expect(await harness.telegram.readHistoryCalls(of: H.botID).map(\.maxID) == [id])
        #expect(await harness.telegram.typingCancelCount(of: H.botID) == 0)
        harness.openAI.failAlways(500)
        let unanswered: Int32 = await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "hello?")
        #expect(await harness.eventually { await harness.telegram.typingCancelCount(of: H.botID) == 1 })
        #expect(await harness.telegram.readInboxMaxID(of: H.botID, with: H.person(2)) < unanswered)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    // MARK: §7 Bounded memory and disk

    @Test func onlyRecentPeopleStayInRAMAndOthersAreReadBackWhenTheyWrite() async throws {
        let harness: H = try await H.start(people: 5)
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session, recentPeople: 2)
        var count: Int = 0
        for round in 1 ... 2 {
            for p in 1 ... 5 {
                await harness.telegram.deliver(from: H.person(p), to: H.botID, text: "round \(round) from \(p)")
                count += 1
                #expect(await harness.eventually { await Self.replied(harness).count == count })
            }
        }
        #expect(await bot.memory.peopleInMemory <= 2)
        // Person 1 was dropped from RAM; their memory comes back from the session file.
        let history: [[String: String]] = try #require(harness.openAI.requests.last { $0.messages.last?["content"] == "round 2 from 1" }?.messages)
        #expect(history.compactMap { $0["content"] } == ["round 1 from 1", "echo: round 1 from 1", "round 2 from 1"])
        // The tenth pair made a dump: streamed from the session file, private from the first byte.
        await bot.memory.dumpsWritten()
        let names: [String] = try FileManager.default.contentsOfDirectory(atPath: harness.dumpDirectory.path).filter { $0.hasSuffix(".json") }
        #expect(names.count == 1)
        let file: String = harness.dumpDirectory.appendingPathComponent(try #require(names.first)).path
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: harness.dumpDirectory.path)[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let dump: [String: [[String: Any]]] = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: [[String: Any]]])
        #expect(dump.count == 5)
        #expect(dump[String(H.person(3))]?.compactMap { $0["user"] as? String } == ["round 1 from 3", "round 2 from 3"])
        #expect(dump[String(H.person(3))]?.first?["datetime"] is String)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func onlyTheNewestDumpsAreKept() throws {
        let folder: URL = FileManager.default.temporaryDirectory.appendingPathComponent("dumps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dumper: ContextDumper = ContextDumper(directory: folder, keep: 2)
        let moment: Date = Date(timeIntervalSince1970: 1_735_689_600)
        for offset in [0, 1, 1, 2] { try dumper.write(Data("{}".utf8), at: moment.addingTimeInterval(Double(offset))) }
        let names: [String] = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["context_20250101_000001_2.json", "context_20250101_000002.json"])
    }
}

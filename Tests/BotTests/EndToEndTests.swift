import Bot
import Foundation
import MTProto
import Telegram
import TestDC
import TLSchema
import Testing

/// The bot against the test DC (simulated Telegram) and a local OpenAI-compatible server, over
/// real TCP, from login to replies, restarts and failures.
@Suite(.serialized) struct EndToEndTests {
    typealias H = BotHarness

    @Test func loginWithoutPasswordFollowsPhoneMigrateAndPersists() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        #expect(await session.client.homeDataCentre.id == 1)
        #expect(try session.storage.selfUserID() == H.botID)
        #expect(try session.storage.updateState() != nil)
        await session.close()
        // A later run is still logged in.
        let again: BotSession = try await harness.openSession()
        #expect(again.isLoggedIn)
        #expect(await again.client.homeDataCentre.id == 1)
        await again.close()
        await harness.stop()
    }

    @Test func loginWithTwoFactorPasswordAsksAgainAfterAWrongOne() async throws {
        let harness: H = try await H.start(withPassword: true)
        let prompter: ScriptedPrompter = ScriptedPrompter(passwords: ["wrong guess", H.password])
        let session: BotSession = try await harness.login(prompter: prompter)
        #expect(prompter.asked == 2)
        #expect(try session.storage.selfUserID() == H.botID)
        await session.close()
        await harness.stop()
    }

    @Test func wrongPasswordsEndInAClearError() async throws {
        let harness: H = try await H.start(withPassword: true)
        await #expect(throws: LoginError.wrongPassword) {
            _ = try await harness.login(prompter: ScriptedPrompter(passwords: ["a1", "b2", "c3"]))
        }
        await harness.stop()
    }

    @Test func aWrongCodeIsAskedAgainAndAnUnknownNumberIsAClearError() async throws {
        let harness: H = try await H.start()
        let prompter: ScriptedPrompter = ScriptedPrompter(codes: ["00000", harness.telegram.loginCode])
        let session: BotSession = try await harness.login(code: "99999", prompter: prompter)
        #expect(prompter.asked == 2)
        #expect(session.isLoggedIn)
        await session.close()
        try? FileManager.default.removeItem(atPath: harness.sessionPath)
        await #expect(throws: LoginError.accountDoesNotExist(phone: "15559999999")) {
            _ = try await harness.login(phone: "15559999999")
        }
        await harness.stop()
    }

    @Test func aRevokedSessionTellsToLogInAgain() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let key: Int64 = try #require(await session.client.authKeys[1]?.authKey.id)
        await harness.server.deauthorize(authKeyID: key, dc: 1)
        await #expect(throws: BotError.sessionRevoked("AUTH_KEY_UNREGISTERED")) { _ = try await harness.startBot(session) }
        await session.close()
        await harness.stop()
    }

    @Test func telegramServiceNotificationsAreNotAnswered() async throws {
        let harness: H = try await H.start()
        await harness.telegram.add(TestAccount(userID: 777_000, phone: "42777", firstName: "Telegram"))
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        await harness.telegram.deliver(from: 777_000, to: H.botID, text: "Login code: 12345. Do not give this code to anyone")
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "hello")
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(replies.map(\.to) == [H.person(1)])
        #expect(await harness.telegram.messages(from: H.botID).count == 1)
        await bot.stop()
        await harness.stop()
    }

    @Test func twentyPeopleFifteenMessagesEachAnsweredOnceInOrderWithBoundedHistory() async throws {
        let harness: H = try await H.start(people: 20)
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session, systemPrompt: "Be brief.")
        var sentIDs: [Int64: [Int32]] = [:]
        for round in 1 ... 15 {
            for person in 1 ... 20 {
                let user: Int64 = H.person(person)
                let id: Int32 = await harness.telegram.deliver(from: user, to: H.botID, text: "p\(person) m\(round)")
                sentIDs[user, default: []].append(id)
            }
        }
        let replies: [SimulatedMessage] = await harness.waitForReplies(300, timeout: .seconds(60))
        #expect(replies.count == 300)
        #expect(await harness.telegram.typingCount(of: H.botID) > 0)  // a typing action while the model works
        for person in 1 ... 20 {
            let user: Int64 = H.person(person)
            let mine: [SimulatedMessage] = replies.filter { $0.to == user }
            // Once each, as a reply to it, in arrival order.
            #expect(mine.compactMap(\.replyTo) == sentIDs[user])
            #expect(mine.map(\.text) == (1 ... 15).map { "echo: p\(person) m\($0)" })
        }
        // Each request: system prompt, at most 10 stored pairs (oldest first), the new message.
        for request in harness.openAI.requests {
            #expect(request.messages.first == ["role": "system", "content": "Be brief."])
            let last: String = request.messages.last?["content"] ?? ""
            let round: Int = Int(last.split(separator: "m").last ?? "") ?? 0
            let person: String = String(last.split(separator: " ").first ?? "")
            let pairs: Int = min(round - 1, 10)
            #expect(request.messages.count == 2 + 2 * pairs, "\(last)")
            if pairs > 0 {
                #expect(request.messages[1]["content"] == "\(person) m\(round - pairs)")
                #expect(request.messages[2]["content"] == "echo: \(person) m\(round - pairs)")
            }
        }
        await bot.stop()
        let memory: ContextMemory = try session.storage.contextMemory(limit: 10, dumpEvery: 10)
        #expect(memory.storedCount == 300)
        #expect(memory.exchanges.count == 20 && memory.exchanges.values.allSatisfy { $0.count == 10 })
        await harness.stop()
    }

    @Test func mediaOutgoingGroupAndServiceMessagesAreIgnoredCaptionsAnswered() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "", hasMedia: true)
        // A basic-group message and an outgoing private message (as if sent from another app).
        let groupPts: Int32 = await harness.telegram.reservePts(of: H.botID)
        await harness.server.push(.updateShortChatMessage(Api.Updates.UpdateShortChatMessage(
            id: 900, fromId: H.person(2), chatId: 55, message: "group hello", pts: groupPts, ptsCount: 1, date: 1)), toUser: H.botID)
        let outgoingPts: Int32 = await harness.telegram.reservePts(of: H.botID)
        await harness.server.push(.updateShortMessage(Api.Updates.UpdateShortMessage(
            out: true, id: 901, userId: H.person(2), message: "my own words", pts: outgoingPts, ptsCount: 1, date: 1)), toUser: H.botID)
        // A service message in the private chat (history cleared by the other side).
        let servicePts: Int32 = await harness.telegram.reservePts(of: H.botID)
        let service: Api.Message = .messageService(Api.Message.MessageService(
            id: 902, fromId: .peerUser(Api.Peer.PeerUser(userId: H.person(1))), peerId: .peerUser(Api.Peer.PeerUser(userId: H.person(1))),
            date: 1, action: .messageActionHistoryClear))
        await harness.server.push(.updateShort(Api.Updates.UpdateShort(
            update: .updateNewMessage(Api.Update.UpdateNewMessage(message: service, pts: servicePts, ptsCount: 1)), date: 1)), toUser: H.botID)
        let captioned: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "look at this photo", hasMedia: true)
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await harness.telegram.messages(from: H.botID).count == 1)
        #expect(replies.first?.replyTo == captioned)
        #expect(harness.openAI.requests.count == 1)
        await bot.stop()
        await harness.stop()
    }

    @Test func floodWaitOnSendMessageIsWaitedOut() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        var plan: FaultPlan = FaultPlan()
        plan.rpcErrors[Api.functions.messages.SendMessage.constructorID] = (420, "FLOOD_WAIT_1", 1)
        await harness.server.setFaults(plan)
        let start: ContinuousClock.Instant = .now
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "hello")
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        #expect(replies.count == 1)
        #expect(ContinuousClock.now - start >= .seconds(1))
        await bot.stop()
        await harness.stop()
    }

    @Test func openAIRateLimitThenSuccessStillAnswers() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        harness.openAI.script([.status(429, retryAfter: 0), .reply("after the wait")])
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "hi")
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        #expect(replies.map(\.text) == ["after the wait"])
        #expect(harness.openAI.requests.count == 2)
        await bot.stop()
        await harness.stop()
    }

    @Test func openAIDownLogsTheErrorStoresNothingAndOthersStillWork() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session, attempts: 2)
        harness.openAI.failAlways(500)
        var events: AsyncStream<BotEvent>.Iterator = await bot.events().makeAsyncIterator()
        let failed: Int32 = await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "anyone there?")
        var failure: BotEvent? = nil
        while let event = await events.next() {
            if case .failed = event {
                failure = event
                break
            }
        }
        #expect(failure.map { if case .failed(H.person(1), failed, _) = $0 { return true } else { return false } } == true)
        let log: String = try String(contentsOf: harness.logDirectory.appendingPathComponent("errors.log"), encoding: .utf8)
        #expect(log.contains("no reply to message \(failed) of user \(H.person(1))"))
        #expect(try session.storage.contextMemory(limit: 10, dumpEvery: 10).storedCount == 0)
        #expect(try session.storage.pendingReplies().isEmpty)
        harness.openAI.failAlways(nil)
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "now?")
        #expect(await harness.waitForReplies(1).map(\.text) == ["echo: now?"])
        await bot.stop()
        await harness.stop()
    }

    @Test func messagesArrivingWhileTheBotIsDownAreAnsweredOnceAfterARestart() async throws {
        let harness: H = try await H.start()
        var session: BotSession = try await harness.login()
        var bot: Userbot = try await harness.startBot(session)
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "before")
        #expect(await harness.waitForReplies(1).count == 1)
        await bot.stop()
        await session.close()
        for i in 1 ... 3 { await harness.telegram.deliver(from: H.person(2), to: H.botID, text: "while down \(i)") }
        session = try await harness.openSession()
        bot = try await harness.startBot(session)
        let replies: [SimulatedMessage] = await harness.waitForReplies(4)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await harness.telegram.messages(from: H.botID).count == 4)
        #expect(replies.filter { $0.to == H.person(2) }.map(\.text) == (1 ... 3).map { "echo: while down \($0)" })
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func aReplyInFlightAtAStopIsAnsweredAfterTheRestart() async throws {
        let harness: H = try await H.start()
        var session: BotSession = try await harness.login()
        let id: Int32 = try await harness.queueOneMessageAndStop(session, text: "are you there?")
        await session.close()
        #expect(await harness.telegram.messages(from: H.botID).isEmpty)
        session = try await harness.openSession()
        #expect(try session.storage.pendingReplies().map(\.messageID) == [id])
        let bot: Userbot = try await harness.startBot(session)
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        #expect(replies.map(\.replyTo) == [id])
        #expect(replies.map(\.text) == ["echo: are you there?"])
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    /// Killed after the model answered, before the reply was sent (or before Telegram's answer
    /// arrived): the kept answer goes out, with the same random_id, and the model is not asked again.
    @Test func anAnswerKeptBeforeACrashIsSentAsItWas() async throws {
        let harness: H = try await H.start()
        var session: BotSession = try await harness.login()
        let id: Int32 = try await harness.queueOneMessageAndStop(session, text: "what did you say?")
        let pending: PendingReply = try #require(try session.storage.pendingReplies().first)
        try session.storage.saveAnswer("the answer from before the crash", for: pending)
        await session.close()
        session = try await harness.openSession()
        #expect(try session.storage.pendingReplies().map(\.answer) == ["the answer from before the crash"])
        let requestsBefore: Int = harness.openAI.requests.count
        let bot: Userbot = try await harness.startBot(session)
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        #expect(replies.map(\.replyTo) == [id])
        #expect(replies.map(\.text) == ["the answer from before the crash"])
        #expect(harness.openAI.requests.count == requestsBefore)
        try await Task.sleep(for: .milliseconds(200))
        let stored: [Exchange] = try session.storage.contextMemory(limit: 10, dumpEvery: 10).exchanges[H.person(1)] ?? []
        #expect(stored.map(\.assistant) == ["the answer from before the crash"])
        #expect(try session.storage.pendingReplies().isEmpty)
        await bot.stop()
        await session.close()
        await harness.stop()
    }

    @Test func aPtsGapIsHealedByGetDifference() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "never pushed", push: .none)
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "pushed")
        let replies: [SimulatedMessage] = await harness.waitForReplies(2)
        #expect(replies.map(\.text) == ["echo: never pushed", "echo: pushed"])
        await bot.stop()
        await harness.stop()
    }

    @Test func aShortMessageFromAnUnknownUserIsAnswered() async throws {
        let harness: H = try await H.start()
        let session: BotSession = try await harness.login()
        let bot: Userbot = try await harness.startBot(session)
        await harness.telegram.deliver(from: H.person(3), to: H.botID, text: "who am I?", push: .short)
        let replies: [SimulatedMessage] = await harness.waitForReplies(1)
        #expect(replies.map(\.to) == [H.person(3)])
        await bot.stop()
        await harness.stop()
    }

    @Test func dumpsEveryTenPairsAndNoSecretInAnyLogOrDump() async throws {
        // The bot logs to a handler that does not redact: what it captures is what the code wrote.
        let captured: CapturingLogHandler.Store = CapturingLogHandler.Store()
        let harness: H = try await H.start(withPassword: true, people: 2, logHandler: captured.handler(label:))
        let session: BotSession = try await harness.login(password: H.password)
        let bot: Userbot = try await harness.startBot(session)
        for i in 1 ... 20 { await harness.telegram.deliver(from: H.person(1 + i % 2), to: H.botID, text: "message \(i)") }
        _ = await harness.waitForReplies(20)
        // Then one failure, so an error is logged too.
        harness.openAI.script([.status(401)])
        await harness.telegram.deliver(from: H.person(1), to: H.botID, text: "message 21")
        for _ in 0 ..< 200 where captured.lines(atLeast: .error).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        await bot.stop()
        #expect(captured.lines(atLeast: .error).contains { $0.contains("OPENAI_API_KEY") })
        let dumps: [String] = try FileManager.default.contentsOfDirectory(atPath: harness.dumpDirectory.path).sorted()
        #expect(dumps.count == 2)
        #expect(dumps.allSatisfy { $0.range(of: #"^context_\d{8}_\d{6}(_\d+)?\.json$"#, options: .regularExpression) != nil })
        let data: Data = try Data(contentsOf: harness.dumpDirectory.appendingPathComponent(dumps.last!))
        let top: [String: [[String: String]]] = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[String: String]]])
        #expect(Set(top.keys) == [String(H.person(1)), String(H.person(2))])
        #expect(top.values.reduce(0) { $0 + $1.count } == 20)
        for pair in top.values.flatMap({ $0 }) {
            #expect(Set(pair.keys).isSubset(of: ["user", "assistant", "datetime", "username", "phone"]))
            #expect(ISO8601DateFormatter().date(from: pair["datetime"] ?? "") != nil)
        }
        let written: String = harness.writtenText()
        #expect(!written.isEmpty)
        let lines: [String] = captured.lines
        #expect(lines.contains { $0.hasPrefix("debug ") } && lines.contains { $0.hasPrefix("info ") })
        for secret in [H.apiHash, H.openAIKey, H.password, harness.telegram.loginCode] {
            #expect(!written.contains(secret), "a secret was written to the dumps")
            for line in lines where line.contains(secret) { Issue.record("a secret was logged: \(line)") }
        }
        await harness.stop()
    }
}

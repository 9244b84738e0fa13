import Foundation
import Logging
import MTProto
import TLSchema

/// The userbot: takes updates from the client through the ``UpdatesEngine``, queues every incoming
/// private text message durably, and answers each with the chat model, as a reply, one at a time
/// per person (different people in parallel), remembering the last exchanges per person.
///
/// Exactly once: a message is queued in the same transaction that moves the stored pts past it,
/// and leaves the queue in the same transaction that stores its exchange; its reply's random_id is
/// fixed when queued, so a resend after a crash is deduplicated by Telegram. Message ids at or
/// below the last one accepted per person are never queued again.
public actor Userbot {
    /// Service notifications (login codes); never answered.
    static let serviceUserIDs: Set<Int64> = [777_000]

    private let client: MTProtoClient
    private let storage: BotStorage
    private let context: ContextStore
    private let model: any ChatModel
    private let settings: BotSettings
    private let logger: Logger
    private let entropy: any EntropySource = SystemEntropy()

    private var engine: UpdatesEngine?
    private var peers: PeerCache = PeerCache()
    private var lastHandled: [Int64: Int32] = [:]
    private var queues: [Int64: [PendingReply]] = [:]
    private var workers: [Int64: Task<Void, Never>] = [:]
    private var updatesTask: Task<Void, Never>?
    private var tickTask: Task<Void, Never>?
    private var lastActivity: ContinuousClock.Instant = .now
    private var isStopping: Bool = false

    /// What the bot did (received, replied, failed), in order.
    public nonisolated let events: AsyncStream<BotEvent>
    private let eventsContinuation: AsyncStream<BotEvent>.Continuation

    /// Only keeps its parts and creates ``events``; nothing connects or runs until ``start()``.
    public init(client: MTProtoClient, storage: BotStorage, context: ContextStore, model: any ChatModel, settings: BotSettings, logger: Logger) {
        self.client = client
        self.storage = storage
        self.context = context
        self.model = model
        self.settings = settings
        self.logger = logger
        (events, eventsContinuation) = AsyncStream<BotEvent>.makeStream(bufferingPolicy: .unbounded)
    }

    // MARK: Start and stop

    /// Connects, checks the login, loads the state (or fetches it on the first run), resumes the
    /// queued replies and catches up with what happened while the bot was down.
    public func start() async throws {
        guard let me = try storage.selfUserID() else { throw BotError.notLoggedIn }
        try await client.connect()
        do {
            _ = try await client.invoke(Api.functions.users.GetUsers(id: [.inputUserSelf]))
        } catch let error as RPCError where error.code == 401 {
            throw BotError.sessionRevoked(error.message)
        }
        await context.writeMissedDump()
        peers = PeerCache(try storage.peers())
        lastHandled = try storage.lastHandled()
        let state: UpdateState
        if let stored = try storage.updateState() {
            state = stored
        } else {
            state = UpdateState(try await client.invoke(Api.functions.updates.GetState()))
            try storage.commit(state: state, newReplies: [])
        }
        engine = UpdatesEngine(state: state, selfID: me)
        let queued: [PendingReply] = try storage.pendingReplies()
        let stream: AsyncStream<Api.Updates> = client.updates
        updatesTask = Task { [weak self] in
            for await updates in stream {
                guard let self else { return }
                await self.received(updates)
            }
        }
        tickTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await self?.tick()
            }
        }
        for reply in queued { enqueue(reply) }
        if engine?.beginDifference() == true { await fetchDifference() }
        logger.info("the bot is running as user \(me)")
    }

    /// Stops taking updates, lets replies in flight finish for the grace period, then cancels the
    /// rest (they stay queued in the session file and are answered after the next start).
    public func stop() async {
        isStopping = true
        updatesTask?.cancel()
        tickTask?.cancel()
        let running: [Task<Void, Never>] = Array(workers.values)
        let grace: Duration = settings.stopGracePeriod
        await withTaskGroup(of: Void.self) { (group: inout TaskGroup<Void>) in
            group.addTask {
                for worker in running { await worker.value }
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                for worker in running { worker.cancel() }
            }
            await group.next()
            group.cancelAll()
        }
        eventsContinuation.finish()
        await client.close()
        logger.info("the bot stopped")
    }

    // MARK: Updates

    private func received(_ updates: Api.Updates) async {
        guard !isStopping, var current = engine else { return }
        let cache: PeerCache = peers
        let actions: [UpdatesAction] = current.handle(updates, now: Date().timeIntervalSince1970) { cache.inputUser($0) != nil }
        engine = current
        await perform(actions)
    }

    private func tick() async {
        guard !isStopping, var current = engine else { return }
        var actions: [UpdatesAction] = current.tick(now: Date().timeIntervalSince1970)
        if ContinuousClock.now - lastActivity > settings.idleDifferenceInterval && current.beginDifference() {
            lastActivity = .now
            actions.append(.fetchDifference)
        }
        engine = current
        if !actions.isEmpty { await perform(actions) }
    }

    /// Carries out the engine's actions: peers first, then the state and new replies in one
    /// transaction, then the replies are started and differences fetched.
    private func perform(_ actions: [UpdatesAction]) async {
        var replies: [PendingReply] = []
        let handledBefore: [Int64: Int32] = lastHandled
        var changed: Bool = false
        var fetch: Bool = false
        var channels: [(Int64, Int32?)] = []
        for action in actions {
            switch action {
            case .learnPeers(let users, let chats):
                let learned: [StoredPeer] = peers.learn(users: users, chats: chats)
                do { try storage.save(peers: learned) } catch { logger.error("could not save peers: \(error)") }
            case .newMessage(let message):
                if let reply = accept(message) { replies.append(reply) }
            case .stateChanged:
                changed = true
            case .fetchDifference:
                fetch = true
            case .fetchChannelDifference(let channel, let pts):
                channels.append((channel, pts))
            }
        }
        if changed { lastActivity = .now }
        if (changed || !replies.isEmpty), let state = engine?.state {
            do {
                try storage.commit(state: state, newReplies: replies)
            } catch {
                // Not queued durably: leave these messages to the difference after the next start
                // rather than answer them now and risk answering them again then.
                logger.error("could not save the update state; \(replies.count) message(s) wait for the next start: \(error)")
                lastHandled = handledBefore
                replies.removeAll()
            }
        }
        for reply in replies {
            eventsContinuation.yield(.received(userID: reply.userID, messageID: reply.messageID, text: reply.text))
            enqueue(reply)
        }
        for (channel, pts) in channels { acceptChannelPts(channel, pts) }
        if fetch { await fetchDifference() }
    }

    /// Only incoming private messages with text (a caption counts) from a person get a reply.
    private func accept(_ message: NewMessage) -> PendingReply? {
        guard case .user(let peer) = message.chat, !message.isOutgoing, !message.isService, let sender = message.senderID,
              sender == peer, sender != engine?.selfID, !Self.serviceUserIDs.contains(sender),
              !message.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              message.id > lastHandled[sender] ?? 0 else { return nil }
        lastHandled[sender] = message.id
        return PendingReply(userID: sender, messageID: message.id, text: message.text, randomID: entropy.randomInt64(), received: Date())
    }

    /// Fetches differences until the state is current.
    private func fetchDifference() async {
        while !isStopping, let request = engine?.differenceRequest() {
            let difference: Api.updates.Difference
            do {
                difference = try await client.invoke(request)
            } catch {
                engine?.differenceFailed()
                logger.warning("getDifference failed (retried on the next gap or tick): \(error)")
                return
            }
            guard !isStopping, var current = engine else { return }
            let (actions, more): ([UpdatesAction], Bool) = current.apply(difference: difference)
            engine = current
            await perform(actions)
            if !more { return }
        }
    }

    /// The bot answers no channel: a channel gap is closed by accepting the server's pts (its
    /// messages are not needed), which keeps the stored channel state consistent.
    private func acceptChannelPts(_ channel: Int64, _ pts: Int32?) {
        guard let pts, let state = engine?.state else { return }
        engine?.setChannelPts(channel, max(pts, state.channels[channel] ?? 0))
        guard let updated = engine?.state else { return }
        do { try storage.commit(state: updated, newReplies: []) } catch { logger.error("could not save the update state: \(error)") }
    }

    // MARK: Replies

    private func enqueue(_ reply: PendingReply) {
        // While stopping, a new reply stays in the session file's queue for the next start.
        guard !isStopping else { return }
        queues[reply.userID, default: []].append(reply)
        guard workers[reply.userID] == nil else { return }
        let user: Int64 = reply.userID
        workers[user] = Task { [weak self] in await self?.work(user) }
    }

    /// One person's replies, in arrival order.
    private func work(_ user: Int64) async {
        while let next = queues[user]?.first {
            if Task.isCancelled { break }
            await process(next)
            queues[user]?.removeFirst()
        }
        queues[user] = nil
        workers[user] = nil
    }

    private func process(_ reply: PendingReply) async {
        let peer: Api.InputPeer? = peers.inputUser(reply.userID)
        let text: String
        if let kept = reply.answer {
            // Answered before a crash (and perhaps sent): the same text again, with the same random_id.
            text = kept
        } else {
            guard let answered = await answer(reply, peer: peer) else { return }
            text = answered
        }
        guard let peer else {
            fail(reply, "user \(reply.userID) cannot be addressed (no access hash known)")
            return
        }
        switch await send(text.isEmpty ? "…" : text, for: reply, to: peer) {
        case .sent: break
        case .stopped: return  // stays queued for the next start
        case .failed(let reason):
            fail(reply, reason)
            return
        }
        let known: StoredPeer? = peers.peer(.user, reply.userID)
        do {
            try await context.addExchange(
                userID: reply.userID, userMessage: reply.text, assistantMessage: text, username: known?.username, phone: known?.phone,
                completing: reply)
        } catch {
            logger.error("the reply to user \(reply.userID) was sent but could not be stored: \(error)")
        }
        eventsContinuation.yield(.replied(userID: reply.userID, messageID: reply.messageID, text: text))
    }

    /// Asks the model (a typing action shows meanwhile) and keeps the answer with the queued
    /// message; nil when there is none (the reply failed, or stays queued because the bot stops).
    private func answer(_ reply: PendingReply, peer: Api.InputPeer?) async -> String? {
        var request: [ChatMessage] = []
        if let prompt = settings.systemPrompt, !prompt.isEmpty { request.append(ChatMessage(role: "system", content: prompt)) }
        request += await context.messagesForOpenAI(userID: reply.userID)
        request.append(ChatMessage(role: "user", content: reply.text))
        let typing: Task<Void, Never>? = peer.map { (target: Api.InputPeer) -> Task<Void, Never> in
            Task { [client] in
                while !Task.isCancelled {
                    _ = try? await client.invoke(Api.functions.messages.SetTyping(peer: target, action: .sendMessageTypingAction))
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
        let answer: String
        do {
            answer = try await model.reply(to: request)
            typing?.cancel()
        } catch {
            typing?.cancel()
            if error is CancellationError || Task.isCancelled { return nil }  // stays queued for the next start
            fail(reply, "no answer from the model: \(error)")
            return nil
        }
        let text: String = Self.prefix(answer, utf16Length: settings.maximumReplyLength)
        do {
            try storage.saveAnswer(text, for: reply)
        } catch {
            // Not fatal: after a crash the model would be asked again (the random_id still prevents a double post).
            logger.error("could not keep the answer to message \(reply.messageID): \(error)")
        }
        return text
    }

    private enum SendOutcome {
        case sent
        case stopped
        case failed(String)
    }

    /// Sends the reply. Errors that may pass (timeouts, lost connections, server errors, long flood
    /// waits) are retried with backoff and the same random_id, so Telegram deduplicates a resend;
    /// errors about the message or the peer (`PEER_ID_INVALID`, `USER_IS_BLOCKED`, …) are final.
    private func send(_ text: String, for reply: PendingReply, to peer: Api.InputPeer) async -> SendOutcome {
        var delay: Duration = .seconds(1)
        while true {
            do {
                let result: Api.Updates = try await client.invoke(Api.functions.messages.SendMessage(
                    peer: peer, replyTo: .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: reply.messageID)),
                    message: text, randomId: reply.randomID))
                await received(result)
                return .sent
            } catch let error as RPCError where error.name == "RANDOM_ID_DUPLICATE" {
                logger.info("the reply to message \(reply.messageID) was already sent before a restart")
                return .sent
            } catch let error as RPCError where (400 ..< 420).contains(error.code) {
                return .failed("could not send the reply: \(error)")
            } catch {
                if error is CancellationError || Task.isCancelled || isStopping { return .stopped }
                if case MTProtoClientError.closed? = error as? MTProtoClientError { return .stopped }
                logger.warning("sending the reply to message \(reply.messageID) failed (\(error)); retrying in \(delay)")
                do { try await Task.sleep(for: delay) } catch { return .stopped }
                delay = min(delay * 2, .seconds(60))
            }
        }
    }

    /// The longest prefix of `text` within `utf16Length` UTF-16 units (Telegram's unit), cut on a
    /// character boundary.
    static func prefix(_ text: String, utf16Length: Int) -> String {
        guard text.utf16.count > utf16Length else { return text }
        var count: Int = 0
        var end: String.Index = text.startIndex
        for index in text.indices {
            let width: Int = text[index].utf16.count
            if count + width > utf16Length { break }
            count += width
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// Logs the failure to errors.log and drops the reply; nothing is stored. The person gets no
    /// answer: an apology from an account that normally answers in its owner's voice would be more
    /// confusing than silence, and the message stays unread-looking for the owner to handle.
    private func fail(_ reply: PendingReply, _ reason: String) {
        logger.error("no reply to message \(reply.messageID) of user \(reply.userID): \(reason)")
        do { try storage.dropReply(reply) } catch { logger.error("could not drop the reply: \(error)") }
        eventsContinuation.yield(.failed(userID: reply.userID, messageID: reply.messageID, reason: reason))
    }
}

import Foundation
import Logging
import MTProto
import TLSchema

/// The userbot: takes updates from the client through the ``UpdatesEngine``, queues every incoming
/// private text message it may answer durably, and answers each with the chat model, as a reply,
/// one at a time per person (different people in parallel, at most ``BotSettings/concurrency``
/// model calls at once), remembering the last exchanges per person.
///
/// Exactly once: a message is queued (or recorded as skipped, with the reason) in the same
/// transaction that moves the stored pts past it, and leaves the queue in the same transaction that
/// stores its exchange; its reply's random_id is fixed when queued, so a resend after a crash is
/// deduplicated by Telegram. Message ids at or below the last one accepted per person are never
/// queued again. Who is answered is ``BotSettings/replyPolicy``'s decision; what it may cost, the
/// limits of ``BotSettings``.
public actor Userbot {
    let client: MTProtoClient
    let storage: BotStorage
    let context: ContextStore
    let model: any ChatModel
    let settings: BotSettings
    let logger: Logger
    let entropy: any EntropySource = SystemEntropy()

    var engine: UpdatesEngine?
    /// The update state as last stored: what the engine goes back to when a commit fails.
    var storedState: UpdateState?
    var peers: PeerCache = PeerCache()
    var lastHandled: [Int64: Int32] = [:]
    var queues: [Int64: [PendingReply]] = [:]
    /// Messages in ``queues`` across people.
    var queuedCount: Int = 0
    var workers: [Int64: Task<Void, Never>] = [:]
    var updatesTask: Task<Void, Never>?
    var tickTask: Task<Void, Never>?
    var differenceTask: Task<Void, Never>?
    /// `differenceTooLong` was answered (this is stored with the state): the dialogs are read before
    /// the next difference round.
    var dialogRecoveryDue: Bool = false
    /// Replies waiting for the difference being fetched (``untilCaughtUp()``).
    var catchUpWaiters: [CheckedContinuation<Void, Never>] = []
    var lastActivity: ContinuousClock.Instant = .now
    var lastPrune: ContinuousClock.Instant = .now
    var isStopping: Bool = false

    /// The highest message id per private chat the owner wrote (from any device) or read: messages
    /// at or below it are not answered. Only kept for people with queued messages.
    var ownerActivity: [Int64: Int32] = [:]
    /// Per person, the bot's own recent replies and the messages they quoted (not the owner writing).
    var botReplies: [Int64: Set<Int32>] = [:]
    var limits: ModelCallLimits = ModelCallLimits(personHourly: 30, daily: 500, now: 0)
    var modelCallsRunning: Int = 0
    var modelCallWaiters: [CheckedContinuation<Void, Never>] = []
    /// Per person, the first message skipped for a limit, its age or a failure that the owner has not
    /// read yet: the bot never marks the chat read past it.
    var unreadSkips: [Int64: Int32] = [:]
    /// Limit warnings already logged, by person and window, so each is logged once.
    var limitWarnings: Set<String> = []
    /// People whose refusal by the reply policy was logged (once per person and run).
    var refusalsLogged: Set<Int64> = []

    var accountLost: BotError?
    var accountLostWaiters: [CheckedContinuation<BotError?, Never>] = []
    var eventsContinuation: AsyncStream<BotEvent>.Continuation?

    /// Only keeps its parts; nothing connects or runs until ``start()``.
    public init(client: MTProtoClient, storage: BotStorage, context: ContextStore, model: any ChatModel, settings: BotSettings, logger: Logger) {
        self.client = client
        self.storage = storage
        self.context = context
        self.model = model
        self.settings = settings
        self.logger = logger
    }

    /// The context memory the bot answers with.
    public nonisolated var memory: ContextStore { context }

    /// What the bot does (received, replied, skipped, failed), in order, from now on. Nothing is
    /// recorded while nobody asked: a bot run without a front end holds no stream. The stream keeps
    /// the newest `bufferingNewest` events a slow reader has not taken (older ones are dropped);
    /// asking again ends the previous stream.
    public func events(bufferingNewest: Int = 1000) -> AsyncStream<BotEvent> {
        eventsContinuation?.finish()
        let (stream, continuation): (AsyncStream<BotEvent>, AsyncStream<BotEvent>.Continuation) =
            AsyncStream<BotEvent>.makeStream(bufferingPolicy: .bufferingNewest(max(1, bufferingNewest)))
        eventsContinuation = continuation
        return stream
    }

    func emit(_ event: BotEvent) {
        eventsContinuation?.yield(event)
    }

    // MARK: Start and stop

    /// Connects, checks the login, loads the state (or fetches it on the first run), resumes the
    /// queued replies and starts catching up with what happened while the bot was down.
    public func start() async throws {
        guard let me = try storage.selfUserID() else { throw BotError.notLoggedIn }
        try await client.connect()
        do {
            _ = try await client.invoke(Api.functions.users.GetUsers(id: [.inputUserSelf]))
        } catch {
            if let lost = BotError.accountLost(error) { throw lost }
            throw error
        }
        await context.writeMissedDump()
        let now: Double = Date().timeIntervalSince1970
        peers = PeerCache(try storage.peers())
        lastHandled = try storage.lastHandled()
        botReplies = try storage.botReplies()
        limits = ModelCallLimits(
            personHourly: settings.personHourlyLimit, daily: settings.dailyLimit, calls: try storage.recentModelCalls(now: now), now: now)
        let state: UpdateState
        if let stored = try storage.updateState() {
            state = stored
        } else {
            state = UpdateState(try await client.invoke(Api.functions.updates.GetState()))
            try storage.commit(state: state, newReplies: [])
        }
        storedState = state
        dialogRecoveryDue = try storage.dialogRecoveryDue()
        var fresh: UpdatesEngine = UpdatesEngine(state: state, selfID: me)
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
        let catchUp: Bool = fresh.beginDifference()
        engine = fresh
        if catchUp { startDifference() }
        logger.info("the bot is running as user \(me)")
    }

    /// Stops taking updates, lets replies in flight finish for the grace period, then cancels the
    /// rest (they stay queued in the session file and are answered after the next start).
    public func stop() async {
        isStopping = true
        updatesTask?.cancel()
        tickTask?.cancel()
        differenceTask?.cancel()
        resumeCatchUpWaiters()
        // Calls waiting for a model slot give up (their messages stay queued).
        modelCallsRunning += modelCallWaiters.count
        for waiter in modelCallWaiters { waiter.resume() }
        modelCallWaiters.removeAll()
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
        await context.dumpsWritten()
        eventsContinuation?.finish()
        for waiter in accountLostWaiters { waiter.resume(returning: accountLost) }
        accountLostWaiters.removeAll()
        await client.close()
        logger.info("the bot stopped")
    }

    /// Returns when Telegram no longer accepts the session (revoked from another device, expired,
    /// the account deactivated): the bot has stopped taking updates and answering, with the
    /// messages waiting for a reply kept for the next login. Returns nil when ``stop()`` ran first.
    public func untilAccountLost() async -> BotError? {
        if let accountLost { return accountLost }
        if isStopping { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<BotError?, Never>) in
            accountLostWaiters.append(continuation)
        }
    }

    /// Whether `error` says the account is gone; if so, the bot stops answering (once) and whoever
    /// waits in ``untilAccountLost()`` is told.
    func checkAccountLost(_ error: any Error) -> Bool {
        guard let lost = BotError.accountLost(error) else { return false }
        guard accountLost == nil else { return true }
        accountLost = lost
        isStopping = true
        logger.error("\(lost)")
        for waiter in accountLostWaiters { waiter.resume(returning: lost) }
        accountLostWaiters.removeAll()
        return true
    }

    // MARK: Updates

    func received(_ updates: Api.Updates) async {
        guard !isStopping, var current = engine else { return }
        let cache: PeerCache = peers
        let actions: [UpdatesAction] = current.handle(updates, now: Date().timeIntervalSince1970) { cache.inputUser($0) != nil }
        engine = current
        await perform(actions)
    }

    private func tick() async {
        guard !isStopping, var current = engine else { return }
        if ContinuousClock.now - lastPrune > .seconds(3600) {
            // Hourly: what only the last hour or day needs is dropped, in RAM and in the session file.
            lastPrune = .now
            let now: Double = Date().timeIntervalSince1970
            limits.prune(now: now)
            let today: String = "day:\(limits.currentDay())"
            limitWarnings = limitWarnings.filter { $0.hasPrefix(today) }
            do { try storage.pruneRecords(now: now) } catch { logger.error("could not prune old records: \(error)") }
        }
        var actions: [UpdatesAction] = current.tick(now: Date().timeIntervalSince1970)
        if ContinuousClock.now - lastActivity > settings.idleDifferenceInterval && current.beginDifference() {
            lastActivity = .now
            actions.append(.fetchDifference)
        }
        engine = current
        if !actions.isEmpty { await perform(actions) }
    }

    /// Carries out the engine's actions: peers first, then the owner's activity (outgoing messages,
    /// read receipts), then the state and the accepted and skipped messages in one transaction; then
    /// the replies are started and differences fetched. Returns false when the commit failed (the
    /// engine is back at the stored state, so nothing is skipped once writes succeed again).
    @discardableResult
    func perform(_ actions: [UpdatesAction]) async -> Bool {
        var incoming: [NewMessage] = []
        var changed: Bool = false
        var fetch: Bool = false
        var recover: Bool = false
        var channels: [(Int64, Int32?)] = []
        for action in actions {
            switch action {
            case .learnPeers(let users, let chats):
                let learned: [StoredPeer] = peers.learn(users: users, chats: chats)
                do { try storage.save(peers: learned) } catch { logger.error("could not save peers: \(error)") }
            case .newMessage(let message):
                if message.isOutgoing { noteOwnerWrote(message) } else { incoming.append(message) }
            case .readInbox(let chat, let maxID):
                if case .user(let peer) = chat { noteOwnerActivity(peer, maxID) }
            case .stateChanged:
                changed = true
            case .fetchDifference:
                fetch = true
            case .recoverFromDialogs:
                recover = true
            case .fetchChannelDifference(let channel, let pts):
                channels.append((channel, pts))
            }
        }
        if changed { lastActivity = .now }
        let handledBefore: [Int64: Int32] = lastHandled
        var (replies, skipped): ([PendingReply], [SkippedMessage]) = accept(incoming)
        if changed || !replies.isEmpty || !skipped.isEmpty, let state = engine?.state {
            do {
                // The jump past a gap is stored together with the recovery that makes up for it.
                try storage.commit(state: state, newReplies: replies, skipped: skipped, recoveryDue: recover ? true : nil)
                storedState = state
                if recover { dialogRecoveryDue = true }
            } catch {
                // Not stored: the engine goes back to what is, and the messages come again with the
                // next difference (a later update shows the gap).
                logger.error("could not save the update state; \(replies.count + skipped.count) message(s) wait for the next difference: \(error)")
                lastHandled = handledBefore
                if let storedState { engine?.restore(storedState, retryAt: Date().timeIntervalSince1970 + settings.commitRetryDelay.inSeconds) }
                replies.removeAll()
                skipped.removeAll()
                return false
            }
        }
        for message in skipped { emit(.skipped(userID: message.userID, messageID: message.messageID, reason: message.reason)) }
        for reply in replies {
            emit(.received(userID: reply.userID, messageID: reply.messageID, text: reply.text))
            enqueue(reply)
        }
        for (channel, pts) in channels { acceptChannelPts(channel, pts) }
        if fetch { startDifference() }
        return true
    }

    /// Decides for each incoming message: queued for a reply, skipped with a reason, or not for the
    /// bot at all (groups, channels, service messages, no text, already handled).
    private func accept(_ messages: [NewMessage]) -> ([PendingReply], [SkippedMessage]) {
        var replies: [PendingReply] = []
        var skipped: [SkippedMessage] = []
        var stale: Int = 0
        var answeredByOwner: Int = 0
        let now: Date = Date()
        let oldest: Double = now.timeIntervalSince1970 - settings.maximumAge.inSeconds
        for message in messages {
            guard case .user(let peer) = message.chat, !message.isService, let sender = message.senderID, sender == peer,
                  !message.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                  message.id > lastHandled[sender] ?? 0, let me = engine?.selfID else { continue }
            lastHandled[sender] = message.id
            func skip(_ reason: String) { skipped.append(SkippedMessage(userID: sender, messageID: message.id, reason: reason)) }
            if let refusal = settings.replyPolicy.refusal(userID: sender, peer: peers.peer(.user, sender), selfID: me) {
                logRefusal(sender, refusal)
                skip(refusal.description)
            } else if Double(message.date) < oldest {
                stale += 1
                noteUnreadSkip(sender, message.id)
                skip(Self.tooOld)
            } else if ownerActivity[sender] ?? 0 >= message.id {
                answeredByOwner += 1
                skip(Self.handledByOwner)
            } else if let limit = queueLimit(
                for: sender, accepted: replies.count { $0.userID == sender }, acceptedOverall: replies.count, now: now.timeIntervalSince1970) {
                warnLimit(sender, limit, now: now.timeIntervalSince1970)
                noteUnreadSkip(sender, message.id)
                skip(limit.description)
            } else {
                replies.append(PendingReply(userID: sender, messageID: message.id, text: message.text, randomID: entropy.randomInt64(), received: now))
            }
        }
        if stale > 0 { logger.info("not answering \(stale) message(s) older than USERBOT_MAX_AGE (\(settings.maximumAge))") }
        if answeredByOwner > 0 { logger.info("not answering \(answeredByOwner) message(s) the owner answered or read first") }
        let busy: Set<Int64> = Set(queues.keys).union(replies.map(\.userID))
        ownerActivity = ownerActivity.filter { busy.contains($0.key) }
        return (replies, skipped)
    }

    /// The durable queue is bounded: a message beyond what the hourly limit still allows the person
    /// (calls made in the last hour plus their queued messages, `accepted` of them in this batch), or
    /// beyond what the daily limit still allows anyone (calls today plus all queued messages), is
    /// skipped rather than kept. So the queue never holds more than a day's worth of model calls.
    private func queueLimit(for user: Int64, accepted: Int, acceptedOverall: Int, now: Double) -> ModelCallLimits.Limit? {
        if settings.dailyLimit > 0, limits.callsToday(now: now) + queuedCount + acceptedOverall >= settings.dailyLimit {
            return .daily(settings.dailyLimit)
        }
        let queued: Int = (queues[user]?.count ?? 0) + accepted
        guard limits.callsInLastHour(of: user, now: now) + queued >= settings.personHourlyLimit else { return nil }
        return .personHourly(settings.personHourlyLimit)
    }

    /// An outgoing message in a private chat: the owner wrote there (from the phone, say), unless it
    /// is one of the bot's own replies: one it sent, one quoting a message it answered (its own id
    /// is unknown when it was sent before a crash), or one quoting a queued message whose answer was
    /// kept (sent before a crash; Telegram may have trimmed its text). An owner's reply on the phone
    /// that quotes such a message is taken for the bot's too.
    private func noteOwnerWrote(_ message: NewMessage) {
        guard case .user(let peer) = message.chat else { return }
        let own: Set<Int32> = botReplies[peer] ?? []
        if own.contains(message.id) || message.replyToID.map({ own.contains($0) }) == true { return }
        if let quoted = message.replyToID, queues[peer]?.contains(where: { $0.messageID == quoted && $0.answer != nil }) == true { return }
        noteOwnerActivity(peer, message.id)
    }

    private func noteOwnerActivity(_ peer: Int64, _ id: Int32) {
        ownerActivity[peer] = max(ownerActivity[peer] ?? 0, id)
        // The owner read (or answered) past the skipped message: it needs no keeping unread.
        if let skipped = unreadSkips[peer], skipped <= id { unreadSkips[peer] = nil }
    }

    func noteUnreadSkip(_ user: Int64, _ id: Int32) {
        if unreadSkips.count > 100_000 { unreadSkips.removeAll() }
        unreadSkips[user] = min(unreadSkips[user] ?? Int32.max, id)
    }

    private func logRefusal(_ user: Int64, _ refusal: ReplyPolicy.Refusal) {
        if refusalsLogged.count > 10_000 { refusalsLogged.removeAll() }
        guard refusalsLogged.insert(user).inserted else { return }
        logger.info("not answering user \(user): \(refusal)")
    }

    /// Logs a limit once per person and window (the rolling hour, or the UTC day) at warning level;
    /// the daily limit also gets one line in errors.log the first time it is reached each day.
    func warnLimit(_ user: Int64, _ limit: ModelCallLimits.Limit, now: Double) {
        if limitWarnings.count > 100_000 { limitWarnings.removeAll() }
        switch limit {
        case .personHourly:
            // The window ends when the oldest call in it is an hour old; with no call yet (the queue
            // is what is full), the current hour.
            let window: Int64 = limits.hourlyWindowEnd(of: user).map { Int64($0) } ?? Int64(now / 3600) * 3600 + 3600
            guard limitWarnings.insert("hour:\(user):\(window)").inserted else { return }
            logger.warning("not answering user \(user) until the hour is over: \(limit)")
        case .daily:
            let day: Int64 = limits.currentDay()
            if limitWarnings.insert("day:\(day)").inserted { logger.error("\(limit): no more model calls until 00:00 UTC") }
            guard limitWarnings.insert("day:\(day):\(user)").inserted else { return }
            logger.warning("not answering user \(user) today: \(limit)")
        }
    }

    /// The bot answers no channel: a channel gap is closed by accepting the server's pts (its
    /// messages are not needed), which keeps the stored channel state consistent.
    private func acceptChannelPts(_ channel: Int64, _ pts: Int32?) {
        guard let pts, let state = engine?.state else { return }
        engine?.setChannelPts(channel, max(pts, state.channels[channel] ?? 0))
        guard let updated = engine?.state else { return }
        do {
            try storage.commit(state: updated, newReplies: [])
            storedState = updated
        } catch {
            logger.error("could not save the update state: \(error)")
        }
    }
}

import Foundation
import Logging
import MTProto
import Telegram
import TLSchema

/// The userbot: runs a ``Telegram/TelegramClient`` on the session, queues every incoming private
/// text message it may answer durably, and answers each with the chat model, as a reply, one at a
/// time per person (different people in parallel, at most ``BotSettings/concurrency`` model calls
/// at once), remembering the last exchanges per person.
///
/// Exactly once: the client's updates engine follows the boxes and fetches the gaps; a message is
/// written into the queue in the same transaction that moves the stored pts past it (the store's
/// commit hook, ``ReplyQueueHook``), then accepted or recorded as skipped with the reason, and
/// leaves the queue in the same transaction that stores its exchange; its reply's random_id is
/// fixed when queued, so a resend after a crash is deduplicated by Telegram. Message ids at or
/// below the last one handled per person are never queued again. Who is answered is
/// ``BotSettings/replyPolicy``'s decision; what it may cost, the limits of ``BotSettings``.
public actor Userbot {
    let client: TelegramClient
    let storage: BotStorage
    let context: ContextStore
    let model: any ChatModel
    let settings: BotSettings
    let logger: Logger
    let entropy: any EntropySource = SystemEntropy()

    var selfID: Int64 = 0
    var queues: [Int64: [PendingReply]] = [:]
    /// Messages in ``queues`` across people.
    var queuedCount: Int = 0
    /// Per person, the queued messages whose model call is made (counted by the limits already).
    var calledInQueue: [Int64: Int] = [:]
    var workers: [Int64: Task<Void, Never>] = [:]
    var updatesTask: Task<Void, Never>?
    var tickTask: Task<Void, Never>?
    var recoveryTask: Task<Void, Never>?
    /// A recovery from the dialogs is due (after `differenceTooLong`, stored with the jump).
    var dialogRecoveryDue: Bool = false
    /// A jump came while the recovery ran: it runs once more before it is done.
    var recoveryAgain: Bool = false
    /// Undecided queue rows are being decided; `decideAgain`: more came meanwhile.
    var deciding: Bool = false
    var decideAgain: Bool = false
    /// A decision could not be stored: the tick tries again.
    var decisionsFailed: Bool = false
    /// ``start()`` has not resumed the stored queue yet: decisions wait for it.
    var resuming: Bool = false
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

    /// Only keeps its parts; nothing connects or runs until ``start()``. The bot runs its own
    /// ``Telegram/TelegramClient`` on `client` and the client store of `storage` (the same session file).
    public init(client: MTProtoClient, storage: BotStorage, context: ContextStore, model: any ChatModel, settings: BotSettings, logger: Logger) {
        let first: Double = min(1, settings.maximumDifferenceRetryDelay.inSeconds)
        let limits: MessageBoxLimits = MessageBoxLimits(
            idleTimeout: settings.idleDifferenceInterval.inSeconds, retryDelay: min(first, settings.commitRetryDelay.inSeconds),
            maximumRetryDelay: settings.maximumDifferenceRetryDelay.inSeconds)
        self.client = TelegramClient(
            mtproto: client, store: LoggingClientStore(storage.clientStore, logger: logger),
            updates: UpdatesOptions(startsWithClient: false, limits: limits))
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

    /// Connects, checks the login, resumes the queued replies and starts the client's updates
    /// engine, which catches up with what happened while the bot was down (and a recovery from the
    /// dialogs that was due runs again).
    public func start() async throws {
        guard let me = try storage.selfUserID() else { throw BotError.notLoggedIn }
        do {
            try await client.start()
        } catch {
            if let lost = BotError.accountLost(error) { throw lost }
            throw error
        }
        selfID = me
        await context.writeMissedDump()
        let now: Double = Date().timeIntervalSince1970
        botReplies = try storage.botReplies()
        limits = ModelCallLimits(
            personHourly: settings.personHourlyLimit, daily: settings.dailyLimit, calls: try storage.recentModelCalls(now: now), now: now)
        dialogRecoveryDue = try storage.dialogRecoveryDue()
        storage.clientStore.setCommitHook(ReplyQueueHook.make(entropy: entropy))
        let stream: UpdateStream = client.updates()
        updatesTask = Task { [weak self] in
            for await batch in stream {
                guard let self else { return }
                await self.received(batch)
            }
        }
        tickTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await self?.tick()
            }
        }
        // The replies queued before are resumed first, once the engine is catching up (so they
        // wait for what it fetches); what arrives meanwhile is decided on after them.
        let queued: [PendingReply] = try storage.pendingReplies()
        resuming = true
        do {
            try await client.startUpdates()
        } catch {
            resuming = false
            if let lost = BotError.accountLost(error) { throw lost }
            throw error
        }
        resuming = false
        for reply in queued { enqueue(reply) }
        // With the rows the hook wrote just before a crash, not decided on yet.
        await decideUndecided()
        if dialogRecoveryDue { startRecovery() }
        logger.info("the bot is running as user \(me)")
    }

    /// Stops taking updates, lets replies in flight finish for the grace period, then cancels the
    /// rest (they stay queued in the session file and are answered after the next start).
    public func stop() async {
        isStopping = true
        storage.clientStore.setCommitHook(nil)
        updatesTask?.cancel()
        tickTask?.cancel()
        recoveryTask?.cancel()
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
        await client.stop()
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

    /// One batch the client's engine committed (its incoming private messages are in the queue
    /// already, undecided): the owner's activity it shows (messages written from another device,
    /// read receipts) is noted first, then the new rows are decided on.
    func received(_ batch: UpdateBatch) async {
        guard !isStopping else { return }
        for update in batch.updates {
            switch update {
            case .updateNewMessage(let u):
                if let message = NewMessage(u.message), message.isOutgoing { noteOwnerWrote(message) }
            case .updateReadHistoryInbox(let u):
                if case .peerUser(let peer) = u.peer { noteOwnerActivity(peer.userId, u.maxId) }
            default:
                continue
            }
        }
        if batch.notices.contains(where: { if case .differenceTooLong = $0 { return true } else { return false } }) {
            // Stored by the hook with the jump; the rows arriving until it is done are held.
            logger.warning("updates.differenceTooLong: reading the missed messages from the dialogs")
            dialogRecoveryDue = true
            startRecovery()
        }
        await decideUndecided()
    }

    private func tick() async {
        guard !isStopping else { return }
        if ContinuousClock.now - lastPrune > .seconds(3600) {
            // Hourly: what only the last hour or day needs is dropped, in RAM and in the session file.
            lastPrune = .now
            let now: Double = Date().timeIntervalSince1970
            limits.prune(now: now)
            let today: String = "day:\(limits.currentDay())"
            limitWarnings = limitWarnings.filter { $0.hasPrefix(today) }
            do { try storage.pruneRecords(now: now) } catch { logger.error("could not prune old records: \(error)") }
        }
        if decisionsFailed { await decideUndecided() }
    }

    /// Decides on every undecided row of the queue, oldest first: accepted ones are queued in
    /// memory and answered, the others recorded as skipped (one transaction). One pass at a time;
    /// a call while one runs makes it go once more. When the decisions cannot be stored the rows
    /// stay undecided and the tick tries again.
    func decideUndecided() async {
        if deciding || resuming {
            decideAgain = true
            return
        }
        deciding = true
        defer { deciding = false }
        repeat {
            decideAgain = false
            guard !isStopping else { return }
            let rows: [(reply: PendingReply, date: Int32)]
            do {
                rows = try storage.undecided()
            } catch {
                logger.error("could not read the queue: \(error)")
                decisionsFailed = true
                return
            }
            guard !rows.isEmpty else { continue }
            var known: [Int64: Peer] = [:]
            for user in Set(rows.map(\.reply.userID)) { known[user] = try? await client.peers.peer(.user(user)) }
            if isStopping { return }
            let (replies, skipped): ([PendingReply], [SkippedMessage]) = accept(rows, peers: known)
            do {
                try storage.decide(accepted: replies, skipped: skipped)
                decisionsFailed = false
            } catch {
                logger.error("could not save the update state; \(rows.count) message(s) wait in the queue: \(error)")
                decisionsFailed = true
                return
            }
            for message in skipped { emit(.skipped(userID: message.userID, messageID: message.messageID, reason: message.reason)) }
            for reply in replies {
                emit(.received(userID: reply.userID, messageID: reply.messageID, text: reply.text))
                enqueue(reply)
            }
        } while decideAgain
    }

    /// Decides for each undecided row (an incoming private text message, not handled before):
    /// accepted for a reply, or skipped with a reason (the reply policy, its age, the owner wrote
    /// or read first, a limit).
    private func accept(_ rows: [(reply: PendingReply, date: Int32)], peers known: [Int64: Peer]) -> ([PendingReply], [SkippedMessage]) {
        var replies: [PendingReply] = []
        var skipped: [SkippedMessage] = []
        var stale: Int = 0
        var answeredByOwner: Int = 0
        let now: Date = Date()
        let oldest: Double = now.timeIntervalSince1970 - settings.maximumAge.inSeconds
        for (reply, date) in rows {
            let sender: Int64 = reply.userID
            func skip(_ reason: String) { skipped.append(SkippedMessage(userID: sender, messageID: reply.messageID, reason: reason)) }
            if let refusal = settings.replyPolicy.refusal(userID: sender, peer: known[sender], selfID: selfID) {
                logRefusal(sender, refusal)
                skip(refusal.description)
            } else if Double(date) < oldest {
                stale += 1
                noteUnreadSkip(sender, reply.messageID)
                skip(Self.tooOld)
            } else if ownerActivity[sender] ?? 0 >= reply.messageID {
                answeredByOwner += 1
                skip(Self.handledByOwner)
            } else if let limit = queueLimit(
                for: sender, accepted: replies.count { $0.userID == sender }, acceptedOverall: replies.count, now: now.timeIntervalSince1970) {
                warnLimit(sender, limit, now: now.timeIntervalSince1970)
                noteUnreadSkip(sender, reply.messageID)
                skip(limit.description)
            } else {
                replies.append(reply)
            }
        }
        if stale > 0 { logger.info("not answering \(stale) message(s) older than USERBOT_MAX_AGE (\(settings.maximumAge))") }
        if answeredByOwner > 0 { logger.info("not answering \(answeredByOwner) message(s) the owner answered or read first") }
        let busy: Set<Int64> = Set(queues.keys).union(replies.map(\.userID))
        ownerActivity = ownerActivity.filter { busy.contains($0.key) }
        return (replies, skipped)
    }

    /// The durable queue is bounded: a message beyond what the hourly limit still allows the person
    /// (calls made in the last hour plus their queued messages not called yet, `accepted` of them in
    /// this pass), or beyond what the daily limit still allows anyone (calls today plus all queued
    /// messages not called yet), is
    /// skipped rather than kept. So the queue never holds more than a day's worth of model calls.
    private func queueLimit(for user: Int64, accepted: Int, acceptedOverall: Int, now: Double) -> ModelCallLimits.Limit? {
        // A queued message whose call is made counts once, as the call.
        let waiting: Int = queuedCount - calledInQueue.values.reduce(0, +)
        if settings.dailyLimit > 0, limits.callsToday(now: now) + waiting + acceptedOverall >= settings.dailyLimit {
            return .daily(settings.dailyLimit)
        }
        let queued: Int = (queues[user]?.count ?? 0) - (calledInQueue[user] ?? 0) + accepted
        guard limits.callsInLastHour(of: user, now: now) + queued >= settings.personHourlyLimit else { return nil }
        return .personHourly(settings.personHourlyLimit)
    }

    /// An outgoing message in a private chat: the owner wrote there (from the phone, say), unless it
    /// is one of the bot's own replies: one it sent, one quoting a message it answered (its own id
    /// is unknown when it was sent before a crash), or one quoting a queued message whose answer was
    /// kept (sent before a crash; Telegram may have trimmed its text). An owner's reply on the phone
    /// that quotes such a message is taken for the bot's too.
    func noteOwnerWrote(_ message: NewMessage) {
        guard case .user(let peer) = message.chat else { return }
        let own: Set<Int32> = botReplies[peer] ?? []
        if own.contains(message.id) || message.replyToID.map({ own.contains($0) }) == true { return }
        if let quoted = message.replyToID, queues[peer]?.contains(where: { $0.messageID == quoted && $0.answer != nil }) == true { return }
        noteOwnerActivity(peer, message.id)
    }

    func noteOwnerActivity(_ peer: Int64, _ id: Int32) {
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
}

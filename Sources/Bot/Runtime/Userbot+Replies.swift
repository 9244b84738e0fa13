import Foundation
import Logging
import MTProto
import Telegram
import TLSchema

extension Userbot {
    func enqueue(_ reply: PendingReply) {
        // While stopping, a new reply stays in the session file's queue for the next start.
        guard !isStopping else { return }
        queues[reply.userID, default: []].append(reply)
        queuedCount += 1
        guard workers[reply.userID] == nil else { return }
        let user: Int64 = reply.userID
        workers[user] = Task { [weak self] in await self?.work(user) }
    }

    /// One person's replies, in arrival order: one message at a time, or (``BurstMode/together``)
    /// everything queued so far at once.
    private func work(_ user: Int64) async {
        while let batch = nextBatch(user) {
            if Task.isCancelled || isStopping { break }
            let finished: Bool = await process(batch)
            calledInQueue[user] = nil
            guard finished else { break }  // stays queued for the next start
            let done: Int = min(batch.count, queues[user]?.count ?? 0)
            queues[user]?.removeFirst(done)
            queuedCount -= done
        }
        if let left = queues[user], !left.isEmpty {
            // Stopped with messages left: they stay in the session file, not in RAM.
            queuedCount -= left.count
        }
        queues[user] = nil
        calledInQueue[user] = nil
        workers[user] = nil
    }

    /// The messages the next reply answers. A batch never reaches past a message whose answer was
    /// kept before a crash: that answer is sent for the messages up to it, as it was made for them.
    private func nextBatch(_ user: Int64) -> [PendingReply]? {
        guard let queue = queues[user], let first = queue.first else { return nil }
        guard settings.bursts == .together else { return [first] }
        if let kept = queue.firstIndex(where: { $0.answer != nil }) { return Array(queue[...kept]) }
        return queue
    }

    /// Answers one batch (its last message is quoted). Returns false when the bot is stopping and
    /// the batch stays queued; true when it was answered or skipped (with the reason stored).
    private func process(_ batch: [PendingReply]) async -> Bool {
        guard let last = batch.last else { return false }
        let user: Int64 = last.userID
        let known: Peer? = try? await client.peers.peer(.user(user))
        if let refusal = settings.replyPolicy.refusal(userID: user, peer: known, selfID: selfID) {
            skip(batch, refusal.description, level: .info)
            return true
        }
        // The model is only asked once the reply can be sent.
        guard let peer = try? await client.peers.inputPeer(.user(user)) else {
            skip(batch, "user \(user) cannot be addressed (no access hash known)", level: .error, failed: true)
            return true
        }
        var open: [PendingReply] = batch
        let text: String
        // Decided on everything fetched. Also for a kept answer: the difference may hold the reply
        // sent before a crash, which is only told from the owner writing while its message is queued.
        await untilCaughtUp()
        if isStopping { return false }
        let oldest: Date = Date(timeIntervalSinceNow: -settings.maximumAge.inSeconds)
        if let kept = last.answer {
            // Answered before a crash (and perhaps sent): the same text again, with the same random_id,
            // unless it went stale meanwhile.
            guard last.received >= oldest else {
                skip(batch, Self.tooOld, level: .info, keepUnread: true)
                return true
            }
            text = kept
        } else {
            let activity: Int32 = ownerActivity[user] ?? 0
            let answered: [PendingReply] = batch.filter { $0.messageID <= activity }
            if !answered.isEmpty { skip(answered, Self.handledByOwner, level: .info) }
            open = batch.filter { $0.messageID > activity }
            let stale: [PendingReply] = open.filter { $0.received < oldest }
            if !stale.isEmpty { skip(stale, Self.tooOld, level: .info, keepUnread: true) }
            open = open.filter { $0.received >= oldest }
            guard !open.isEmpty else { return true }
            switch await answer(open, peer: peer) {
            case .answered(let answer): text = answer
            case .skipped: return true
            case .stopped: return false
            }
        }
        guard let quoted = open.last else { return true }
        let sentID: Int32?
        switch await send(text, for: quoted, to: peer) {
        case .sent(let id): sentID = id
        case .stopped: return false
        case .failed(let reason):
            await cancelTyping(peer)
            skip(open, reason, level: .error, failed: true)
            return true
        }
        let own: [Int32] = [quoted.messageID] + (sentID.map { [$0] } ?? [])
        rememberBotReply(user, own)
        let asked: String = open.map(\.text).joined(separator: "\n")
        do {
            try await context.addExchange(
                userID: user, userMessage: asked, assistantMessage: text, username: known?.username, phone: known?.phone, completing: open,
                ownMessages: own)
        } catch {
            logger.error("the reply to user \(user) was sent but could not be stored: \(error)")
        }
        emit(.replied(userID: user, messageID: quoted.messageID, text: text))
        await markRead(quoted, peer: peer)
        return true
    }

    private enum Answer {
        case answered(String)
        case skipped
        case stopped
    }

    /// Asks the model within the limits (a typing action shows meanwhile) and keeps the answer with
    /// the queued message it will quote.
    private func answer(_ batch: [PendingReply], peer: Api.InputPeer) async -> Answer {
        guard let last = batch.last else { return .skipped }
        let user: Int64 = last.userID
        if let limit = limits.refusal(for: user, now: Date().timeIntervalSince1970) {
            warnLimit(user, limit, now: Date().timeIntervalSince1970)
            skip(batch, limit.description, level: nil, keepUnread: true)
            return .skipped
        }
        await acquireModelSlot()
        defer { releaseModelSlot() }
        // The wait for a slot can be long: what happened meanwhile counts (the owner may have
        // answered, a limit may have been reached).
        await untilCaughtUp()
        if isStopping || Task.isCancelled { return .stopped }
        if last.messageID <= ownerActivity[user] ?? 0 {
            skip(batch, Self.handledByOwner, level: .info)
            return .skipped
        }
        let now: Double = Date().timeIntervalSince1970
        if let limit = limits.refusal(for: user, now: now) {
            warnLimit(user, limit, now: now)
            skip(batch, limit.description, level: nil, keepUnread: true)
            return .skipped
        }
        limits.record(user, now: now)
        calledInQueue[user] = batch.count
        do { try storage.recordModelCall(userID: user, at: now) } catch { logger.error("could not record a model call: \(error)") }
        let history: [ChatMessage]
        do {
            history = try await context.messagesForOpenAI(userID: user)
        } catch {
            logger.error("could not read the memory of user \(user); answering without it: \(error)")
            history = []
        }
        let request: [ChatMessage] = PromptBudget(maximumCharacters: settings.maximumPromptCharacters).request(
            system: settings.systemPrompt, history: history, text: batch.map(\.text).joined(separator: "\n"))
        let typing: Task<Void, Never> = Task { [client] in
            while !Task.isCancelled {
                // Never worth a flood wait: a typing action that is refused is simply not shown.
                _ = try? await client.mtproto.invoke(Api.functions.messages.SetTyping(peer: peer, action: .sendMessageTypingAction), floodWait: .never)
                try? await Task.sleep(for: .seconds(5))
            }
        }
        let reply: String
        do {
            reply = try await model.reply(to: request)
            typing.cancel()
        } catch {
            typing.cancel()
            await cancelTyping(peer)
            if error is CancellationError || Task.isCancelled || isStopping { return .stopped }  // stays queued for the next start
            skip(batch, "no answer from the model: \(error)", level: .error, failed: true, keepUnread: true)
            return .skipped
        }
        let text: String = Self.prefix(reply, utf16Length: settings.maximumReplyLength)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            await cancelTyping(peer)
            skip(batch, "the model's answer was empty", level: .error, failed: true, keepUnread: true)
            return .skipped
        }
        do {
            try storage.saveAnswer(text, for: last)
        } catch {
            // Not fatal: after a crash the model would be asked again (the random_id still prevents a double post).
            logger.error("could not keep the answer to message \(last.messageID): \(error)")
        }
        if let index = queues[user]?.firstIndex(where: { $0.messageID == last.messageID }) { queues[user]?[index].answer = text }
        return .answered(text)
    }

    private func cancelTyping(_ peer: Api.InputPeer) async {
        _ = try? await client.mtproto.invoke(Api.functions.messages.SetTyping(peer: peer, action: .sendMessageCancelAction), floodWait: .never)
    }

    private func acquireModelSlot() async {
        if modelCallsRunning < max(1, settings.concurrency) {
            modelCallsRunning += 1
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in modelCallWaiters.append(continuation) }
    }

    /// Hands the slot to the next waiting call, if any.
    private func releaseModelSlot() {
        if modelCallWaiters.isEmpty {
            modelCallsRunning -= 1
        } else {
            modelCallWaiters.removeFirst().resume()
        }
    }

    private enum SendOutcome {
        case sent(Int32?)
        case stopped
        case failed(String)
    }

    /// Sends the reply. Errors that may pass (timeouts, lost connections, server errors, long flood
    /// waits) are retried with backoff and the same random_id, so Telegram deduplicates a resend;
    /// errors about the message or the peer (`PEER_ID_INVALID`, `USER_IS_BLOCKED`, …) are final; an
    /// error saying the account is gone stops the bot with the reply kept in the queue.
    private func send(_ text: String, for reply: PendingReply, to peer: Api.InputPeer) async -> SendOutcome {
        var delay: Duration = .seconds(1)
        while true {
            do {
                let result: Api.Updates = try await client.invoke(Api.functions.messages.SendMessage(
                    peer: peer, replyTo: .inputReplyToMessage(Api.InputReplyTo.InputReplyToMessage(replyToMsgId: reply.messageID)),
                    message: text, randomId: reply.randomID))
                return .sent(Self.sentMessageID(result, randomID: reply.randomID))
            } catch let error as RPCError where error.name == "RANDOM_ID_DUPLICATE" {
                logger.info("the reply to message \(reply.messageID) was already sent before a restart")
                return .sent(nil)
            } catch {
                if checkAccountLost(error) { return .stopped }
                if let rpc = error as? RPCError, (400 ..< 420).contains(rpc.code) { return .failed("could not send the reply: \(rpc)") }
                if error is CancellationError || Task.isCancelled || isStopping { return .stopped }
                if case MTProtoClientError.closed? = error as? MTProtoClientError { return .stopped }
                if case TelegramError.notStarted? = error as? TelegramError { return .stopped }
                logger.warning("sending the reply to message \(reply.messageID) failed (\(error)); retrying in \(delay)")
                do { try await Task.sleep(for: delay) } catch { return .stopped }
                delay = min(delay * 2, .seconds(60))
            }
        }
    }

    /// The id of the message `sendMessage` created: from `updateShortSentMessage`, or the
    /// `updateMessageID` that carries our random_id.
    static func sentMessageID(_ result: Api.Updates, randomID: Int64) -> Int32? {
        switch result {
        case .updateShortSentMessage(let m): return m.id
        case .updates(let u): return messageID(in: u.updates, randomID: randomID)
        case .updatesCombined(let u): return messageID(in: u.updates, randomID: randomID)
        case .updateShort(let u): return messageID(in: [u.update], randomID: randomID)
        default: return nil
        }
    }

    private static func messageID(in updates: [Api.Update], randomID: Int64) -> Int32? {
        for case .updateMessageID(let u) in updates where u.randomId == randomID { return u.id }
        return nil
    }

    private func rememberBotReply(_ user: Int64, _ own: [Int32]) {
        var ids: Set<Int32> = botReplies[user] ?? []
        ids.formUnion(own)
        if ids.count > 80 { ids = Set(ids.sorted().suffix(40)) }
        botReplies[user] = ids
    }

    /// Good manners: the person's message is marked read once it is answered (the client's engine
    /// takes the pts it moves; a failure is only logged), but never past a message of theirs the bot
    /// skipped for a limit, its age or a failure: that one stays unread for the owner.
    private func markRead(_ reply: PendingReply, peer: Api.InputPeer) async {
        let upTo: Int32 = min(reply.messageID, (unreadSkips[reply.userID] ?? Int32.max) - 1)
        guard upTo > 0 else { return }
        do {
            _ = try await client.invoke(Api.functions.messages.ReadHistory(peer: peer, maxId: upTo))
        } catch {
            if !checkAccountLost(error) { logger.warning("could not mark message \(reply.messageID) of user \(reply.userID) read: \(error)") }
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

    static let handledByOwner: String = "the owner wrote in the chat or read it first"
    static let tooOld: String = "older than USERBOT_MAX_AGE"

    /// Takes messages that get no reply out of the queue, stores the reason with them, and logs it
    /// at `level` (nil: the caller logged it already, once per window). The person gets no answer: an
    /// apology from an account that normally answers in its owner's voice would be more confusing
    /// than silence; with `keepUnread` the message also stays unread for the owner to handle (a later
    /// reply to the same person marks read only the messages before it).
    func skip(_ batch: [PendingReply], _ reason: String, level: Logger.Level?, failed: Bool = false, keepUnread: Bool = false) {
        guard let last = batch.last else { return }
        if keepUnread, let first = batch.first { noteUnreadSkip(last.userID, first.messageID) }
        if let level {
            let ids: String = batch.map { String($0.messageID) }.joined(separator: ", ")
            logger.log(level: level, "no reply to message \(ids) of user \(last.userID): \(reason)")
        }
        do { try storage.skip(batch, reason: reason) } catch { logger.error("could not record the skipped message(s): \(error)") }
        for reply in batch {
            emit(failed ? .failed(userID: reply.userID, messageID: reply.messageID, reason: reason)
                : .skipped(userID: reply.userID, messageID: reply.messageID, reason: reason))
        }
    }
}

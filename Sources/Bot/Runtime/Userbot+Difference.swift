import Foundation
import MTProto
import TLSchema

extension Userbot {
    /// Fetches differences in a task of their own (updates keep arriving and replies keep going
    /// meanwhile); one at a time. A difference asked for while the task finishes starts it again.
    func startDifference() {
        guard differenceTask == nil, !isStopping else { return }
        differenceTask = Task { [weak self] in
            await self?.fetchDifferences()
            await self?.differenceFinished()
        }
    }

    private func differenceFinished() {
        differenceTask = nil
        if !isStopping && (engine?.isFetchingDifference == true || dialogRecoveryDue) { startDifference() }
        if differenceTask == nil { resumeCatchUpWaiters() }
    }

    /// Returns once the difference being fetched (if any) is done, so a reply is decided on
    /// everything fetched: a later slice may hold the owner's answer or read receipt.
    func untilCaughtUp() async {
        guard differenceTask != nil, !isStopping else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in catchUpWaiters.append(continuation) }
    }

    func resumeCatchUpWaiters() {
        for waiter in catchUpWaiters { waiter.resume() }
        catchUpWaiters.removeAll()
    }

    /// Fetches differences until the state is current. Failures (server errors, timeouts, lost
    /// connections, flood waits) are retried with capped backoff; a flood wait is waited out; a
    /// refusal (400) re-synchronises from `updates.getState` and the dialogs. A recovery from the
    /// dialogs that is due (stored with the state that made it due) runs before anything else, so
    /// no message accepted meanwhile moves what was handled past the gap's messages.
    private func fetchDifferences() async {
        if dialogRecoveryDue { guard await recoverUntilDone() else { return } }
        let firstDelay: Duration = min(.seconds(1), settings.maximumDifferenceRetryDelay)
        var delay: Duration = firstDelay
        while !isStopping, let request = engine?.differenceRequest(), engine?.isFetchingDifference == true {
            let difference: Api.updates.Difference
            do {
                difference = try await client.invoke(request)
            } catch {
                if checkAccountLost(error) || isStopping || Task.isCancelled { return }
                if let rpc = error as? RPCError, rpc.code == 400 {
                    await resynchronise(after: rpc, retryIn: delay)
                    return
                }
                var wait: Duration = delay
                if let rpc = error as? RPCError, rpc.name == "FLOOD_WAIT", let seconds = rpc.value { wait = max(wait, .seconds(seconds)) }
                logger.warning("getDifference failed (\(error)); retrying in \(wait)")
                do { try await Task.sleep(for: wait) } catch { return }
                delay = min(delay * 2, settings.maximumDifferenceRetryDelay)
                continue
            }
            delay = firstDelay
            guard !isStopping, var current = engine else { return }
            let (actions, more): ([UpdatesAction], Bool) = current.apply(difference: difference)
            engine = current
            guard await perform(actions) else {
                engine?.differenceFailed()
                return
            }
            // Right after differenceTooLong, before the next round can accept newer messages.
            if dialogRecoveryDue { guard await recoverUntilDone() else { return } }
            if !more { break }
        }
    }

    /// The server refused the difference (its pts or date is no longer valid): the state is taken
    /// from `updates.getState`, stored with a recovery from the dialogs due, and the recovery runs.
    private func resynchronise(after error: RPCError, retryIn delay: Duration) async {
        logger.error("getDifference was refused (\(error)): taking the current state and reading the missed messages from the dialogs")
        engine?.differenceFailed()
        let retryAt: Double = Date().timeIntervalSince1970 + delay.inSeconds
        let fetched: Api.updates.State
        do {
            fetched = try await client.invoke(Api.functions.updates.GetState())
        } catch {
            if !checkAccountLost(error) { engine?.retryDifference(at: retryAt) }
            return
        }
        guard let channels = engine?.state.channels else { return }
        let state: UpdateState = UpdateState(fetched, channels: channels)
        do {
            try storage.commit(state: state, newReplies: [], recoveryDue: true)
        } catch {
            logger.error("could not save the update state: \(error)")
            engine?.retryDifference(at: retryAt)
            return
        }
        storedState = state
        engine?.restore(state, retryAt: retryAt)
        dialogRecoveryDue = true
        _ = await recoverUntilDone()
    }

    /// Runs the recovery from the dialogs until it succeeds (with capped backoff between attempts)
    /// or the bot stops; clears the stored flag once done. Returns false when the bot stops first.
    private func recoverUntilDone() async -> Bool {
        var delay: Duration = min(.seconds(1), settings.maximumDifferenceRetryDelay)
        while !isStopping {
            if await recoverFromDialogs() {
                dialogRecoveryDue = false
                do { try storage.setDialogRecoveryDone() } catch { logger.error("could not record the finished recovery: \(error)") }
                return true
            }
            if isStopping { break }
            logger.warning("the recovery from the dialogs failed; retrying in \(delay)")
            do { try await Task.sleep(for: delay) } catch { break }
            delay = min(delay * 2, settings.maximumDifferenceRetryDelay)
        }
        return false
    }

    /// After `differenceTooLong` the messages in between are in no difference: they are read from
    /// the private chats with unread incoming messages (`messages.getDialogs`, main list and
    /// archive), each chat's history above what was handled (`messages.getHistory`), and go
    /// through the same rules as any message (age, the owner's reads and replies, limits). Returns
    /// false when any call or commit failed (the whole recovery runs again; chats already done are
    /// past what was handled by then).
    private func recoverFromDialogs() async -> Bool {
        let oldest: Int32 = Int32(clamping: Int64(Date().timeIntervalSince1970 - settings.maximumAge.inSeconds))
        var recovered: Int = 0
        for folder in [nil, 1] as [Int32?] {
            var offset: (date: Int32, id: Int32, peer: Api.InputPeer) = (0, 0, .inputPeerEmpty)
            var pages: Int = 0
            while true {
                let page: Api.messages.Dialogs
                do {
                    page = try await client.invoke(Api.functions.messages.GetDialogs(
                        folderId: folder, offsetDate: offset.date, offsetId: offset.id, offsetPeer: offset.peer, limit: 100, hash: 0))
                } catch {
                    if !checkAccountLost(error) { logger.warning("could not read the dialogs to recover missed messages: \(error)") }
                    return false
                }
                let (dialogs, messages, users, chats): ([Api.Dialog], [Api.Message], [Api.User], [Api.Chat]) = Self.contents(of: page)
                guard await perform([.learnPeers(users: users, chats: chats)]) else { return false }
                var last: (date: Int32, id: Int32, peer: Api.InputPeer)? = nil
                for case .dialog(let dialog) in dialogs {
                    let top: NewMessage? = messages.lazy.compactMap { NewMessage($0) }.first { $0.id == dialog.topMessage && $0.chat == NewMessage.chat(dialog.peer) }
                    if let top, let input = inputPeer(dialog.peer) { last = (top.date, top.id, input) }
                    guard case .peerUser(let user) = dialog.peer, dialog.unreadCount > 0, let top, top.date >= oldest, !top.isOutgoing else { continue }
                    guard let queued = await recoverChat(user.userId, readInboxMaxID: dialog.readInboxMaxId, oldest: oldest) else { return false }
                    recovered += queued
                    if isStopping { return false }
                }
                pages += 1
                guard dialogs.count >= 100, let next = last, next.date >= oldest else { break }
                guard pages < Self.maximumDialogPages else {
                    logger.warning("more than \(Self.maximumDialogPages * 100) dialogs with recent messages: older ones were not read")
                    break
                }
                offset = next
            }
        }
        logger.warning("updates.differenceTooLong: \(recovered) missed message(s) recovered from the dialogs")
        return true
    }

    static let maximumDialogPages: Int = 50
    static let maximumHistoryPages: Int = 10

    /// One private chat's messages above what was handled and read, oldest first, through
    /// ``perform(_:)``; returns how many were queued for a reply, or nil when a call or the commit
    /// failed. At most ``maximumHistoryPages`` pages of the newest are read: beyond that many, a
    /// person's messages would be skipped for the hourly limit anyway (logged).
    private func recoverChat(_ user: Int64, readInboxMaxID: Int32, oldest: Int32) async -> Int? {
        guard let peer = peers.inputUser(user) else { return 0 }
        let floor: Int32 = max(lastHandled[user] ?? 0, readInboxMaxID)
        var collected: [NewMessage] = []
        var users: [Api.User] = []
        var offsetID: Int32 = 0
        for page in 1 ... Self.maximumHistoryPages {
            let history: Api.messages.Messages
            do {
                history = try await client.invoke(Api.functions.messages.GetHistory(
                    peer: peer, offsetId: offsetID, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: floor, hash: 0))
            } catch {
                if !checkAccountLost(error) { logger.warning("could not read the history of user \(user): \(error)") }
                return nil
            }
            let (messages, pageUsers): ([Api.Message], [Api.User]) = Self.contents(of: history)
            users += pageUsers
            let found: [NewMessage] = messages.compactMap { NewMessage($0) }
            collected += found
            guard found.count >= 100, let earliest = found.min(by: { $0.id < $1.id }), earliest.date >= oldest else { break }
            if page == Self.maximumHistoryPages {
                logger.warning("user \(user) sent more than \(page * 100) messages meanwhile: the older ones were not read")
            }
            offsetID = earliest.id
        }
        let before: Int = queues[user]?.count ?? 0
        let ordered: [NewMessage] = collected.filter { $0.id > floor }.sorted { $0.id < $1.id }
        let actions: [UpdatesAction] = [.learnPeers(users: users, chats: []), .readInbox(chat: .user(user), maxID: readInboxMaxID)]
            + ordered.map { UpdatesAction.newMessage($0) }
        guard await perform(actions) else { return nil }
        return max(0, (queues[user]?.count ?? 0) - before)
    }

    private func inputPeer(_ peer: Api.Peer) -> Api.InputPeer? {
        switch peer {
        case .peerUser(let p): return peers.inputUser(p.userId)
        case .peerChat(let p): return .inputPeerChat(Api.InputPeer.InputPeerChat(chatId: p.chatId))
        case .peerChannel(let p):
            guard let channel = peers.peer(.channel, p.channelId), !channel.isMin else { return nil }
            return .inputPeerChannel(Api.InputPeer.InputPeerChannel(channelId: p.channelId, accessHash: channel.accessHash))
        }
    }

    private static func contents(of page: Api.messages.Dialogs) -> ([Api.Dialog], [Api.Message], [Api.User], [Api.Chat]) {
        switch page {
        case .dialogs(let d): return (d.dialogs, d.messages, d.users, d.chats)
        case .dialogsSlice(let d): return (d.dialogs, d.messages, d.users, d.chats)
        case .dialogsNotModified: return ([], [], [], [])
        }
    }

    private static func contents(of history: Api.messages.Messages) -> ([Api.Message], [Api.User]) {
        switch history {
        case .messages(let m): return (m.messages, m.users)
        case .messagesSlice(let m): return (m.messages, m.users)
        case .channelMessages(let m): return (m.messages, m.users)
        case .messagesNotModified: return ([], [])
        }
    }
}

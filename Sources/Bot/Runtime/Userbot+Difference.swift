import Foundation
import MTProto
import TLSchema

extension Userbot {
    /// Fetches differences in a task of their own (updates keep arriving and replies keep going
    /// meanwhile); one at a time. After `differenceTooLong`, the private chats with unread messages
    /// are read from the dialogs as well.
    func startDifference(recoveringDialogs: Bool = false) {
        if recoveringDialogs { dialogRecoveryDue = true }
        guard differenceTask == nil, !isStopping else { return }
        differenceTask = Task { [weak self] in
            await self?.fetchDifferences()
            await self?.differenceFinished()
        }
    }

    private func differenceFinished() {
        differenceTask = nil
        if dialogRecoveryDue && !isStopping { startDifference() }
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
    /// connections, flood waits) are retried with capped backoff; a flood wait is waited out.
    private func fetchDifferences() async {
        let firstDelay: Duration = min(.seconds(1), settings.maximumDifferenceRetryDelay)
        var delay: Duration = firstDelay
        while !isStopping, let request = engine?.differenceRequest(), engine?.isFetchingDifference == true {
            let difference: Api.updates.Difference
            do {
                difference = try await client.invoke(request)
            } catch {
                if checkAccountLost(error) || isStopping || Task.isCancelled { return }
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
            if !more { break }
        }
        if dialogRecoveryDue && !isStopping {
            dialogRecoveryDue = false
            await recoverFromDialogs()
        }
    }

    /// After `differenceTooLong` the messages in between are in no difference: they are read from
    /// the private chats with unread incoming messages (`messages.getDialogs`, main list and
    /// archive), each chat's history above what was handled (`messages.getHistory`), and go
    /// through the same rules as any message (age, the owner's reads and replies, limits).
    private func recoverFromDialogs() async {
        let oldest: Int32 = Int32(clamping: Int64(Date().timeIntervalSince1970 - Self.seconds(settings.maximumAge)))
        var recovered: Int = 0
        for folder in [nil, 1] as [Int32?] {
            var offset: (date: Int32, id: Int32, peer: Api.InputPeer) = (0, 0, .inputPeerEmpty)
            for _ in 0 ..< Self.maximumDialogPages {
                let page: Api.messages.Dialogs
                do {
                    page = try await client.invoke(Api.functions.messages.GetDialogs(
                        folderId: folder, offsetDate: offset.date, offsetId: offset.id, offsetPeer: offset.peer, limit: 100, hash: 0))
                } catch {
                    if checkAccountLost(error) || isStopping { return }
                    logger.warning("could not read the dialogs to recover missed messages: \(error)")
                    break
                }
                let (dialogs, messages, users, chats): ([Api.Dialog], [Api.Message], [Api.User], [Api.Chat]) = Self.contents(of: page)
                await perform([.learnPeers(users: users, chats: chats)])
                var last: (date: Int32, id: Int32, peer: Api.InputPeer)? = nil
                for case .dialog(let dialog) in dialogs {
                    let top: NewMessage? = messages.lazy.compactMap { NewMessage($0) }.first { $0.id == dialog.topMessage && $0.chat == NewMessage.chat(dialog.peer) }
                    if let top, let input = inputPeer(dialog.peer) { last = (top.date, top.id, input) }
                    guard case .peerUser(let user) = dialog.peer, dialog.unreadCount > 0, let top, top.date >= oldest, !top.isOutgoing else { continue }
                    recovered += await recoverChat(user.userId, readInboxMaxID: dialog.readInboxMaxId, oldest: oldest)
                    if isStopping { return }
                }
                guard dialogs.count >= 100, let next = last, next.date >= oldest else { break }
                offset = next
            }
        }
        logger.warning("updates.differenceTooLong: \(recovered) missed message(s) recovered from the dialogs")
    }

    static let maximumDialogPages: Int = 50
    static let maximumHistoryPages: Int = 10

    /// One private chat's messages above what was handled and read, oldest first, through ``perform(_:)``;
    /// returns how many were queued for a reply.
    private func recoverChat(_ user: Int64, readInboxMaxID: Int32, oldest: Int32) async -> Int {
        guard let peer = peers.inputUser(user) else { return 0 }
        let floor: Int32 = max(lastHandled[user] ?? 0, readInboxMaxID)
        var collected: [NewMessage] = []
        var users: [Api.User] = []
        var offsetID: Int32 = 0
        for _ in 0 ..< Self.maximumHistoryPages {
            let history: Api.messages.Messages
            do {
                history = try await client.invoke(Api.functions.messages.GetHistory(
                    peer: peer, offsetId: offsetID, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: floor, hash: 0))
            } catch {
                if !checkAccountLost(error) { logger.warning("could not read the history of user \(user): \(error)") }
                return 0
            }
            let (messages, pageUsers): ([Api.Message], [Api.User]) = Self.contents(of: history)
            users += pageUsers
            let page: [NewMessage] = messages.compactMap { NewMessage($0) }
            collected += page
            guard page.count >= 100, let earliest = page.min(by: { $0.id < $1.id }), earliest.date >= oldest else { break }
            offsetID = earliest.id
        }
        let before: Int = queues[user]?.count ?? 0
        let ordered: [NewMessage] = collected.filter { $0.id > floor }.sorted { $0.id < $1.id }
        await perform([.learnPeers(users: users, chats: []), .readInbox(chat: .user(user), maxID: readInboxMaxID)] + ordered.map { .newMessage($0) })
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

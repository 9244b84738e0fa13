import Foundation
import MTProto
import Telegram
import TLSchema

extension Userbot {
    /// Starts the recovery from the dialogs in a task of its own (updates keep arriving and replies
    /// keep going meanwhile; the messages that arrive are held until it is done); one at a time.
    func startRecovery() {
        guard !isStopping else { return }
        guard recoveryTask == nil else {
            // Another jump while one runs: it reads the dialogs once more before it is done.
            recoveryAgain = true
            return
        }
        recoveryTask = Task { [weak self] in
            await self?.recoverUntilDone()
            await self?.recoveryFinished()
        }
    }

    private func recoveryFinished() {
        recoveryTask = nil
    }

    /// Returns once the client's engine has caught up (no difference due or being fetched) and a
    /// recovery from the dialogs that is running is done, so a reply is decided on everything
    /// fetched: a later slice may hold the owner's answer or read receipt.
    func untilCaughtUp() async {
        guard !isStopping else { return }
        await client.untilCaughtUp()
        if let recoveryTask, !isStopping { await recoveryTask.value }
    }

    /// Runs the recovery from the dialogs until it succeeds (with capped backoff between attempts)
    /// or the bot stops; once done, the flag stored with the jump is cleared and the messages held
    /// meanwhile are decided on.
    private func recoverUntilDone() async {
        var delay: Duration = min(.seconds(1), settings.maximumDifferenceRetryDelay)
        while !isStopping {
            recoveryAgain = false
            if await recoverFromDialogs() {
                if recoveryAgain { continue }
                do {
                    try storage.setDialogRecoveryDone()
                    dialogRecoveryDue = false
                } catch {
                    logger.error("could not record the finished recovery: \(error)")
                }
                await decideUndecided()
                if !dialogRecoveryDue { return }
            }
            if isStopping { break }
            logger.warning("the recovery from the dialogs failed; retrying in \(delay)")
            do { try await Task.sleep(for: delay) } catch { break }
            delay = min(delay * 2, settings.maximumDifferenceRetryDelay)
        }
    }

    /// After `differenceTooLong` the messages in between are in no difference: they are read from
    /// the private chats with unread incoming messages (`messages.getDialogs`, main list and
    /// archive), each chat's history above what was handled (`messages.getHistory`), and go
    /// through the same rules as any message (age, the owner's reads and replies, limits). Returns
    /// false when any call or commit failed (the whole recovery runs again; chats already done are
    /// past what was handled by then). The peers of every answer are learned by the client.
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
                let (dialogs, messages): ([Api.Dialog], [Api.Message]) = Self.contents(of: page)
                var last: (date: Int32, id: Int32, peer: Api.InputPeer)? = nil
                for case .dialog(let dialog) in dialogs {
                    let top: NewMessage? = messages.lazy.compactMap { NewMessage($0) }.first { $0.id == dialog.topMessage && $0.chat == NewMessage.chat(dialog.peer) }
                    if let top, let input = try? await client.peers.inputPeer(PeerID(dialog.peer)) { last = (top.date, top.id, input) }
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

    /// One private chat's messages above what was handled and read, oldest first: the owner's own
    /// messages and the read receipt are noted, the person's messages queued (undecided, decided
    /// at once); returns how many were queued, or nil when a call or the commit failed. At most
    /// ``maximumHistoryPages`` pages of the newest are read: beyond that many, a person's messages
    /// would be skipped for the hourly limit anyway (logged).
    private func recoverChat(_ user: Int64, readInboxMaxID: Int32, oldest: Int32) async -> Int? {
        guard let peer = try? await client.peers.inputPeer(.user(user)) else { return 0 }
        let floor: Int32
        do { floor = max(try storage.lastHandled(of: user), readInboxMaxID) } catch {
            logger.error("could not read what was handled for user \(user): \(error)")
            return nil
        }
        var collected: [NewMessage] = []
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
            let found: [NewMessage] = Self.messages(of: history).compactMap { NewMessage($0) }
            collected += found
            guard found.count >= 100, let earliest = found.min(by: { $0.id < $1.id }), earliest.date >= oldest else { break }
            if page == Self.maximumHistoryPages {
                logger.warning("user \(user) sent more than \(page * 100) messages meanwhile: the older ones were not read")
            }
            offsetID = earliest.id
        }
        let ordered: [NewMessage] = collected.filter { $0.id > floor }.sorted { $0.id < $1.id }
        noteOwnerActivity(user, readInboxMaxID)
        for message in ordered where message.isOutgoing { noteOwnerWrote(message) }
        let incoming: [NewMessage] = ordered.filter { $0.privateSender == user }
        let queued: Int
        do {
            queued = try storage.queueRecovered(incoming, userID: user) { entropy.randomInt64() }
        } catch {
            logger.error("could not queue the recovered messages of user \(user): \(error)")
            return nil
        }
        await decideUndecided()
        return queued
    }

    private static func contents(of page: Api.messages.Dialogs) -> ([Api.Dialog], [Api.Message]) {
        switch page {
        case .dialogs(let d): return (d.dialogs, d.messages)
        case .dialogsSlice(let d): return (d.dialogs, d.messages)
        case .dialogsNotModified: return ([], [])
        }
    }

    private static func messages(of history: Api.messages.Messages) -> [Api.Message] {
        switch history {
        case .messages(let m): return m.messages
        case .messagesSlice(let m): return m.messages
        case .channelMessages(let m): return m.messages
        case .messagesNotModified: return []
        }
    }
}

import TLSchema

/// What the updates engine asks its driver to do.
public enum UpdatesAction: Sendable {
    /// Store these peers (every `users`/`chats` vector, before the updates that need them).
    case learnPeers(users: [Api.User], chats: [Api.Chat])
    /// A new message, in order. Each is delivered once: duplicates are dropped by the pts rules.
    case newMessage(NewMessage)
    /// Call `updates.getDifference` with ``UpdatesEngine/differenceRequest()`` and feed the answer
    /// to ``UpdatesEngine/apply(difference:)``.
    case fetchDifference
    /// A channel's pts jumped (to `pts`, when known): fetch its difference, or accept the new pts
    /// with ``UpdatesEngine/setChannelPts(_:_:)`` when its messages are not needed.
    case fetchChannelDifference(channelID: Int64, pts: Int32?)
    /// Messages of a chat up to `maxID` were read (by the account, on any of its devices).
    case readInbox(chat: NewMessage.Chat, maxID: Int32)
    /// The server answered `updates.differenceTooLong`: the messages between the old state and the
    /// new one are not in any difference. Fetch them from the dialogs and their history.
    case recoverFromDialogs
    /// The state moved: persist it (together with the replies its messages made due).
    case stateChanged
}

/// The updates state machine of api-flows §7 as a plain value: pts/qts/seq/date tracking, short
/// updates, `updates`/`updatesCombined` seq checks, gap buffering with a short wait, and the
/// differences. Time is passed in; nothing here does I/O.
public struct UpdatesEngine: Sendable {
    /// The state after everything applied so far; persist it when an action says ``UpdatesAction/stateChanged``.
    public private(set) var state: UpdateState
    /// The logged-in user (sender of outgoing short messages).
    public let selfID: Int64
    /// How long a gap may stay open before the difference is fetched (seconds).
    public var gapTimeout: Double = 0.5
    /// A difference is being fetched: socket updates of the common boxes are dropped meanwhile
    /// (the difference contains them).
    public private(set) var isFetchingDifference: Bool = false

    /// An update of the common box that arrived after a gap: applied when the gap closes.
    private struct Buffered: Sendable {
        var pts: Int32
        var count: Int32
        var payload: CommonPayload
    }

    private var buffered: [Buffered] = []
    private var gapDeadline: Double?
    /// A common-box update arrived while a difference was being fetched and was left to it; if the
    /// server computed the difference before that update, one more round picks it up.
    private var droppedWhileFetching: Bool = false

    /// Starts from a stored (or freshly fetched) state, with nothing buffered and no difference in progress.
    public init(state: UpdateState, selfID: Int64) {
        self.state = state
        self.selfID = selfID
    }

    // MARK: Socket updates and update-bearing results

    /// Processes an `Updates` (pushed, or returned by a method). `isKnownUser` tells whether a user
    /// can be addressed (has a full access hash): a short message from an unknown user is
    /// incomplete, and the difference is fetched instead (it carries the user).
    public mutating func handle(_ updates: Api.Updates, now: Double, isKnownUser: (Int64) -> Bool) -> [UpdatesAction] {
        var actions: [UpdatesAction] = []
        switch updates {
        case .updatesTooLong:
            requestDifference(&actions)
        case .updateShortMessage(let m):
            if !m.out && !isKnownUser(m.userId) {
                requestDifference(&actions)
                break
            }
            let message: NewMessage = NewMessage(
                id: m.id, chat: .user(m.userId), senderID: m.out ? selfID : m.userId, isOutgoing: m.out, text: m.message, hasMedia: false,
                isService: false, date: m.date, replyToID: Self.replyToID(m.replyTo))
            applyCommon(pts: m.pts, count: m.ptsCount, update: .short(message), now: now, actions: &actions)
        case .updateShortChatMessage(let m):
            let message: NewMessage = NewMessage(
                id: m.id, chat: .group(m.chatId), senderID: m.fromId, isOutgoing: m.out, text: m.message, hasMedia: false, isService: false,
                date: m.date, replyToID: Self.replyToID(m.replyTo))
            applyCommon(pts: m.pts, count: m.ptsCount, update: .short(message), now: now, actions: &actions)
        case .updateShortSentMessage(let m):
            applyCommon(pts: m.pts, count: m.ptsCount, update: .none, now: now, actions: &actions)
        case .updateShort(let u):
            apply(u.update, now: now, actions: &actions)
            if !isFetchingDifference { state.date = max(state.date, u.date) }
        case .updatesCombined(let u):
            combined(updates: u.updates, users: u.users, chats: u.chats, date: u.date, seqStart: u.seqStart, seq: u.seq, now: now, actions: &actions)
        case .updates(let u):
            combined(updates: u.updates, users: u.users, chats: u.chats, date: u.date, seqStart: u.seq, seq: u.seq, now: now, actions: &actions)
        }
        return actions
    }

    /// `messages.affectedMessages`/`affectedHistory` results of non-channel methods move the common pts.
    public mutating func handleAffected(pts: Int32, count: Int32, now: Double) -> [UpdatesAction] {
        var actions: [UpdatesAction] = []
        applyCommon(pts: pts, count: count, update: .none, now: now, actions: &actions)
        return actions
    }

    /// Call regularly: a gap that stayed open past its deadline becomes a difference request.
    public mutating func tick(now: Double) -> [UpdatesAction] {
        guard let deadline = gapDeadline, now >= deadline else { return [] }
        var actions: [UpdatesAction] = []
        requestDifference(&actions)
        return actions
    }

    private mutating func requestDifference(_ actions: inout [UpdatesAction]) {
        buffered.removeAll()
        gapDeadline = nil
        guard !isFetchingDifference else {
            // The difference in progress may have been computed before what this is about.
            droppedWhileFetching = true
            return
        }
        isFetchingDifference = true
        actions.append(.fetchDifference)
    }

    private mutating func combined(
        updates: [Api.Update], users: [Api.User], chats: [Api.Chat], date: Int32, seqStart: Int32, seq: Int32, now: Double,
        actions: inout [UpdatesAction]
    ) {
        actions.append(.learnPeers(users: users, chats: chats))
        if isFetchingDifference {
            droppedWhileFetching = true
            return
        }
        if seqStart != 0 {
            if state.seq + 1 > seqStart { return }  // already applied
            if state.seq + 1 < seqStart {
                requestDifference(&actions)
                return
            }
        }
        for update in updates { apply(update, now: now, actions: &actions) }
        if isFetchingDifference { return }
        if seq != 0 { state.seq = seq }
        state.date = max(state.date, date)
        actions.append(.stateChanged)
    }

    // MARK: One update

    /// What a common-box update carries for the bot.
    private enum CommonPayload: Sendable {
        case none
        case short(NewMessage)
        case update(Api.Update)
    }

    private mutating func apply(_ update: Api.Update, now: Double, actions: inout [UpdatesAction]) {
        switch update {
        case .updateNewMessage(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .update(update), now: now, actions: &actions)
        case .updateEditMessage(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateDeleteMessages(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateReadHistoryInbox(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .update(update), now: now, actions: &actions)
        case .updateReadHistoryOutbox(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateReadMessagesContents(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateWebPage(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updatePinnedMessages(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateFolderPeers(let u): applyCommon(pts: u.pts, count: u.ptsCount, update: .none, now: now, actions: &actions)
        case .updateNewChannelMessage(let u):
            if case .channel(let id)? = NewMessage(u.message)?.chat { applyChannel(id, pts: u.pts, count: u.ptsCount, actions: &actions) }
        case .updateEditChannelMessage(let u):
            if case .channel(let id)? = NewMessage(u.message)?.chat { applyChannel(id, pts: u.pts, count: u.ptsCount, actions: &actions) }
        case .updateDeleteChannelMessages(let u): applyChannel(u.channelId, pts: u.pts, count: u.ptsCount, actions: &actions)
        case .updatePinnedChannelMessages(let u): applyChannel(u.channelId, pts: u.pts, count: u.ptsCount, actions: &actions)
        case .updateChannelWebPage(let u): applyChannel(u.channelId, pts: u.pts, count: u.ptsCount, actions: &actions)
        case .updateReadChannelInbox(let u): applyChannel(u.channelId, pts: u.pts, count: 0, actions: &actions)
        case .updateChannelTooLong(let u):
            actions.append(.fetchChannelDifference(channelID: u.channelId, pts: u.pts))
        case .updateNewEncryptedMessage(let u): applyQts(u.qts, actions: &actions)
        default:
            if let qts = Self.qts(of: update) { applyQts(qts, actions: &actions) }
        }
    }

    /// The qts of the secondary-box updates a userbot may receive.
    private static func qts(of update: Api.Update) -> Int32? {
        switch update {
        case .updateBotStopped(let u): return u.qts
        case .updateChatParticipant(let u): return u.qts
        case .updateChannelParticipant(let u): return u.qts
        default: return nil
        }
    }

    /// api-flows §7.3 for the common box.
    private mutating func applyCommon(pts: Int32, count: Int32, update: CommonPayload, now: Double, actions: inout [UpdatesAction]) {
        if isFetchingDifference {
            droppedWhileFetching = true
            return
        }
        if state.pts + count == pts {
            state.pts = pts
            deliver(update, actions: &actions)
            actions.append(.stateChanged)
            drainBuffer(actions: &actions)
        } else if state.pts + count > pts {
            return  // already applied
        } else {
            buffered.append(Buffered(pts: pts, count: count, payload: update))
            if gapDeadline == nil { gapDeadline = now + gapTimeout }
        }
    }

    private func deliver(_ update: CommonPayload, actions: inout [UpdatesAction]) {
        switch update {
        case .none: return
        case .short(let message): actions.append(.newMessage(message))
        case .update(let u): Self.deliver(u, actions: &actions)
        }
    }

    /// The new message or read receipt a common-box update carries.
    private static func deliver(_ update: Api.Update, actions: inout [UpdatesAction]) {
        switch update {
        case .updateNewMessage(let n):
            if let message = NewMessage(n.message) { actions.append(.newMessage(message)) }
        case .updateReadHistoryInbox(let r):
            actions.append(.readInbox(chat: NewMessage.chat(r.peer), maxID: r.maxId))
        default:
            return
        }
    }

    static func replyToID(_ header: Api.MessageReplyHeader?) -> Int32? {
        if case .messageReplyHeader(let h)? = header { return h.replyToMsgId }
        return nil
    }

    /// Applies buffered updates that became contiguous; the gap closes when the buffer empties.
    private mutating func drainBuffer(actions: inout [UpdatesAction]) {
        while let index = buffered.firstIndex(where: { state.pts + $0.count >= $0.pts }) {
            let next: Buffered = buffered.remove(at: index)
            guard state.pts + next.count == next.pts else { continue }  // a duplicate
            state.pts = next.pts
            deliver(next.payload, actions: &actions)
        }
        if buffered.isEmpty { gapDeadline = nil }
    }

    private mutating func applyChannel(_ channel: Int64, pts: Int32, count: Int32, actions: inout [UpdatesAction]) {
        guard let local = state.channels[channel] else {
            state.channels[channel] = pts
            actions.append(.stateChanged)
            return
        }
        if local + count == pts || count == 0 && pts > local {
            state.channels[channel] = pts
            actions.append(.stateChanged)
        } else if local + count < pts {
            actions.append(.fetchChannelDifference(channelID: channel, pts: pts))
        }
    }

    private mutating func applyQts(_ qts: Int32, actions: inout [UpdatesAction]) {
        if qts == 0 || isFetchingDifference { return }
        if state.qts + 1 == qts {
            state.qts = qts
            actions.append(.stateChanged)
        } else if state.qts + 1 < qts {
            requestDifference(&actions)
        }
    }

    // MARK: Differences

    /// The `updates.getDifference` call for the current state. No `pts_total_limit`: with one, the
    /// server answers `differenceTooLong` past it (read receipts, edits and deletions count too) and
    /// the messages in between are in no difference; without one it answers in slices.
    public func differenceRequest() -> Api.functions.updates.GetDifference {
        Api.functions.updates.GetDifference(pts: state.pts, date: max(state.date, 1), qts: state.qts)
    }

    /// Applies a difference. Returns the actions and whether another call is needed (a slice, or
    /// after `differenceTooLong`).
    public mutating func apply(difference: Api.updates.Difference) -> (actions: [UpdatesAction], more: Bool) {
        var actions: [UpdatesAction] = []
        var more: Bool = false
        switch difference {
        case .differenceEmpty(let d):
            state.date = d.date
            state.seq = d.seq
        case .difference(let d):
            absorb(d.newMessages, d.otherUpdates, users: d.users, chats: d.chats, actions: &actions)
            state = UpdateState(d.state, channels: state.channels)
        case .differenceSlice(let d):
            absorb(d.newMessages, d.otherUpdates, users: d.users, chats: d.chats, actions: &actions)
            state = UpdateState(d.intermediateState, channels: state.channels)
            more = true
        case .differenceTooLong(let d):
            state.pts = d.pts
            actions.append(.recoverFromDialogs)
            more = true
        }
        if !more && droppedWhileFetching {
            droppedWhileFetching = false
            more = true
        }
        if !more { isFetchingDifference = false }
        actions.append(.stateChanged)
        return (actions, more)
    }

    /// Starts a difference on the driver's initiative (start-up, reconnect, long silence); false
    /// when one is already being fetched.
    public mutating func beginDifference() -> Bool {
        guard !isFetchingDifference else { return false }
        droppedWhileFetching = false
        buffered.removeAll()
        gapDeadline = nil
        isFetchingDifference = true
        return true
    }

    /// The difference could not be fetched (network, server error): allow a new request later.
    public mutating func differenceFailed() {
        isFetchingDifference = false
        droppedWhileFetching = false
    }

    private mutating func absorb(_ messages: [Api.Message], _ others: [Api.Update], users: [Api.User], chats: [Api.Chat], actions: inout [UpdatesAction]) {
        actions.append(.learnPeers(users: users, chats: chats))
        for message in messages {
            if let m = NewMessage(message) { actions.append(.newMessage(m)) }
        }
        for update in others {
            switch update {
            case .updateNewMessage, .updateReadHistoryInbox:
                Self.deliver(update, actions: &actions)
            case .updateChannelTooLong(let u):
                actions.append(.fetchChannelDifference(channelID: u.channelId, pts: u.pts))
            case .updateNewChannelMessage(let u):
                if case .channel(let id)? = NewMessage(u.message)?.chat { state.channels[id] = max(state.channels[id] ?? 0, u.pts) }
            default:
                continue
            }
        }
    }

    /// Goes back to a stored state after the driver failed to store a newer one: buffered updates
    /// are dropped and a difference is due at `retryAt` (a tick then asks for it), so what came
    /// after the stored state arrives again and nothing is skipped.
    public mutating func restore(_ stored: UpdateState, retryAt: Double) {
        state = stored
        buffered.removeAll()
        gapDeadline = retryAt
    }

    /// A difference is due at `retryAt` (a tick then asks for it): after a failure to fetch or
    /// store one.
    public mutating func retryDifference(at retryAt: Double) {
        gapDeadline = retryAt
    }

    /// Sets a channel's pts (after its difference, or when it cannot be fetched).
    public mutating func setChannelPts(_ channel: Int64, _ pts: Int32) {
        state.channels[channel] = pts
    }
}

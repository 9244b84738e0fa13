import Foundation
import MTProto
import TLSchema

/// Dialogs and history of every kind of chat: `messages.getDialogs` (all folders, the main list or
/// the archive), `messages.getPeerDialogs`, `messages.getHistory`, `messages.getMessages`, and
/// reads on another device, answered with Telegram's paging rules
/// ([messages.getHistory](https://core.telegram.org/method/messages.getHistory),
/// [offsets](https://core.telegram.org/api/offsets)).
extension SimulatedTelegram {
    // MARK: Scripting

    /// Moves the private chat with `user` to `owner`'s archive (folder 1).
    public func archive(chatWith user: Int64, for owner: Int64) { rooms.archived[owner, default: []].insert(.user(user)) }

    /// Moves `chat` to `owner`'s archive (folder 1).
    public func archive(_ chat: SimulatedChat, for owner: Int64) { rooms.archived[owner, default: []].insert(Self.peer(chat)) }

    /// The owner of `owner` reads `chat` up to `maxID` on another device (0: everything): a read
    /// receipt pushed to the owner's sessions unless `form` is `.none` (`updateReadHistoryInbox`
    /// in the common box for a group, `updateReadChannelInbox` for a channel).
    public func readOnPhone(owner: Int64, chat: SimulatedChat, maxID: Int32, push form: PushForm = .full) async {
        switch chat {
        case .group(let id):
            _ = markRead(owner: owner, peer: .chat(id), maxID: maxID)
            guard form != .none, let event = boxes[owner]?.events.last, let update = event.update else { return }
            await pushBoxUpdate(update, event: event, to: owner)
        case .channel(let id):
            guard let room = rooms.channels[id] else { return }
            let newest: Int32 = room.posts.last?.id ?? 0
            let upTo: Int32 = max(room.readInbox[owner] ?? 0, maxID == 0 ? newest : min(maxID, newest))
            rooms.channels[id]?.readInbox[owner] = upTo
            guard form != .none else { return }
            let unread: Int32 = Int32(room.posts.filter { $0.id > upTo && $0.draft.sender != owner }.count)
            await server.push(.updates(Api.Updates.Updates(
                updates: [.updateReadChannelInbox(Api.Update.UpdateReadChannelInbox(channelId: id, maxId: upTo, stillUnreadCount: unread, pts: room.pts))],
                users: [], chats: [channelChat(id, for: owner)], date: Int32(Date().timeIntervalSince1970), seq: 0)), toUser: owner)
        }
    }

    static func peer(_ chat: SimulatedChat) -> SimulatedPeer {
        switch chat {
        case .group(let id): return .chat(id)
        case .channel(let id): return .channel(id)
        }
    }

    // MARK: Handlers

    func installHistory() async {
        await server.handle(Api.functions.messages.GetDialogs.self) { [self] in await self.getDialogs($0) }
        await server.handle(Api.functions.messages.GetPeerDialogs.self) { [self] in await self.getPeerDialogs($0) }
        await server.handle(Api.functions.messages.GetHistory.self) { [self] in await self.getHistory($0) }
        await server.handle(Api.functions.messages.GetMessages.self) { [self] in await self.getMessages($0) }
        await installSearch()
    }

    /// One chat of a dialog list with what it sorts by.
    struct DialogEntry {
        var peer: SimulatedPeer
        var dialog: Api.Dialog
        var top: Api.Message?
        var date: Int32
        var origin: Int64
    }

    /// Every chat of `me` with a message (channels: those it is a member of), newest top message first.
    func dialogEntries(for me: Int64) -> [DialogEntry] {
        guard let box = boxes[me] else { return [] }
        let archived: Set<SimulatedPeer> = rooms.archived[me] ?? []
        var tops: [SimulatedPeer: BoxEvent] = [:]
        for event in box.events where event.message != nil { tops[event.peer] = event }
        var entries: [DialogEntry] = tops.values.map { (event: BoxEvent) -> DialogEntry in
            DialogEntry(peer: event.peer, dialog: boxDialog(event, box: box, folder: archived.contains(event.peer) ? 1 : nil), top: event.message,
                        date: event.date, origin: event.origin)
        }
        for room in rooms.channels.values where room.isMember(me) {
            guard let top = room.posts.last else { continue }
            let folder: Int32? = archived.contains(.channel(room.id)) ? 1 : nil
            entries.append(DialogEntry(peer: .channel(room.id), dialog: channelDialog(room, for: me, folder: folder),
                                       top: channelMessage(top, in: room, for: me), date: top.draft.date, origin: top.origin))
        }
        return entries.sorted { ($0.date, $0.origin) > ($1.date, $1.origin) }
    }

    private func boxDialog(_ top: BoxEvent, box: Box, folder: Int32?) -> Api.Dialog {
        let read: Int32 = box.readInbox[top.peer] ?? 0
        let unread: Int = box.events.filter { $0.peer == top.peer && Self.isIncoming($0.message) && Self.id(of: $0.message) > read }.count
        return .dialog(Api.Dialog.Dialog(
            peer: top.peer.api, topMessage: Self.id(of: top.message), readInboxMaxId: read, readOutboxMaxId: 0, unreadCount: Int32(unread),
            unreadMentionsCount: 0, unreadReactionsCount: 0, unreadPollVotesCount: 0, notifySettings: Api.PeerNotifySettings(), folderId: folder))
    }

    /// The users and chats of some dialog entries (the peers and the top messages' senders).
    private func peers(of entries: [DialogEntry], for me: Int64) -> ([Api.User], [Api.Chat]) {
        var users: Set<Int64> = [me]
        var chats: [Api.Chat] = []
        for entry in entries {
            switch entry.peer {
            case .user(let id): users.insert(id)
            case .chat, .channel: chats.append(chat(entry.peer, for: me))
            }
            if case .message(let m)? = entry.top, case .peerUser(let from)? = m.fromId { users.insert(from.userId) }
            if case .messageService(let m)? = entry.top {
                if case .peerUser(let from)? = m.fromId { users.insert(from.userId) }
                users.formUnion(Self.usersNamed(by: m.action))
            }
        }
        return (users.sorted().map { user($0, for: me) }, chats)
    }

    /// Newest first; no `folder_id`: every folder, 0: the main list, 1: the archive. A page starts
    /// after the dialog `offset_peer` names (else below `offset_date`/`offset_id`).
    private func getDialogs(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.GetDialogs else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        var entries: [DialogEntry] = dialogEntries(for: me)
        let archived: Set<SimulatedPeer> = rooms.archived[me] ?? []
        if let folder = call.folderId { entries = entries.filter { archived.contains($0.peer) == (folder == 1) } }
        let total: Int = entries.count
        if case .success(let offsetPeer) = resolve(call.offsetPeer, for: me), let index = entries.firstIndex(where: { $0.peer == offsetPeer }) {
            entries.removeFirst(index + 1)
        } else if call.offsetDate != 0 || call.offsetId != 0 {
            entries = entries.filter { (entry: DialogEntry) -> Bool in
                let id: Int32 = entry.top?.messageIDInBox ?? 0
                return call.offsetDate == 0 ? id < call.offsetId : entry.date < call.offsetDate || (entry.date == call.offsetDate && id < call.offsetId)
            }
        }
        let page: [DialogEntry] = Array(entries.prefix(Int(max(1, min(call.limit, 100)))))
        let (users, chats): ([Api.User], [Api.Chat]) = peers(of: page, for: me)
        let messages: [Api.Message] = page.compactMap(\.top)
        if page.count < total {
            return .value(Api.messages.Dialogs.dialogsSlice(Api.messages.Dialogs.DialogsSlice(
                count: Int32(total), dialogs: page.map(\.dialog), messages: messages, chats: chats, users: users)))
        }
        return .value(Api.messages.Dialogs.dialogs(Api.messages.Dialogs.Dialogs(dialogs: page.map(\.dialog), messages: messages, chats: chats, users: users)))
    }

    private func getPeerDialogs(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let box = boxes[me], let call = context.function as? Api.functions.messages.GetPeerDialogs else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let entries: [DialogEntry] = dialogEntries(for: me)
        var page: [DialogEntry] = []
        for case .inputDialogPeer(let wanted) in call.peers {
            switch resolve(wanted.peer, for: me) {
            case .success(let peer):
                if let entry = entries.first(where: { $0.peer == peer }) { page.append(entry) }
            case .failure(let error):
                return .error(code: error.code, message: error.message)
            }
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(of: page, for: me)
        return .value(Api.messages.PeerDialogs(
            dialogs: page.map(\.dialog), messages: page.compactMap(\.top), chats: chats, users: users,
            state: Api.updates.State(pts: box.pts, qts: 0, date: Int32(Date().timeIntervalSince1970), seq: box.seq, unreadCount: 0)))
    }

    /// The messages of a chat as `me` sees them, newest first, with the pts of a channel.
    func chatMessages(_ peer: SimulatedPeer, for me: Int64) -> (messages: [Api.Message], origins: [Int64], channelPts: Int32?) {
        if case .channel(let id) = peer {
            guard let room = rooms.channels[id] else { return ([], [], 0) }
            let posts: [ChannelPost] = room.posts.reversed()
            return (posts.map { channelMessage($0, in: room, for: me) }, posts.map(\.origin), room.pts)
        }
        let events: [BoxEvent] = (boxes[me]?.events ?? []).filter { $0.peer == peer && $0.message != nil }.reversed()
        return (events.compactMap(\.message).map(withCurrentFileReferences), events.map(\.origin), nil)
    }

    /// One page of `all` (newest first) as Telegram pages history: from the first message below
    /// `offset_id` (or older than `offset_date`), moved by `add_offset`, at most `limit`, then
    /// only those between `min_id` and `max_id`.
    static func page(
        _ all: [Api.Message], offsetID: Int32, offsetDate: Int32, addOffset: Int32, limit: Int32, maxID: Int32, minID: Int32
    ) -> [Api.Message] {
        var start: Int = 0
        if offsetID != 0 {
            start = all.firstIndex { $0.messageIDInBox < offsetID } ?? all.count
        } else if offsetDate != 0 {
            start = all.firstIndex { $0.dateInBox < offsetDate } ?? all.count
        }
        start = max(0, min(all.count, start + Int(addOffset)))
        let end: Int = min(all.count, start + Int(max(1, min(limit, 100))))
        return all[start ..< end].filter { (maxID == 0 || $0.messageIDInBox < maxID) && $0.messageIDInBox > minID }
    }

    /// `messages.messages` when `page` is all there is, else a slice with the total (for a
    /// channel always `messages.channelMessages` with its pts).
    func messagesResult(_ page: [Api.Message], total: Int, channelPts: Int32?, for me: Int64) -> Api.messages.Messages {
        let (users, chats): ([Api.User], [Api.Chat]) = peers(ofMessages: page, for: me)
        if let channelPts {
            return .channelMessages(Api.messages.Messages.ChannelMessages(
                pts: channelPts, count: Int32(total), messages: page, topics: [], chats: chats, users: users))
        }
        if page.count < total {
            return .messagesSlice(Api.messages.Messages.MessagesSlice(count: Int32(total), messages: page, topics: [], chats: chats, users: users))
        }
        return .messages(Api.messages.Messages.Messages(messages: page, topics: [], chats: chats, users: users))
    }

    /// The users and chats some messages name (chats, senders, forward sources, service users).
    func peers(ofMessages messages: [Api.Message], for me: Int64) -> ([Api.User], [Api.Chat]) {
        var users: Set<Int64> = [me]
        var chats: Set<SimulatedPeer> = []
        func note(_ peer: Api.Peer?) {
            switch peer {
            case .peerUser(let u)?: users.insert(u.userId)
            case .peerChat(let c)?: chats.insert(.chat(c.chatId))
            case .peerChannel(let c)?: chats.insert(.channel(c.channelId))
            case nil: break
            }
        }
        for message in messages {
            switch message {
            case .message(let m):
                note(m.peerId)
                note(m.fromId)
                note(m.fwdFrom?.fromId)
            case .messageService(let m):
                note(m.peerId)
                note(m.fromId)
                users.formUnion(Self.usersNamed(by: m.action))
            case .messageEmpty:
                break
            }
        }
        return (users.sorted().map { user($0, for: me) }, chats.map { chat($0, for: me) })
    }

    private func getHistory(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.GetHistory else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let peer: SimulatedPeer
        switch resolve(call.peer, for: me) {
        case .success(let found): peer = found
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
        let (all, _, channelPts): ([Api.Message], [Int64], Int32?) = chatMessages(peer, for: me)
        let page: [Api.Message] = Self.page(
            all, offsetID: call.offsetId, offsetDate: call.offsetDate, addOffset: call.addOffset, limit: call.limit, maxID: call.maxId, minID: call.minId)
        return .value(messagesResult(page, total: all.count, channelPts: channelPts, for: me))
    }

    /// Messages of the common box (private chats and basic groups) by id; `messageEmpty` for ids it lacks.
    private func getMessages(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let box = boxes[me], let call = context.function as? Api.functions.messages.GetMessages else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let messages: [Api.Message] = call.id.map { (input: Api.InputMessage) -> Api.Message in
            var id: Int32 = 0
            if case .inputMessageID(let m) = input { id = m.id }
            if case .inputMessageReplyTo(let m) = input, case .message(let found)? = box.events.first(where: { Self.id(of: $0.message) == m.id })?.message,
               case .messageReplyHeader(let header)? = found.replyTo { id = header.replyToMsgId ?? 0 }
            return box.events.first { $0.message != nil && Self.id(of: $0.message) == id }?.message.map(withCurrentFileReferences)
                ?? .messageEmpty(Api.Message.MessageEmpty(id: id))
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(ofMessages: messages, for: me)
        return .value(Api.messages.Messages.messages(Api.messages.Messages.Messages(messages: messages, topics: [], chats: chats, users: users)))
    }
}

extension Api.Message {
    /// The message's id (any constructor).
    var messageIDInBox: Int32 {
        switch self {
        case .message(let m): return m.id
        case .messageService(let m): return m.id
        case .messageEmpty(let m): return m.id
        }
    }

    /// The message's date; 0 for `messageEmpty`.
    var dateInBox: Int32 {
        switch self {
        case .message(let m): return m.date
        case .messageService(let m): return m.date
        case .messageEmpty: return 0
        }
    }
}

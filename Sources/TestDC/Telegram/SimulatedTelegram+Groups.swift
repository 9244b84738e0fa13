import Foundation
import MTProto
import TLSchema

/// Basic groups (`chat`): every member's common box holds its own copy of each message, with the
/// box's pts, as Telegram does ([groups](https://core.telegram.org/api/channel#basic-groups)):
/// `messages.createChat`, `messages.getFullChat`, `messages.getChats`, `messages.addChatUser`,
/// `messages.deleteChatUser`, `messages.editChatTitle`, with their service messages.
extension SimulatedTelegram {
    // MARK: Scripting

    /// Creates a basic group of `creator` with `members` (the creator need not be listed); its
    /// service message `messageActionChatCreate` goes to every member's box (pushed unless `form`
    /// is `.none`). Returns the group's id (`id`, or the next free one).
    @discardableResult
    public func createGroup(title: String, creator: Int64, members: [Int64] = [], id: Int64? = nil, push form: PushForm = .full) async -> Int64 {
        let chatID: Int64 = id ?? nextChatID()
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var everyone: [Int64] = [creator]
        for member in members where !everyone.contains(member) && accounts[member] != nil { everyone.append(member) }
        let list: [(user: Int64, inviter: Int64, date: Int32)] = everyone.prefix(rooms.limits.membersPerChat).map { ($0, creator, now) }
        rooms.groups[chatID] = SimulatedGroup(id: chatID, title: title, creator: creator, date: now, members: list)
        let action: Api.MessageAction = .messageActionChatCreate(Api.MessageAction.MessageActionChatCreate(title: title, users: everyone))
        await postInGroup(chatID, MessageDraft(sender: creator, text: "", action: action, date: now), push: form, skipping: nil)
        return chatID
    }

    /// `user` writes `text` in basic group `chat` (as a reply to `replyTo` in each member's copy
    /// when given the id in the sender's box); pushed to every member but `user` as
    /// `updateNewMessage`. Returns the message's id in `user`'s box.
    @discardableResult
    public func post(_ text: String, inGroup chat: Int64, from user: Int64, push form: PushForm = .full) async -> Int32 {
        let draft: MessageDraft = MessageDraft(sender: user, text: text, date: Int32(Date().timeIntervalSince1970))
        return await postInGroup(chat, draft, push: form, skipping: user).first { $0.owner == user }?.id ?? 0
    }

    /// `inviter` adds `user` to basic group `chat` (service message `messageActionChatAddUser`).
    public func addToGroup(_ user: Int64, chat: Int64, by inviter: Int64, push form: PushForm = .full) async {
        guard var group = rooms.groups[chat], !group.isMember(user), accounts[user] != nil,
              group.members.count < rooms.limits.membersPerChat else { return }
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        group.members.append((user, inviter, now))
        group.version += 1
        rooms.groups[chat] = group
        let action: Api.MessageAction = .messageActionChatAddUser(Api.MessageAction.MessageActionChatAddUser(users: [user]))
        await postInGroup(chat, MessageDraft(sender: inviter, text: "", action: action, date: now), push: form, skipping: nil)
    }

    /// `remover` removes `user` from basic group `chat` (`user` itself: it leaves); the service
    /// message `messageActionChatDeleteUser` goes to the members and to `user`.
    public func removeFromGroup(_ user: Int64, chat: Int64, by remover: Int64, push form: PushForm = .full) async {
        guard rooms.groups[chat]?.isMember(user) == true else { return }
        let action: Api.MessageAction = .messageActionChatDeleteUser(Api.MessageAction.MessageActionChatDeleteUser(userId: user))
        let draft: MessageDraft = MessageDraft(sender: remover, text: "", action: action, date: Int32(Date().timeIntervalSince1970))
        await postInGroup(chat, draft, push: form, skipping: nil)
        rooms.groups[chat]?.members.removeAll { $0.user == user }
        rooms.groups[chat]?.version += 1
    }

    /// `editor` renames basic group `chat` (service message `messageActionChatEditTitle`).
    public func renameGroup(_ chat: Int64, to title: String, by editor: Int64, push form: PushForm = .full) async {
        guard rooms.groups[chat] != nil else { return }
        rooms.groups[chat]?.title = title
        let action: Api.MessageAction = .messageActionChatEditTitle(Api.MessageAction.MessageActionChatEditTitle(title: title))
        await postInGroup(chat, MessageDraft(sender: editor, text: "", action: action, date: Int32(Date().timeIntervalSince1970)), push: form, skipping: nil)
    }

    /// The members of basic group `chat`, in the order they joined.
    public func groupMembers(_ chat: Int64) -> [Int64] { rooms.groups[chat]?.members.map(\.user) ?? [] }

    // MARK: Internals

    func nextChatID() -> Int64 {
        while rooms.groups[rooms.nextChatID] != nil || rooms.channels[rooms.nextChatID] != nil { rooms.nextChatID += 1 }
        defer { rooms.nextChatID += 1 }
        return rooms.nextChatID
    }

    /// Appends `draft` to every member's box and pushes it (to all but `skipping`); returns each
    /// member's copy: its id and pts.
    @discardableResult
    func postInGroup(_ chat: Int64, _ draft: MessageDraft, push form: PushForm, skipping: Int64?) async -> [(owner: Int64, id: Int32, pts: Int32)] {
        guard let group = rooms.groups[chat] else { return [] }
        var copies: [(owner: Int64, id: Int32, pts: Int32)] = []
        let origin: Int64 = newOrigin()
        var owners: [Int64] = group.members.map(\.user)
        if case .messageActionChatDeleteUser(let a)? = draft.action, !owners.contains(a.userId) { owners.append(a.userId) }
        for owner in owners {
            let (id, pts): (Int32, Int32) = append(owner: owner, peer: .chat(chat), draft: draft, origin: origin)
            copies.append((owner, id, pts))
            guard form != .none, owner != skipping, let event = boxes[owner]?.events.last, let message = event.message else { continue }
            await pushBoxUpdate(.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: pts, ptsCount: 1)), event: event, to: owner)
        }
        if draft.action == nil {
            record(SimulatedMessage(id: copies.first { $0.owner == draft.sender }?.id ?? 0, from: draft.sender, to: -chat, text: draft.text,
                                    replyTo: draft.replyTo, randomID: nil, hasMedia: draft.hasMedia, date: draft.date))
        }
        return copies
    }

    /// Pushes one update of `owner`'s box in `updates` with the users and chats of `event`.
    func pushBoxUpdate(_ update: Api.Update, event: BoxEvent, to owner: Int64) async {
        boxes[owner]?.seq += 1
        let (users, chats): ([Api.User], [Api.Chat]) = peers(of: [event], for: owner)
        await server.push(.updates(Api.Updates.Updates(
            updates: [update], users: users, chats: chats, date: event.date, seq: boxes[owner]?.seq ?? 0)), toUser: owner)
    }

    /// The group as `viewer` sees it: `chat` (with `left` once it is no member), or `chatEmpty`.
    func groupChat(_ id: Int64, for viewer: Int64) -> Api.Chat {
        guard let group = rooms.groups[id] else { return .chatEmpty(Api.Chat.ChatEmpty(id: id)) }
        return .chat(Api.Chat.Chat(
            creator: group.creator == viewer, left: !group.isMember(viewer), id: id, title: group.title, photo: .chatPhotoEmpty,
            participantsCount: Int32(group.members.count), date: group.date, version: group.version))
    }

    func installGroups() async {
        await server.handle(Api.functions.messages.CreateChat.self) { [self] in await self.createChat($0) }
        await server.handle(Api.functions.messages.GetFullChat.self) { [self] in await self.getFullChat($0) }
        await server.handle(Api.functions.messages.GetChats.self) { [self] in await self.getChats($0) }
        await server.handle(Api.functions.messages.AddChatUser.self) { [self] in await self.addChatUser($0) }
        await server.handle(Api.functions.messages.DeleteChatUser.self) { [self] in await self.deleteChatUser($0) }
        await server.handle(Api.functions.messages.EditChatTitle.self) { [self] in await self.editChatTitle($0) }
    }

    /// A user an `InputUser` names for `viewer`.
    func resolve(_ input: Api.InputUser, for viewer: Int64) -> Int64? {
        switch input {
        case .inputUserSelf: return viewer
        case .inputUser(let u) where accounts[u.userId] != nil && u.accessHash == accessHash(of: u.userId, for: viewer): return u.userId
        case .inputUserFromMessage(let u) where accounts[u.userId] != nil: return u.userId
        default: return nil
        }
    }

    /// The `updates` a member's own group call answers with: its copy of the service message.
    private func answer(_ copies: [(owner: Int64, id: Int32, pts: Int32)], for me: Int64) -> Api.Updates {
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        guard let mine = copies.first(where: { $0.owner == me }), let event = boxes[me]?.events.last(where: { $0.pts == mine.pts }),
              let message = event.message else {
            return .updates(Api.Updates.Updates(updates: [], users: [], chats: [], date: now, seq: 0))
        }
        let (users, chats): ([Api.User], [Api.Chat]) = peers(of: [event], for: me)
        return .updates(Api.Updates.Updates(
            updates: [.updateNewMessage(Api.Update.UpdateNewMessage(message: message, pts: mine.pts, ptsCount: 1))], users: users,
            chats: chats, date: now, seq: 0))
    }

    private func createChat(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.CreateChat else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard !call.title.isEmpty else { return .error(code: 400, message: "CHAT_TITLE_EMPTY") }
        let users: [Int64] = call.users.compactMap { resolve($0, for: me) }
        guard users.count == call.users.count else { return .error(code: 400, message: "USER_ID_INVALID") }
        let chatID: Int64 = nextChatID()
        let now: Int32 = Int32(Date().timeIntervalSince1970)
        var everyone: [Int64] = [me]
        for user in users where !everyone.contains(user) { everyone.append(user) }
        rooms.groups[chatID] = SimulatedGroup(id: chatID, title: call.title, creator: me, date: now, members: everyone.map { ($0, me, now) })
        let action: Api.MessageAction = .messageActionChatCreate(Api.MessageAction.MessageActionChatCreate(title: call.title, users: everyone))
        let copies = await postInGroup(chatID, MessageDraft(sender: me, text: "", action: action, date: now), push: .full, skipping: me)
        return .value(Api.messages.InvitedUsers(updates: answer(copies, for: me), missingInvitees: []))
    }

    private func getFullChat(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.GetFullChat else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard let group = rooms.groups[call.chatId] else { return .error(code: 400, message: "CHAT_ID_INVALID") }
        let participants: [Api.ChatParticipant] = group.members.map { (member: (user: Int64, inviter: Int64, date: Int32)) -> Api.ChatParticipant in
            member.user == group.creator
                ? .chatParticipantCreator(Api.ChatParticipant.ChatParticipantCreator(userId: member.user))
                : .chatParticipant(Api.ChatParticipant.ChatParticipant(userId: member.user, inviterId: member.inviter, date: member.date))
        }
        let full: Api.ChatFull = .chatFull(Api.ChatFull.ChatFull(
            id: group.id, about: "", participants: .chatParticipants(Api.ChatParticipants.ChatParticipants(
                chatId: group.id, participants: participants, version: group.version)),
            notifySettings: Api.PeerNotifySettings()))
        return .value(Api.messages.ChatFull(
            fullChat: full, chats: [groupChat(group.id, for: me)], users: group.members.map { user($0.user, for: me) }))
    }

    private func getChats(_ context: HandlerContext) -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.GetChats else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        let chats: [Api.Chat] = call.id.filter { rooms.groups[$0] != nil }.map { groupChat($0, for: me) }
        return .value(Api.messages.Chats.chats(Api.messages.Chats.Chats(chats: chats)))
    }

    private func addChatUser(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.AddChatUser else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard let group = rooms.groups[call.chatId], group.isMember(me) else { return .error(code: 400, message: "CHAT_ID_INVALID") }
        guard let user = resolve(call.userId, for: me) else { return .error(code: 400, message: "USER_ID_INVALID") }
        guard !group.isMember(user) else { return .error(code: 400, message: "USER_ALREADY_PARTICIPANT") }
        await addToGroup(user, chat: call.chatId, by: me)
        return .value(Api.messages.InvitedUsers(updates: answer(lastCopies(in: call.chatId, for: me), for: me), missingInvitees: []))
    }

    private func deleteChatUser(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.DeleteChatUser else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard let group = rooms.groups[call.chatId], group.isMember(me) else { return .error(code: 400, message: "CHAT_ID_INVALID") }
        guard let user = resolve(call.userId, for: me), group.isMember(user) else { return .error(code: 400, message: "USER_NOT_PARTICIPANT") }
        guard user == me || group.creator == me else { return .error(code: 400, message: "CHAT_ADMIN_REQUIRED") }
        await removeFromGroup(user, chat: call.chatId, by: me)
        return .value(answer(lastCopies(in: call.chatId, for: me), for: me))
    }

    private func editChatTitle(_ context: HandlerContext) async -> HandlerOutcome {
        guard let me = context.userID, let call = context.function as? Api.functions.messages.EditChatTitle else {
            return .error(code: 401, message: "AUTH_KEY_UNREGISTERED")
        }
        guard let group = rooms.groups[call.chatId], group.isMember(me) else { return .error(code: 400, message: "CHAT_ID_INVALID") }
        guard !call.title.isEmpty else { return .error(code: 400, message: "CHAT_TITLE_EMPTY") }
        guard call.title != group.title else { return .error(code: 400, message: "CHAT_NOT_MODIFIED") }
        await renameGroup(call.chatId, to: call.title, by: me)
        return .value(answer(lastCopies(in: call.chatId, for: me), for: me))
    }

    /// `me`'s copy of the newest message of group `chat`.
    private func lastCopies(in chat: Int64, for me: Int64) -> [(owner: Int64, id: Int32, pts: Int32)] {
        guard let event = boxes[me]?.events.last(where: { $0.peer == .chat(chat) && $0.message != nil }) else { return [] }
        return [(me, Self.id(of: event.message), event.pts)]
    }
}
